import { Injectable } from '@nestjs/common';
import { InvalidRequestError, NotFoundError, TooManyRequestsError, uuidv7 } from '@autocall/common';
import { IdempotentRequests, KeyedRequest, Prisma, PrismaService } from '@autocall/database';
import { SettingsService } from '@autocall/tenancy';
import { poolPacingSettings } from '../compliance/compliance.service';
import { Queues } from '../queues';
import { DEFAULT_PACING_SETTINGS, PacingSettings } from './pacer';
import type { PacingSimulationAnswer, RequestPacingSimulation } from './what-if-schemas';
import { MeasuredCalls, resolveFigures, ResolvedFigures, WhatIfOutcome, whatIfScenarios } from './what-if';
import type { PacingScenario } from './pacing-simulation';

export const PACING_SIMULATIONS_QUEUE = 'pacing-simulations';
/** Queued or running simulations a tenant may have at once; one more is 429. */
export const MAX_OPEN_SIMULATIONS = 2;
/** Claims of one simulation before it is recorded failed (a simulation that kills its worker). */
export const MAX_SIMULATION_ATTEMPTS = 3;

type Row = Prisma.PacingSimulationGetPayload<object>;

/** What a claimed simulation runs: its scenarios, and what the result records beside the outcomes. */
export interface ClaimedSimulation {
  id: string;
  attempt: number;
  runs: { name: string; scenario: PacingScenario }[];
  figures: ResolvedFigures;
  measured: MeasuredCalls;
  pacing: PacingSettings;
}

export interface PacingSimulationJob {
  simulationId: string;
}

/**
 * What-if pacing simulations: one row each (pacing_simulations), the only writer of those rows.
 * A request is stored queued with a job to wake a worker; the worker claims it (status and attempts
 * in one conditional statement), measures the pool's history, runs it off its event loop and
 * records the result under its claim. The row is the truth: a lost job is queued again by the
 * worker's sweep, a job delivered twice runs under a new claim and only the last claim records.
 */
@Injectable()
export class PacingSimulations {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: SettingsService,
    private readonly queues: Queues,
    private readonly idempotency: IdempotentRequests,
  ) {}

  async request(
    tenantId: string,
    input: RequestPacingSimulation,
    idempotencyKey: string | null,
  ): Promise<{ replayed: boolean; answer: PacingSimulationAnswer }> {
    const keyed: KeyedRequest | null = idempotencyKey
      ? { tenantId, operation: 'pacing-simulations.request', key: idempotencyKey, body: input }
      : null;
    const earlier = keyed ? await this.idempotency.peek(keyed) : null;
    if (earlier) return { replayed: true, answer: earlier.answer as PacingSimulationAnswer };
    const skill = await this.prisma.skill.findUnique({ where: { tenantId_name: { tenantId, name: input.skill } } });
    if (!skill) throw InvalidRequestError.field('skill', 'unknown_skill', 'No agent of this tenant has this skill.');
    const id = uuidv7();
    const stored = await this.prisma.$transaction(async (tx) => {
      const replay = keyed ? await this.idempotency.claim(tx, keyed) : null;
      if (replay) return { replay, row: null };
      // One request of the tenant at a time counts and inserts: the bound holds under concurrency.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`pacing-simulations/${tenantId}`}, 0))`;
      const open = await tx.pacingSimulation.count({ where: { tenantId, status: { in: ['queued', 'running'] } } });
      if (open >= MAX_OPEN_SIMULATIONS)
        throw new TooManyRequestsError(
          5,
          `At most ${MAX_OPEN_SIMULATIONS} simulations of a tenant run at once; retry once one has finished.`,
        );
      const row = await tx.pacingSimulation.create({
        data: {
          id,
          tenantId,
          skill: input.skill,
          request: { ...input, seed: input.seed ?? id } as Prisma.InputJsonValue,
        },
      });
      if (keyed) await this.idempotency.remember(tx, keyed, { statusCode: 202, answer: viewOf(row) });
      return { replay: null, row };
    });
    if (!stored.row) return { replayed: true, answer: stored.replay!.answer as PacingSimulationAnswer };
    await this.wake(stored.row.id);
    return { replayed: false, answer: viewOf(stored.row) };
  }

  async get(tenantId: string, id: string): Promise<PacingSimulationAnswer> {
    const row = await this.prisma.pacingSimulation.findFirst({ where: { id, tenantId } });
    if (!row) throw new NotFoundError('not_found', 'No pacing simulation with this id.');
    return viewOf(row);
  }

  /** The tenant's last simulation that finished (the dashboard shows it), or null. */
  async lastDone(tenantId: string): Promise<PacingSimulationAnswer | null> {
    const row = await this.prisma.pacingSimulation.findFirst({
      where: { tenantId, status: 'done' },
      orderBy: { createdAt: 'desc' },
    });
    return row ? viewOf(row) : null;
  }

  /** Adds the job that wakes a worker for it (named by the simulation: adding it twice adds one). */
  async wake(simulationId: string): Promise<void> {
    await this.queues
      .queue(PACING_SIMULATIONS_QUEUE)
      .add('pacing-simulation', { simulationId } satisfies PacingSimulationJob, {
        jobId: simulationId,
        removeOnComplete: true,
        removeOnFail: true,
      });
  }

  /**
   * Simulations whose job was lost (a Redis loss): queued for longer than `queuedSeconds`, or
   * running for longer than `runningSeconds` (past any run's timeout: its worker died with the job).
   */
  async stranded(queuedSeconds: number, runningSeconds: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM pacing_simulations
      WHERE (status = 'queued' AND created_at < now() - ${queuedSeconds} * interval '1 second')
         OR (status = 'running' AND started_at < now() - ${runningSeconds} * interval '1 second')
      ORDER BY created_at LIMIT 100`;
    return rows.map((r) => r.id);
  }

  /**
   * Claims a simulation to run: queued, or running under an earlier claim whose worker died (the
   * job came back). Null when it is finished, unknown, or out of attempts (then recorded failed).
   */
  async claim(id: string): Promise<ClaimedSimulation | null> {
    const [claimed] = await this.prisma.$queryRaw<{ attempts: number; tenant_id: string; request: unknown }[]>`
      UPDATE pacing_simulations
      SET status = 'running', attempts = attempts + 1, started_at = now()
      WHERE id = ${id}::uuid AND status IN ('queued', 'running') AND attempts < ${MAX_SIMULATION_ATTEMPTS}
      RETURNING attempts, tenant_id, request`;
    if (!claimed) {
      await this.prisma.$executeRaw`
        UPDATE pacing_simulations SET status = 'failed', finished_at = now(),
          error = 'the simulation stopped its worker ' || attempts || ' times'
        WHERE id = ${id}::uuid AND status IN ('queued', 'running')`;
      return null;
    }
    // The request as the claim read it (its own statement: no second read).
    const request = claimed.request as RequestPacingSimulation & { seed: string };
    const settings = await this.settings.get(claimed.tenant_id);
    const ringTimeoutSeconds = request.ringTimeoutSeconds ?? DEFAULT_PACING_SETTINGS.ringTimeoutSeconds;
    const pacing = poolPacingSettings(settings, request.skill, ringTimeoutSeconds);
    const measured = await this.measure(claimed.tenant_id, request.skill, request.measuredDays);
    const figures = resolveFigures(measured, request.figures);
    return {
      id,
      attempt: claimed.attempts,
      runs: whatIfScenarios(request, figures, pacing, request.seed),
      figures,
      measured,
      pacing,
    };
  }

  /** Records the result under the claim that ran it; false when another claim has taken it since. */
  async finish(claim: ClaimedSimulation, outcomes: WhatIfOutcome[], wallMilliseconds: number): Promise<boolean> {
    const result = {
      figures: claim.figures,
      measured: claim.measured,
      pacing: claim.pacing,
      outcomes,
      wallMilliseconds: Math.round(wallMilliseconds),
    };
    const updated = await this.prisma.$executeRaw`
      UPDATE pacing_simulations SET status = 'done', result = ${JSON.stringify(result)}::jsonb, finished_at = now()
      WHERE id = ${claim.id}::uuid AND status = 'running' AND attempts = ${claim.attempt}`;
    return updated === 1;
  }

  async fail(claim: { id: string; attempt: number }, message: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE pacing_simulations SET status = 'failed', error = ${message.slice(0, 500)}, finished_at = now()
      WHERE id = ${claim.id}::uuid AND status = 'running' AND attempts = ${claim.attempt}`;
  }

  /**
   * The pool's calls over the last `days`: dials that ended, answered by a person, mean time to a
   * person's answer, mean talk time (connected to ended), mean wrap-up (ended to the agent's
   * wrap-up ended by the disposition).
   */
  async measure(tenantId: string, skill: string, days: number): Promise<MeasuredCalls> {
    const [row] = await this.prisma.$queryRaw<
      { dials: number; human: number; ring: number | null; talk: number | null; wrap: number | null }[]
    >`
      SELECT count(*)::int AS dials,
             count(*) FILTER (WHERE answered_by = 'human')::int AS human,
             avg(extract(epoch FROM answered_at - created_at)) FILTER (WHERE answered_by = 'human')::float8 AS ring,
             avg(extract(epoch FROM ended_at - connected_at)) FILTER (WHERE connected_at IS NOT NULL)::float8 AS talk,
             avg(extract(epoch FROM wrap_up_ended_at - ended_at))
               FILTER (WHERE connected_at IS NOT NULL AND wrap_up_ended_at IS NOT NULL)::float8 AS wrap
      FROM contacts
      WHERE tenant_id = ${tenantId}::uuid AND skill = ${skill} AND ended_at IS NOT NULL
        AND created_at > now() - ${days} * interval '1 day'`;
    return {
      days,
      dials: row?.dials ?? 0,
      humanAnswers: row?.human ?? 0,
      ringSecondsMean: row?.ring ?? null,
      talkSecondsMean: row?.talk ?? null,
      wrapUpSecondsMean: row?.wrap ?? null,
    };
  }
}

function viewOf(row: Row): PacingSimulationAnswer {
  const request = row.request as Record<string, unknown>;
  return {
    id: row.id,
    status: row.status as PacingSimulationAnswer['status'],
    request: {
      skill: request.skill as string,
      agents: request.agents as number,
      hours: request.hours as number,
      strategies: (request.strategies as PacingSimulationAnswer['request']['strategies']) ?? null,
      ringTimeoutSeconds: (request.ringTimeoutSeconds as number | undefined) ?? null,
      measuredDays: request.measuredDays as number,
      figures: (request.figures as Record<string, number>) ?? {},
      seed: request.seed as string,
    },
    result: (row.result as PacingSimulationAnswer['result']) ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

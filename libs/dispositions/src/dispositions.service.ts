import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AgentSessionsService } from '@autocall/agents';
import { CallbacksService, checkScheduledAt, resolveScheduledAt } from '@autocall/callbacks';
import { ConflictError, InvalidRequestError, NotFoundError, UnauthorizedError } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { DispositionCode, Prisma, PrismaService } from '@autocall/database';
import { CallRecords, heldJobData, HeldTargetJob, Queues, targetZonesCode } from '@autocall/dialing';
import { Caller, SettingsService } from '@autocall/tenancy';
import {
  DispositionRule,
  DispositionSetter,
  SET_REFUSALS,
  setRefusal,
  TargetMove,
  targetMoveOf,
} from './disposition-rules';
import { PutDispositionCode, SetDisposition } from './disposition-schemas';

/** Bounded: a code is one of the tenant's own (nothing else can be set), `by` one of five words. */
export const dispositionsTotal = new Counter({
  name: 'autocall_dispositions_total',
  help: "Dispositions set, by the tenant's code and by who set it (default: nobody did within the wrap-up)",
  labelNames: ['tenant', 'code', 'by'],
});

/** How many awaited dispositions the keeper settles per pass. */
const EXPIRE_BATCH = 200;

type Tx = Prisma.TransactionClient;

/** What is done after the commit that applied a disposition (each also redone by the keeper if lost). */
interface AfterApply {
  tenantId: string;
  contactId: string;
  agentId: string | null;
  retry: {
    skill: string;
    autocallId: string;
    targetId: string;
    priority: number;
    attempts: number;
    /** Its next held job's data (heldJobData). */
    held: HeldTargetJob;
    delayMs: number;
  } | null;
}

export const codeView = (row: DispositionCode) => ({
  code: row.code,
  label: row.label,
  kind: row.kind,
  retryDelaySeconds: row.retryDelaySeconds,
  retryMaxAttempts: row.retryMaxAttempts,
  isDefault: row.isDefault,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/**
 * Dispositions: the tenant's codes, setting one on a contact (an agent, or a supervisor or an
 * integrator for it), and applying it to the contact's target, once, when the call has ended: by
 * the request that sets it, by the worker at the call's end (one set during the call), or by the
 * keeper when the wrap-up is over (the default code). The contact row's lock orders them all.
 */
@Injectable()
export class DispositionsService {
  private readonly logger = new Logger(DispositionsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly records: CallRecords,
    private readonly settings: SettingsService,
    private readonly callbacks: CallbacksService,
    private readonly agentSessions: AgentSessionsService,
    private readonly queues: Queues,
    private readonly config: AppConfig,
  ) {}

  async list(tenantId: string) {
    const rows = await this.prisma.dispositionCode.findMany({ where: { tenantId }, orderBy: { code: 'asc' } });
    return { items: rows.map(codeView) };
  }

  /** Creates or replaces a code; a new default takes the place of the old one in the same transaction. */
  async put(tenantId: string, code: string, input: PutDispositionCode) {
    const data = {
      label: input.label,
      kind: input.kind,
      retryDelaySeconds: input.kind === 'retry' ? (input.retryDelaySeconds ?? 0) : null,
      retryMaxAttempts: input.kind === 'retry' ? (input.retryMaxAttempts ?? 3) : null,
      isDefault: input.isDefault,
      updatedAt: new Date(),
    };
    return this.prisma.$transaction(async (tx) => {
      // The tenant's codes change one request at a time (the one-default index would refuse a race).
      await tx.$queryRaw`SELECT id FROM tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
      const existed = await tx.dispositionCode.findUnique({ where: { tenantId_code: { tenantId, code } } });
      if (input.isDefault)
        await tx.dispositionCode.updateMany({
          where: { tenantId, isDefault: true, NOT: { code } },
          data: { isDefault: false },
        });
      // Not an upsert: Prisma's would aim ON CONFLICT at the partial one-default index.
      const row = existed
        ? await tx.dispositionCode.update({ where: { tenantId_code: { tenantId, code } }, data })
        : await tx.dispositionCode.create({ data: { tenantId, code, ...data } });
      return { created: !existed, answer: codeView(row) };
    });
  }

  /**
   * Removes a code. Contacts and targets keep the code they were given. Removing the default code
   * turns dispositions off for the calls that end from then on (the end's own statement decides:
   * CallRecords.record, `awaitDisposition`).
   */
  async remove(tenantId: string, code: string): Promise<void> {
    const { count } = await this.prisma.dispositionCode.deleteMany({ where: { tenantId, code } });
    if (count === 0) throw new NotFoundError('not_found', 'No disposition code with this name.');
  }

  /** POST /v1/contacts/{contactId}/disposition */
  async set(caller: Caller, contactId: string, input: SetDisposition) {
    const contact = await this.prisma.contact.findFirst({
      where: { id: contactId, tenantId: caller.tenantId },
      include: { autocall: { select: { skill: true } } },
    });
    if (!contact) throw new NotFoundError('invalid_contact_id', 'No contact with this id.');
    if (caller.role === 'agent' && contact.agentId !== caller.agentId)
      throw new UnauthorizedError("An agent key may set the disposition of its own agent's calls only.");
    const rule = await this.prisma.dispositionCode.findUnique({
      where: { tenantId_code: { tenantId: caller.tenantId, code: input.code } },
    });
    if (!rule) throw InvalidRequestError.field('code', 'unknown_disposition_code', 'This tenant has no such code.');
    if (input.callback && rule.kind !== 'callback')
      throw InvalidRequestError.field('callback', 'not_a_callback_code', 'Only a callback code schedules a callback.');
    const callback = rule.kind === 'callback' ? await this.callbackPlan(caller.tenantId, contact, input) : null;

    const done = await this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<
        {
          now: Date;
          status: string;
          connected_at: Date | null;
          disposition: string | null;
          wrap_up_until: Date | null;
        }[]
      >`
        SELECT now() AS now, status::text AS status, connected_at, disposition, wrap_up_until
        FROM contacts WHERE id = ${contactId}::uuid FOR UPDATE`;
      const refusal = setRefusal(
        {
          connectedAt: locked.connected_at,
          ended: locked.status === 'ended',
          disposition: locked.disposition,
          wrapUpUntil: locked.wrap_up_until,
        },
        locked.now,
      );
      if (refusal) throw new ConflictError(SET_REFUSALS[refusal]);
      const by = caller.role as DispositionSetter;
      const recorded = await this.records.recordDisposition(tx, {
        contactId,
        code: rule.code,
        notes: input.notes ?? null,
        by,
      });
      if (!recorded) throw new ConflictError(SET_REFUSALS.already_set);
      const callbackId = callback ? (await this.callbacks.scheduleFromDisposition(tx, callback)).id : null;
      const after = locked.status === 'ended' ? await this.applyIn(tx, contactId) : null;
      return { at: recorded.dispositionAt, callbackId, after, by };
    });
    dispositionsTotal.inc({ tenant: caller.tenantId, code: rule.code, by: done.by });
    if (done.callbackId) await this.callbacks.holdById(done.callbackId);
    if (done.after) await this.afterApply(done.after);
    return {
      contactId,
      disposition: { code: rule.code, notes: input.notes ?? null, by: done.by, at: done.at },
      kind: rule.kind,
      callbackId: done.callbackId,
      applied: done.after !== null,
    };
  }

  /**
   * The call has ended awaiting its disposition: one set during the call is applied now. Returns
   * true when it was (the agent need not wrap up: their conclusion is in).
   */
  async settle(contactId: string): Promise<boolean> {
    const after = await this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ disposition: string | null; wrap_up_until: Date | null }[]>`
        SELECT disposition, wrap_up_until FROM contacts WHERE id = ${contactId}::uuid FOR UPDATE`;
      if (!locked?.disposition || !locked.wrap_up_until) return null;
      return this.applyIn(tx, contactId);
    });
    if (after) await this.afterApply(after, false);
    return after !== null;
  }

  /**
   * The keeper's pass (and the worker's timer, for one contact): contacts whose wrap-up is over get
   * the default code (by `default`) if nobody set one, and their disposition is applied; a
   * disposition set but not applied (a crash between the two) is applied too. Safe to repeat.
   */
  async expireDue(onlyContactId?: string): Promise<number> {
    const due = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM contacts
      WHERE wrap_up_until IS NOT NULL AND status = 'ended'
        AND (wrap_up_until <= now() OR disposition IS NOT NULL)
        AND (${onlyContactId ?? null}::uuid IS NULL OR id = ${onlyContactId ?? null}::uuid)
      ORDER BY wrap_up_until LIMIT ${EXPIRE_BATCH}`;
    let settled = 0;
    for (const { id } of due) {
      const done = await this.prisma.$transaction(async (tx) => {
        const [locked] = await tx.$queryRaw<
          { tenant_id: string; disposition: string | null; wrap_up_until: Date | null; due: boolean }[]
        >`
          SELECT tenant_id, disposition, wrap_up_until, wrap_up_until <= now() AS due
          FROM contacts WHERE id = ${id}::uuid FOR UPDATE`;
        if (!locked?.wrap_up_until || (!locked.disposition && !locked.due)) return null;
        let defaulted: string | null = null;
        if (!locked.disposition) {
          const fallback = await tx.dispositionCode.findFirst({
            where: { tenantId: locked.tenant_id, isDefault: true },
          });
          if (fallback) {
            await this.records.recordDisposition(tx, {
              contactId: id,
              code: fallback.code,
              notes: null,
              by: 'default',
            });
            defaulted = fallback.code;
          }
        }
        return {
          defaulted,
          tenantId: locked.tenant_id,
          after: await this.applyIn(tx, id, !defaulted && !locked.disposition),
        };
      });
      if (!done) continue;
      settled++;
      if (done.defaulted) dispositionsTotal.inc({ tenant: done.tenantId, code: done.defaulted, by: 'default' });
      if (done.after) await this.afterApply(done.after);
    }
    return settled;
  }

  /**
   * Agents still in the wrap-up of a call whose disposition was applied (their release after the
   * commit was lost): released now. The keeper's pass.
   */
  async releaseFinishedWrapUps(): Promise<void> {
    const stuck = await this.prisma.$queryRaw<{ tenant_id: string; id: string; contact_id: string }[]>`
      SELECT a.tenant_id, a.id, c.id AS contact_id FROM agents a
      JOIN contacts c ON c.id = (CASE WHEN a.state_reason ~ '^wrap_up:[0-9a-f-]{36}$'
                                      THEN substring(a.state_reason FROM 9)::uuid END)
      WHERE a.state = 'wrap_up' AND c.wrap_up_until IS NULL`;
    for (const agent of stuck)
      await this.agentSessions.finishWrapUpOf(agent.tenant_id, agent.id, agent.contact_id).catch(() => undefined);
  }

  /**
   * Applies the contact's disposition to its target (in the caller's transaction, which holds the
   * contact's lock): the move its code's kind asks for, a call stop for do_not_call. `bare`: there
   * is no code at all (the tenant removed its default): the target completes without one.
   */
  private async applyIn(tx: Tx, contactId: string, bare = false): Promise<AfterApply | null> {
    const [row] = await tx.$queryRaw<
      {
        tenant_id: string;
        disposition: string | null;
        phone_number: string | null;
        agent_id: string | null;
        target_id: string;
        autocall_id: string;
        autocall_seq: bigint;
        time_zone: string | null;
        skill: string;
        priority: number;
        attempts: number;
        active: boolean;
        kind: DispositionRule['kind'] | null;
        retry_delay_seconds: number | null;
        retry_max_attempts: number | null;
      }[]
    >`
      SELECT c.tenant_id, c.disposition, c.phone_number, c.agent_id, c.target_id, c.autocall_id,
             a.seq AS autocall_seq, t.time_zone, a.skill, a.priority, t.attempts, a.status = 'active' AS active, d.kind::text AS kind, d.retry_delay_seconds, d.retry_max_attempts
      FROM contacts c JOIN targets t ON t.id = c.target_id JOIN autocalls a ON a.id = c.autocall_id
      LEFT JOIN disposition_codes d ON d.tenant_id = c.tenant_id AND d.code = c.disposition
      WHERE c.id = ${contactId}::uuid
      -- Whether the AutoCall still dials decides a retry: read under its row lock, so that a cancel
      -- commits before (and is seen) or after (and cancels the pending target).
      FOR NO KEY UPDATE OF a`;
    if (!row || (!row.disposition && !bare)) return null;
    const rule: DispositionRule | null = row.kind
      ? {
          code: row.disposition!,
          kind: row.kind,
          retryDelaySeconds: row.retry_delay_seconds,
          retryMaxAttempts: row.retry_max_attempts,
        }
      : null;
    const move: TargetMove = targetMoveOf(rule, { attempts: row.attempts, autocallActive: row.active });
    const delayMs = move.to === 'pending' ? (move.delaySeconds * 1000) / this.timeScale() : 0;
    const applied = await this.records.applyDisposition(tx, contactId, {
      to: move.to,
      reason: move.reason,
      nextAttemptAt: move.to === 'pending' ? new Date(Date.now() + delayMs) : null,
    });
    if (!applied) return null;
    if (rule?.kind === 'do_not_call' && row.phone_number) {
      await tx.$executeRaw`
        INSERT INTO call_stops (tenant_id, phone_number, reason)
        VALUES (${row.tenant_id}::uuid, ${row.phone_number}, ${`disposition:${rule.code}`})
        ON CONFLICT (tenant_id, phone_number) DO UPDATE SET expires_at = NULL`;
    }
    return {
      tenantId: row.tenant_id,
      contactId,
      agentId: row.agent_id,
      retry:
        move.to === 'pending'
          ? {
              skill: row.skill,
              autocallId: row.autocall_id,
              targetId: row.target_id,
              priority: row.priority,
              attempts: row.attempts,
              held: heldJobData(
                row.autocall_seq,
                row.phone_number === null ? null : targetZonesCode(row.phone_number, row.time_zone),
              ),
              delayMs,
            }
          : null,
    };
  }

  /**
   * After the commit: the retry's job (the pending target with its next attempt is the durable
   * intent: the keeper holds it again if this is lost) and the agent's release from wrap-up (the
   * keeper's releaseFinishedWrapUps does it if this is lost).
   */
  private async afterApply(after: AfterApply, releaseAgent = true): Promise<void> {
    try {
      if (after.retry) {
        const { retry } = after;
        await this.queues.retries().add(
          'retry',
          {
            tenantId: after.tenantId,
            skill: retry.skill,
            autocallId: retry.autocallId,
            targetId: retry.targetId,
            priority: retry.priority,
            attempts: retry.attempts,
            held: retry.held,
          },
          { jobId: `r-${retry.targetId}-${retry.attempts}`, delay: retry.delayMs },
        );
      }
      if (releaseAgent && after.agentId)
        await this.agentSessions.finishWrapUpOf(after.tenantId, after.agentId, after.contactId);
    } catch (error) {
      this.logger.warn(`after the disposition of ${after.contactId}: ${(error as Error).message}; the keeper will`);
    }
  }

  /** The callback a callback code schedules: validated before anything is written (400). */
  private async callbackPlan(
    tenantId: string,
    contact: { id: string; phoneNumber: string | null; agentId: string | null; autocall: { skill: string } },
    input: SetDisposition,
  ) {
    const settings = await this.settings.get(tenantId);
    const now = new Date();
    const owned = input.callback?.owned ?? false;
    const resolved = resolveScheduledAt(
      { scheduledAt: input.callback?.scheduledAt, timeZone: input.callback?.timeZone },
      now,
    );
    if (!resolved.ok) throw InvalidRequestError.field(`callback.${resolved.field}`, resolved.code, resolved.message);
    const errors = checkScheduledAt(resolved.at, now, owned, {
      ownedMaxAheadSeconds: settings.callbackOwnedMaxAheadSeconds,
    }).map((e) => ({ ...e, field: `callback.${e.field}` }));
    if (owned && !contact.agentId)
      errors.push({ field: 'callback.owned', code: 'no_agent', message: 'This contact had no agent to own it.' });
    if (!contact.phoneNumber)
      errors.push({ field: 'code', code: 'number_erased', message: "This contact's number was erased on request." });
    if (errors.length) throw new InvalidRequestError(errors);
    return {
      tenantId,
      contactId: contact.id,
      phoneNumber: contact.phoneNumber!,
      skill: contact.autocall.skill,
      scheduledAt: resolved.at,
      timeZone: input.callback?.timeZone ?? null,
      ownerAgentId: owned ? contact.agentId : null,
      ownerUntil: owned ? new Date(resolved.at.getTime() + settings.callbackOwnershipWindowSeconds * 1_000) : null,
    };
  }

  /** Delays are in the network's seconds: the simulator's time scale applies (1 on a real network). */
  private timeScale(): number {
    return this.config.get('TELEPHONY') === 'simulator' ? this.config.get('SIMULATOR_TIME_SCALE') : 1;
  }
}

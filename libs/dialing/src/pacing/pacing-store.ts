import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisService } from '@autocall/redis';
import { LEAD_PACING, PACING_SNAPSHOT, RELEASE_PACING, SET_PACE } from '../capacity.scripts';
import { PacingControl, PacingDecision } from './pacer';
import { PacedAgent, PoolCalls } from './pacing-groups';

type PacingRedis = Redis & {
  leadPacing(pacer: string, ...args: string[]): Promise<number>;
  releasePacing(pacer: string, ...args: string[]): Promise<number>;
  pacingGroupSnapshot(agents: string, ...args: string[]): Promise<[string[], ...[number, string, string[]][]]>;
  setGroupPace(pacer: string, ...args: string[]): Promise<number | number[]>;
};

/** A predictive pool's own calls in a snapshot, with the counter its budget is reckoned from. */
export interface PacedPoolCalls extends PoolCalls {
  dialedSeen: number;
}

/** A tenant's predictive pools now, for the pacer: its agents holding their skills, and each pool's calls. */
export interface PacingSnapshot {
  at: number;
  agents: PacedAgent[];
  pools: PacedPoolCalls[];
}

/** A pool's part of a group's decision, and the snapshot counter it was decided from. */
export interface PoolBudget {
  skill: string;
  dialedSeen: number;
  dials: number;
}

/** What the pacer last decided and its control state, as shown by the API and the dashboard. */
export interface PacingState {
  mode: string;
  /** The pools paced together by the last decision (the pool alone, before any). */
  group: string[];
  reason: string;
  alpha: number | null;
  capped: boolean;
  budget: number;
  expectedFreeAgents: number | null;
  expectedAnswersInFlight: number | null;
  decidedAt: Date | null;
}

/** One point of a pool's pacing over time, as the leader saw it at a control step (the dashboard's charts). */
export interface PacingSample {
  /** Epoch milliseconds. */
  at: number;
  /** Busy agents (on a call or in wrap-up) ÷ agents logged in; null with none logged in. */
  occupancy: number | null;
  /** Dials placed per minute since the previous sample; null for the first one. */
  dialsPerMinute: number | null;
  /** Abandoned ÷ answered by a person over the last hour, and over the compliance window. */
  abandonRate: number | null;
  complianceAbandonRate: number | null;
  /** The pacer's risk bound and its mode (stopped, progressive, predictive) at the last decision. */
  alpha: number;
  mode: string;
}

/** Samples kept per pool: an hour at the default control step (5 s); the list expires an hour after the last. */
export const PACING_HISTORY_SAMPLES = 720;
const PACING_HISTORY_TTL_MS = 3_600_000;

/** The Redis side of pacing: the leader's lease, the pool's snapshot, the budget and the control state. */
@Injectable()
export class PacingStore {
  private readonly client: PacingRedis;

  constructor(private readonly redis: RedisService) {
    const client = redis.client as PacingRedis;
    const define = (name: string, lua: string) => {
      // Each declares a key of the tenant (a Redis Cluster runs it on that key's node); the other
      // keys it touches carry the same hash tag (see capacity.scripts).
      if (!(name in client)) client.defineCommand(name, { numberOfKeys: 1, lua });
    };
    define('leadPacing', LEAD_PACING);
    define('releasePacing', RELEASE_PACING);
    define('pacingGroupSnapshot', PACING_SNAPSHOT);
    define('setGroupPace', SET_PACE);
    this.client = client;
  }

  private tag(tenantId: string) {
    return this.redis.keys.tenantTag(tenantId);
  }

  private pacer(tenantId: string, skill: string) {
    return `${this.tag(tenantId)}:pacer:${skill}`;
  }

  private pace(tenantId: string, skill: string) {
    return `${this.tag(tenantId)}:pace:${skill}`;
  }

  /** Takes or renews the lease on the pool's pacing; true while `leader` holds it. */
  async lead(tenantId: string, skill: string, leader: string, ttlMs: number): Promise<boolean> {
    return (
      (await this.client.leadPacing(this.pacer(tenantId, skill), this.tag(tenantId), skill, leader, String(ttlMs))) ===
      1
    );
  }

  /** Lets go of the pool's lease if `leader` holds it (its pool is now led with its group's). */
  async release(tenantId: string, skill: string, leader: string): Promise<void> {
    await this.client.releasePacing(this.pacer(tenantId, skill), this.tag(tenantId), skill, leader);
  }

  /** The tenant's predictive pools (`skills`) now, read at one instant. */
  async snapshot(tenantId: string, skills: readonly string[]): Promise<PacingSnapshot> {
    const [agents, ...pools] = await this.client.pacingGroupSnapshot(
      this.redis.keys.agents(tenantId),
      this.tag(tenantId),
      ...skills,
    );
    const now = Date.now();
    const paced: PacedAgent[] = [];
    for (let i = 0; i < agents.length; i += 4) {
      const [state, skillList, since, available] = agents.slice(i, i + 4);
      const skillsOf = skillList.split(',').filter(Boolean);
      if (available === '1') paced.push({ skills: skillsOf, state: 'idle' });
      else if (state === 'on_call' || state === 'wrap_up')
        paced.push({ skills: skillsOf, state: 'busy', busySeconds: Math.max(0, (now - Number(since)) / 1000) });
      else paced.push({ skills: skillsOf, state: 'other' });
    }
    return {
      at: now,
      agents: paced,
      pools: pools.map(([waiting, dialed, inflight], i) => ({
        skill: skills[i],
        waiting: Number(waiting),
        dialedSeen: Number(dialed),
        inFlightElapsedSeconds: inflight.map((start) => Math.max(0, (now - Number(start)) / 1000)),
      })),
    };
  }

  /**
   * Sets the budgets of a group's pools from one decision (each pool's part, less the group's
   * dials placed since its snapshot); null when the caller no longer leads every pool of it.
   */
  async setBudgets(
    tenantId: string,
    leader: string,
    parts: readonly PoolBudget[],
    decision: PacingDecision,
    validMs: number,
  ): Promise<number[] | null> {
    const budgets = await this.client.setGroupPace(
      // The first pool's lease; the others' share its tag.
      this.pacer(tenantId, parts[0]?.skill ?? ''),
      this.tag(tenantId),
      leader,
      String(validMs),
      ...parts.flatMap((part) => [part.skill, String(part.dialedSeen), String(part.dials)]),
    );
    if (!Array.isArray(budgets)) return null;
    const decided = {
      mode: decision.mode,
      reason: decision.reason,
      expectedFreeAgents: decision.expectedFreeAgents.toFixed(3),
      expectedAnswersInFlight: decision.expectedAnswersInFlight.toFixed(3),
      group: parts.map((part) => part.skill).join(','),
      decidedAt: String(Date.now()),
    };
    const pipeline = this.client.pipeline();
    for (const part of parts) pipeline.hset(this.pace(tenantId, part.skill), decided);
    await pipeline.exec();
    return budgets.map(Number);
  }

  async saveControl(tenantId: string, skill: string, control: PacingControl): Promise<void> {
    await this.client.hset(this.pace(tenantId, skill), {
      alpha: String(control.alpha),
      capped: control.capped ? '1' : '0',
    });
  }

  /** Adds a sample to the pool's history (a cache: lost with Redis, the charts start again). */
  async recordSample(tenantId: string, skill: string, sample: PacingSample): Promise<void> {
    const key = this.history(tenantId, skill);
    const row = [
      sample.at,
      sample.occupancy ?? '',
      sample.dialsPerMinute ?? '',
      sample.abandonRate ?? '',
      sample.complianceAbandonRate ?? '',
      sample.alpha,
      sample.mode,
    ].join(',');
    await this.client
      .pipeline()
      .lpush(key, row)
      .ltrim(key, 0, PACING_HISTORY_SAMPLES - 1)
      .pexpire(key, PACING_HISTORY_TTL_MS)
      .exec();
  }

  /** The pool's samples of the last hour (at most), oldest first. */
  async samples(tenantId: string, skill: string, sinceMs: number): Promise<PacingSample[]> {
    const rows = await this.client.lrange(this.history(tenantId, skill), 0, PACING_HISTORY_SAMPLES - 1);
    const number = (x: string) => (x === '' ? null : Number(x));
    return rows
      .map((row) => {
        const [at, occupancy, dialsPerMinute, abandonRate, complianceAbandonRate, alpha, mode] = row.split(',');
        return {
          at: Number(at),
          occupancy: number(occupancy),
          dialsPerMinute: number(dialsPerMinute),
          abandonRate: number(abandonRate),
          complianceAbandonRate: number(complianceAbandonRate),
          alpha: Number(alpha),
          mode,
        };
      })
      .filter((sample) => sample.at >= sinceMs)
      .reverse();
  }

  private history(tenantId: string, skill: string) {
    return `${this.tag(tenantId)}:pace-history:${skill}`;
  }

  /** The control state a previous leader left, if any (a new leader carries on from it). */
  async loadControl(tenantId: string, skill: string): Promise<PacingControl | null> {
    const [alpha, capped] = await this.client.hmget(this.pace(tenantId, skill), 'alpha', 'capped');
    if (alpha === null) return null;
    return { alpha: Number(alpha), capped: capped === '1' };
  }

  async state(tenantId: string, skill: string): Promise<PacingState | null> {
    const hash = await this.client.hgetall(this.pace(tenantId, skill));
    if (!hash.mode) return null;
    const [seconds, micros] = await this.client.time();
    const fresh = Number(hash.budgetUntil ?? 0) >= Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    return {
      mode: hash.mode,
      group: hash.group ? hash.group.split(',') : [skill],
      reason: hash.reason,
      alpha: hash.alpha ? Number(hash.alpha) : null,
      capped: hash.capped === '1',
      budget: fresh ? Number(hash.budget ?? 0) : 0,
      expectedFreeAgents: hash.expectedFreeAgents ? Number(hash.expectedFreeAgents) : null,
      expectedAnswersInFlight: hash.expectedAnswersInFlight ? Number(hash.expectedAnswersInFlight) : null,
      decidedAt: hash.decidedAt ? new Date(Number(hash.decidedAt)) : null,
    };
  }
}

import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisService } from '@autocall/redis';
import { LEAD_PACING, PACING_SNAPSHOT, SET_PACE } from '../capacity.scripts';
import { PacingControl, PacingDecision, PoolSnapshot } from './pacer';

type PacingRedis = Redis & {
  leadPacing(...args: string[]): Promise<number>;
  pacingSnapshot(...args: string[]): Promise<[number, number, string, string[], string[]]>;
  setPace(...args: string[]): Promise<number>;
};

/** A pool's live state for the pacer, with the counter the budget is reckoned from. */
export interface PacingSnapshot extends PoolSnapshot {
  dialedSeen: number;
  at: number;
}

/** What the pacer last decided and its control state, as shown by the API and the dashboard. */
export interface PacingState {
  mode: string;
  reason: string;
  alpha: number | null;
  capped: boolean;
  budget: number;
  expectedFreeAgents: number | null;
  expectedAnswersInFlight: number | null;
  decidedAt: Date | null;
}

/** The Redis side of pacing: the leader's lease, the pool's snapshot, the budget and the control state. */
@Injectable()
export class PacingStore {
  private readonly client: PacingRedis;

  constructor(private readonly redis: RedisService) {
    const client = redis.client as PacingRedis;
    const define = (name: string, lua: string) => {
      if (!(name in client)) client.defineCommand(name, { numberOfKeys: 0, lua });
    };
    define('leadPacing', LEAD_PACING);
    define('pacingSnapshot', PACING_SNAPSHOT);
    define('setPace', SET_PACE);
    this.client = client;
  }

  private tag(tenantId: string) {
    return this.redis.keys.tenantTag(tenantId);
  }

  private pace(tenantId: string, skill: string) {
    return `${this.tag(tenantId)}:pace:${skill}`;
  }

  /** Takes or renews the lease on the pool's pacing; true while `leader` holds it. */
  async lead(tenantId: string, skill: string, leader: string, ttlMs: number): Promise<boolean> {
    return (await this.client.leadPacing(this.tag(tenantId), skill, leader, String(ttlMs))) === 1;
  }

  /** The pool now; `agentReserve` agents are kept out of the idle count. */
  async snapshot(tenantId: string, skill: string, agentReserve: number): Promise<PacingSnapshot> {
    const [available, waiting, dialed, inflight, agents] = await this.client.pacingSnapshot(this.tag(tenantId), skill);
    const now = Date.now();
    const busyElapsedSeconds: number[] = [];
    let loggedIn = 0;
    for (let i = 0; i < agents.length; i += 2) {
      loggedIn++;
      if (agents[i] === 'on_call' || agents[i] === 'wrap_up')
        busyElapsedSeconds.push(Math.max(0, (now - Number(agents[i + 1])) / 1000));
    }
    return {
      at: now,
      loggedIn,
      idle: Math.max(0, available - agentReserve),
      waiting,
      busyElapsedSeconds,
      inFlightElapsedSeconds: inflight.map((start) => Math.max(0, (now - Number(start)) / 1000)),
      dialedSeen: Number(dialed),
    };
  }

  /** Sets the budget from a decision; -1 when the caller no longer leads. */
  async setBudget(
    tenantId: string,
    skill: string,
    leader: string,
    snapshot: PacingSnapshot,
    decision: PacingDecision,
    validMs: number,
  ): Promise<number> {
    const budget = await this.client.setPace(
      this.tag(tenantId),
      skill,
      leader,
      String(snapshot.dialedSeen),
      String(decision.dials),
      String(validMs),
    );
    if (budget >= 0) {
      await this.client.hset(this.pace(tenantId, skill), {
        mode: decision.mode,
        reason: decision.reason,
        expectedFreeAgents: decision.expectedFreeAgents.toFixed(3),
        expectedAnswersInFlight: decision.expectedAnswersInFlight.toFixed(3),
        decidedAt: String(Date.now()),
      });
    }
    return budget;
  }

  async saveControl(tenantId: string, skill: string, control: PacingControl): Promise<void> {
    await this.client.hset(this.pace(tenantId, skill), {
      alpha: String(control.alpha),
      capped: control.capped ? '1' : '0',
    });
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

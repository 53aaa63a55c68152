import { Injectable } from '@nestjs/common';
import { type RedisClient, RedisService } from './redis.service';

/** A tenant's pool of held targets for one skill, as a wake-up names it. */
export interface WokenPool {
  tenantId: string;
  skill: string;
}

/** What takes a process's own wake-ups (its dispatcher): the pool, and when capacity freed in it. */
export type WakeUpTaker = (pool: WokenPool, at: number) => void;

/** Wake-ups kept at most: with no dispatcher taking them (every worker down), the oldest go. */
const WAKE_LIST_MAX = 10_000;

/**
 * The deployment's wake-up list: whoever frees capacity in a pool (a call's end, an agent made
 * available, a reservation given back, a submission) leaves a wake-up here, and each is taken by
 * one dispatcher of the deployment (BRPOP), not by every worker, and with no worker having to lead
 * for it. None is dropped or merged: a dispatcher that takes a wake-up and dies loses that one
 * alone, and the leader's sweep makes it up. Entries are "<tenant>|<skill>|<ms>": the time rides
 * along so the dispatcher can measure capacity-freed-to-originate latency. The key has a hash tag
 * of its own ({wakes}), so on a cluster it is one slot, apart from every tenant's.
 *
 * A process whose dispatcher runs (a worker) takes its own wake-ups itself (`takeHere`): a call's
 * end, an agent's change or a reservation given back in a worker wakes the pool in that worker,
 * with no round trip to Redis and none to take it back, and still one dispatcher per wake-up. The
 * list carries the wake-ups of processes with no dispatcher (the API: agents' changes, submissions,
 * lines) and of a worker shutting down.
 */
@Injectable()
export class PoolWakeUps {
  /** This process's dispatcher, while it takes the wake-ups left here. */
  private here?: WakeUpTaker;

  constructor(private readonly redis: RedisService) {}

  /** This process's dispatcher takes the wake-ups left here from now on (undefined: no longer). */
  takeHere(taker: WakeUpTaker | undefined): void {
    this.here = taker;
  }

  /**
   * One round trip (one LPUSH) for every pool given; none when this process's dispatcher takes them
   * (unless `anyWorker`: the list, for whichever worker takes each first).
   */
  async leave(pools: WokenPool[], at = Date.now(), { anyWorker = false } = {}): Promise<void> {
    if (!pools.length) return;
    const here = anyWorker ? undefined : this.here;
    if (here) {
      // After the caller's own step (a wake-up is news for later, never part of what left it).
      for (const pool of pools) queueMicrotask(() => here(pool, at));
      return;
    }
    const list = this.list();
    const length = await this.redis.client.lpush(list, ...pools.map((p) => `${p.tenantId}|${p.skill}|${at}`));
    // The leader's sweep wakes every pool: wake-ups left with nobody to take them can go.
    if (length > WAKE_LIST_MAX) await this.redis.client.ltrim(list, 0, WAKE_LIST_MAX - 1);
  }

  /**
   * The next wake-up, waiting for one on `blocking` (a connection of its own) for up to
   * `timeoutSeconds`. Null when none came.
   */
  async take(blocking: RedisClient, timeoutSeconds: number): Promise<{ pool: WokenPool; at: number } | null> {
    const popped = await blocking.brpop(this.list(), timeoutSeconds);
    if (!popped) return null;
    const [tenantId, skill, at] = popped[1].split('|');
    return { pool: { tenantId, skill }, at: Number(at) || Date.now() };
  }

  private list(): string {
    return `${this.redis.keys.prefix}:{wakes}:list`;
  }
}

import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { JobsOptions, Queue, QueueOptions, Worker, WorkerOptions } from 'bullmq';
import { AppConfig } from '@autocall/config';
import { RedisService } from '@autocall/redis';

/** Job data carries ids only: phone numbers stay in PostgreSQL, never in clear in Redis. */
export interface HeldTargetJob {
  tenantId: string;
  autocallId: string;
  targetId: string;
}
export interface DialJob {
  tenantId: string;
  contactId: string;
}
export interface RetryJob {
  tenantId: string;
  skill: string;
  autocallId: string;
  targetId: string;
  priority: number;
  /** Attempts made so far: names the held job, so a rebuild after a Redis loss cannot double it. */
  attempts: number;
}

/** A job in one of these states will still run: re-adding its work would double it. */
export const QUEUED_JOB_STATES: ReadonlySet<string> = new Set([
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
]);

/** The held job of a target between attempts: one id per (target, attempts made). */
export const heldJobId = (targetId: string, attempts: number) => `t-${targetId}-${attempts}`;

export const DIALS_QUEUE = 'dials';
export const RETRIES_QUEUE = 'retries';

/** A pool: the targets of one tenant and skill, dialed in order as capacity frees. */
export interface Pool {
  tenantId: string;
  skill: string;
}
export const poolId = (pool: Pool) => `${pool.tenantId}|${pool.skill}`;
export const heldQueueName = (pool: Pool) => `held.${pool.tenantId}.${pool.skill}`;

/** BullMQ priority: 1 is served first. AutoCall priority (higher first) 0..100 maps to 101..1. */
export const bullPriority = (priority: number) => 101 - priority;

const KEEP: JobsOptions = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 86_400 } };
/**
 * A held target's job is done once it is dialed: PostgreSQL has its contact, and the board shows
 * the targets still held. It goes at once, so that Redis does not grow with the calls made. (A
 * target held again under a finished job's id is dialed only if it is still pending.)
 */
const KEEP_HELD: JobsOptions = { ...KEEP, removeOnComplete: true };

/**
 * Every BullMQ queue of AutoCall. Each queue's keys carry a hash tag of its own name, so a Redis
 * Cluster keeps a queue on one slot and spreads queues over slots.
 */
@Injectable()
export class Queues implements OnModuleDestroy {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  options(name: string): QueueOptions {
    return {
      connection: this.redis.client,
      prefix: `${this.config.get('REDIS_KEY_PREFIX')}:bull:{${name}}`,
      // A dial job is named by its contact, and BullMQ ignores an add whose id it still holds in
      // any state: kept finished dial jobs would swallow the janitor's re-queue of a dial that
      // failed before it was placed. PostgreSQL keeps the history; the job goes when done.
      defaultJobOptions:
        name === DIALS_QUEUE
          ? { removeOnComplete: true, removeOnFail: true }
          : name.startsWith('held.')
            ? KEEP_HELD
            : KEEP,
    };
  }

  /** Options for a worker: its own connections, which may block and retry forever. */
  workerOptions(name: string, extra: Partial<WorkerOptions> = {}): WorkerOptions {
    return {
      connection: { url: this.config.get('REDIS_URL'), maxRetriesPerRequest: null } as never,
      prefix: this.options(name).prefix,
      ...extra,
    };
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, this.options(name));
      queue.on('error', () => undefined); // connection errors surface on the shared client's logger
      this.queues.set(name, queue);
    }
    return queue;
  }

  held(pool: Pool): Queue<HeldTargetJob> {
    return this.queue(heldQueueName(pool)) as Queue<HeldTargetJob>;
  }

  dials(): Queue<DialJob> {
    return this.queue(DIALS_QUEUE) as Queue<DialJob>;
  }

  retries(): Queue<RetryJob> {
    return this.queue(RETRIES_QUEUE) as Queue<RetryJob>;
  }

  /** The pools that have ever held targets (for the safety sweep and Bull Board). */
  async registerPool(pool: Pool): Promise<void> {
    await this.redis.client.sadd(`${this.config.get('REDIS_KEY_PREFIX')}:pools`, poolId(pool));
  }

  /**
   * Holds targets of one AutoCall in their pool's queue, in the given order. A target's job id
   * names it and its attempts so far, so holding it again (a rebuild, a retry) never doubles it.
   */
  async holdTargets(
    pool: Pool,
    autocall: { id: string; priority: number },
    targets: { id: string; attempts: number }[],
  ): Promise<void> {
    await this.registerPool(pool);
    const queue = this.held(pool);
    for (let i = 0; i < targets.length; i += 1_000) {
      await queue.addBulk(
        targets.slice(i, i + 1_000).map((t) => ({
          name: 'held-target',
          data: { tenantId: pool.tenantId, autocallId: autocall.id, targetId: t.id },
          opts: { jobId: heldJobId(t.id, t.attempts), priority: bullPriority(autocall.priority) },
        })),
      );
      // Dialing can start on the first thousand while the rest are queued.
      if (i === 0) await this.announcePool(pool);
    }
  }

  /** Which of these targets have no held job in their pool's queue (one round trip for all). */
  async heldJobsMissing(targets: { pool: Pool; targetId: string; attempts: number }[]): Promise<boolean[]> {
    if (!targets.length) return [];
    const pipeline = this.redis.client.pipeline();
    for (const t of targets) pipeline.exists(this.held(t.pool).toKey(heldJobId(t.targetId, t.attempts)));
    const replies = (await pipeline.exec()) ?? [];
    return targets.map((_, i) => {
      const [error, exists] = replies[i] ?? [new Error('no reply'), null];
      if (error) throw error;
      return exists === 0;
    });
  }

  /** Wakes the dispatchers of a pool (or, with skill '*', of every pool of the tenant). */
  async announcePool(pool: Pool): Promise<void> {
    // The time rides along so the dispatcher can measure capacity-freed-to-originate latency.
    await this.redis.client.publish(this.dispatchChannel(), `${poolId(pool)}|${Date.now()}`);
  }

  dispatchChannel(): string {
    return `${this.config.get('REDIS_KEY_PREFIX')}:events:dispatch`;
  }

  async pools(): Promise<Pool[]> {
    const ids = await this.redis.client.smembers(`${this.config.get('REDIS_KEY_PREFIX')}:pools`);
    return ids.map((id) => {
      const [tenantId, skill] = id.split('|');
      return { tenantId, skill };
    });
  }

  createWorker<T>(
    name: string,
    processor: ((job: import('bullmq').Job<T>, token?: string) => Promise<unknown>) | null,
    extra: Partial<WorkerOptions> = {},
  ): Worker<T> {
    return new Worker<T>(name, processor, this.workerOptions(name, extra));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { JobsOptions, Queue, QueueOptions, Worker, WorkerOptions } from 'bullmq';
import { AppConfig } from '@autocall/config';
import { PoolWakeUps, RedisClient, RedisService, WakeUpTaker } from '@autocall/redis';

/**
 * A held target's job is as small as BullMQ allows, since a pool may hold hundreds of thousands:
 * its data names its AutoCall by its submission number (`autocalls.seq`, a few characters: see
 * heldJobData), then, where the holder knew them, `|` and the zones its number may be in
 * (targetZonesCode, a few characters: the calling window is judged before the dial without reading
 * the target); its id names the target and its attempts (heldJobId), its tenant and skill are its
 * queue's. No phone number, ever.
 */
export type HeldTargetJob = string;
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
  /** The data of the target's next held job (heldJobData); absent in retries queued by older releases. */
  held?: HeldTargetJob;
  /** Older releases' retries: the zones the target may be in; absent or null: not known. */
  zones?: string | null;
}

/** A job in one of these states will still run: re-adding its work would double it. */
export const QUEUED_JOB_STATES: ReadonlySet<string> = new Set([
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
]);

// 64 characters in ASCII order: ids written with them sort as the bytes they encode do.
const SORTABLE_64 = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/**
 * A UUID in 22 characters (its 128 bits, 6 at a time, in SORTABLE_64), for ids that Redis stores by
 * the hundred thousand. Two compact ids sort as their UUIDs do, as the UUIDs' hex did: a held
 * target put back goes in front of its priority class with a tie broken by its job id, and targets
 * put back together keep list order among themselves only if their ids sort as their UUIDv7s.
 */
export function compactId(uuid: string): string {
  const bits = BigInt(`0x${uuid.replace(/-/g, '')}`) << 4n; // 132 bits: 22 characters
  let out = '';
  for (let i = 21; i >= 0; i--) out += SORTABLE_64[Number((bits >> BigInt(i * 6)) & 63n)];
  return out;
}

/** The UUID a compactId was made from. */
export function uuidOf(compact: string): string {
  let bits = 0n;
  for (const char of compact) bits = (bits << 6n) | BigInt(SORTABLE_64.indexOf(char));
  const hex = (bits >> 4n).toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The held job of a target between attempts: one id per (target, attempts made). */
export const heldJobId = (targetId: string, attempts: number) => `${compactId(targetId)}.${attempts}`;
/** The target a held job holds, from its id. */
export const heldTargetId = (jobId: string) => uuidOf(jobId.slice(0, jobId.indexOf('.')));
/**
 * The most characters of zones a held job carries. Redis keeps a hash whose values are all 64 bytes
 * or less as one compact list (a listpack), and a job hash with one longer value takes about 2.5
 * times the memory: the data, as BullMQ stores it (a JSON string: 2 quotes, up to 11 characters of
 * AutoCall, a bar), stays within 64 bytes. A number's zones always fit (targetZonesCode names a
 * list of zones by its place); a target's own zone that the zone table lacks is written by its name,
 * and a longer one is not carried: its target is read before its dial, and judged from the read.
 */
export const HELD_ZONES_MAX_CHARS = 48;

/**
 * A held job's data: its AutoCall's submission number (`autocalls.seq`, unique) in SORTABLE_64
 * digits, 1 to 11 characters, and the target's zones when known (and short enough). Jobs held by
 * releases before this one name the AutoCall by its compactId (22 characters, never a submission
 * number's length).
 */
export const heldJobData = (autocallSeq: bigint | number | string, zones?: string | null): HeldTargetJob => {
  let n = BigInt(autocallSeq);
  let code = '';
  do {
    code = SORTABLE_64[Number(n & 63n)] + code;
    n >>= 6n;
  } while (n > 0n);
  return zones == null || zones.length > HELD_ZONES_MAX_CHARS ? code : `${code}|${zones}`;
};
/** The AutoCall a held job names, as written (the dispatcher's key for it: see autocallOfHeldKey). */
export const heldAutocallKey = (data: HeldTargetJob): string => {
  const bar = data.indexOf('|');
  return bar < 0 ? data : data.slice(0, bar);
};
/** How to find the AutoCall a held job's key names: by its submission number, or, in older jobs, its id. */
export function autocallOfHeldKey(key: string): { seq: bigint } | { id: string } {
  if (key.length === 22) return { id: uuidOf(key) };
  let seq = 0n;
  for (const char of key) seq = (seq << 6n) | BigInt(SORTABLE_64.indexOf(char));
  return { seq };
}
/** A held job's data with these zones (those it carried, if any, replaced; none if too long to carry). */
export const heldWithZones = (data: HeldTargetJob, zones: string): HeldTargetJob =>
  zones.length > HELD_ZONES_MAX_CHARS ? heldAutocallKey(data) : `${heldAutocallKey(data)}|${zones}`;
/** The zones a held job's data carries (targetZonesCode), or null if its holder did not know them. */
export const heldZones = (data: HeldTargetJob): string | null => {
  const bar = data.indexOf('|');
  return bar < 0 ? null : data.slice(bar + 1);
};

export const DIALS_QUEUE = 'dials';
export const RETRIES_QUEUE = 'retries';

/** A pool: the targets of one tenant and skill, dialed in order as capacity frees. */
export interface Pool {
  tenantId: string;
  skill: string;
}
export const poolId = (pool: Pool) => `${pool.tenantId}|${pool.skill}`;
/**
 * A pool's held targets: queue `h.<skill>` under the tenant's hash tag (`<prefix>:{<tenant>}`, the
 * tag of its live view in capacity.scripts), so its keys are short and on the tenant's cluster slot.
 */
export const heldQueueName = (pool: Pool) => `h.${pool.skill}`;
/** Before 2026-12 a pool's queue was `held.<tenant>.<skill>` under its own tag (see Queues.oldHeldQueue). */
export const OLD_HELD_QUEUE = (pool: Pool) => `held.${pool.tenantId}.${pool.skill}`;

/** BullMQ priority: 1 is served first. AutoCall priority (higher first) 0..100 maps to 101..1. */
export const bullPriority = (priority: number) => 101 - priority;

const KEEP: JobsOptions = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 86_400 } };
/**
 * A held target's job is done once it is dialed: PostgreSQL has its contact, and the board shows
 * the targets still held. It goes at once, so that Redis does not grow with the calls made. (A
 * target held again under a finished job's id is dialed only if it is still pending.) The policy
 * is the pools' queue workers' (BullMQ applies a worker's removeOnComplete/removeOnFail to a job
 * that has none of its own), not each job's: options stored in every job hash cost Redis ~80
 * bytes per held target.
 */
const HELD_WORKER_KEEP: Partial<WorkerOptions> = { removeOnComplete: { count: 0 }, removeOnFail: { age: 7 * 86_400 } };
/** Events a held queue keeps (BullMQ's default is 10,000, ~600 kB for every pool whatever its size). */
const HELD_EVENTS_KEPT = 100;

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
    private readonly wakeUps: PoolWakeUps,
  ) {}

  options(name: string): QueueOptions {
    return {
      connection: this.redis.client,
      prefix: `${this.config.get('REDIS_KEY_PREFIX')}:bull:{${name}}`,
      // A dial job is named by its contact, and BullMQ ignores an add whose id it still holds in
      // any state: kept finished dial jobs would swallow the janitor's re-queue of a dial that
      // failed before it was placed. PostgreSQL keeps the history; the job goes when done.
      defaultJobOptions: name === DIALS_QUEUE ? { removeOnComplete: true, removeOnFail: true } : KEEP,
    };
  }

  /** A pool's held queue: under the tenant's tag, no options stored in its jobs, few events kept. */
  heldOptions(pool: Pool): QueueOptions {
    return {
      connection: this.redis.client,
      prefix: this.redis.keys.tenantTag(pool.tenantId),
      streams: { events: { maxLen: HELD_EVENTS_KEPT } },
    };
  }

  /** Options for a worker: its own connections, which may block and retry forever. */
  workerOptions(name: string, extra: Partial<WorkerOptions> = {}): WorkerOptions {
    return {
      // BullMQ copies this connection for each worker (and closes its copies): on a Redis Cluster
      // it must be a Cluster, not connection options.
      connection: this.redis.bullWorkerConnection(),
      prefix: this.options(name).prefix,
      // An idle worker waits this long (seconds) for a job before asking again (BullMQ's default
      // is 5); a job added wakes it at once, so this only thins the idle polls of every worker.
      drainDelay: 10,
      ...extra,
    };
  }

  queue(name: string): Queue {
    return this.cached(name, () => new Queue(name, this.options(name)));
  }

  private cached(key: string, make: () => Queue): Queue {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = make();
      queue.on('error', () => undefined); // connection errors surface on the shared client's logger
      this.queues.set(key, queue);
    }
    return queue;
  }

  held(pool: Pool): Queue<HeldTargetJob> {
    return this.cached(
      `held|${poolId(pool)}`,
      () => new Queue(heldQueueName(pool), this.heldOptions(pool)),
    ) as Queue<HeldTargetJob>;
  }

  /** The pool's queue as named before 2026-12, for the upgrade (see EngineKeeper.moveOldHeldQueues). */
  oldHeld(pool: Pool): Queue {
    return new Queue(OLD_HELD_QUEUE(pool), this.options(OLD_HELD_QUEUE(pool)));
  }

  /** The pools whose queue as named before 2026-12 still exists (one round trip for all, per slot on a cluster). */
  async oldHeldQueuesPresent(pools: Pool[]): Promise<Pool[]> {
    if (!pools.length) return [];
    const keysOf = (pool: Pool) =>
      ['meta', 'prioritized', 'wait', 'delayed', 'active'].map(
        (key) => `${this.options(OLD_HELD_QUEUE(pool)).prefix}:${OLD_HELD_QUEUE(pool)}:${key}`,
      );
    // One pipeline per cluster slot (each old queue had a tag of its own).
    const replies = await this.redis.bySlot(
      pools,
      (pool) => keysOf(pool)[0],
      (pipeline, pool) => pipeline.exists(...keysOf(pool)),
    );
    return pools.filter((_, i) => {
      const [error, count] = replies[i] ?? [new Error('no reply'), 0];
      if (error) throw error;
      return Number(count) > 0;
    });
  }

  /** The queue worker of a pool's held targets: it, not each job, says that a job taken goes. */
  heldWorker(pool: Pool, extra: Partial<WorkerOptions> = {}): Worker<HeldTargetJob> {
    return new Worker<HeldTargetJob>(heldQueueName(pool), null, {
      ...this.workerOptions(heldQueueName(pool), extra),
      prefix: this.heldOptions(pool).prefix,
      ...HELD_WORKER_KEEP,
    });
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
    priority: number,
    targets: { id: string; attempts: number; data: HeldTargetJob }[],
  ): Promise<void> {
    await this.registerPool(pool);
    const queue = this.held(pool);
    for (let i = 0; i < targets.length; i += 1_000) {
      await queue.addBulk(
        targets.slice(i, i + 1_000).map((t) => ({
          name: 't',
          data: t.data,
          opts: { jobId: heldJobId(t.id, t.attempts), priority: bullPriority(priority) },
        })),
      );
      // Dialing can start on the first thousand while the rest are queued.
      if (i === 0) await this.announcePool(pool);
    }
  }

  /** Which of these targets have no held job in their pool's queue (one round trip for all, per slot on a cluster). */
  async heldJobsMissing(targets: { pool: Pool; targetId: string; attempts: number }[]): Promise<boolean[]> {
    if (!targets.length) return [];
    const keyOf = (t: (typeof targets)[number]) => this.held(t.pool).toKey(heldJobId(t.targetId, t.attempts));
    const replies = await this.redis.bySlot(targets, keyOf, (pipeline, t) => pipeline.exists(keyOf(t)));
    return targets.map((_, i) => {
      const [error, exists] = replies[i] ?? [new Error('no reply'), null];
      if (error) throw error;
      return exists === 0;
    });
  }

  /**
   * Something may have freed capacity in a pool (or, with skill '*', in every pool of the tenant):
   * one dispatcher, whichever takes the wake-up first, drains it (see wakePools).
   */
  async announcePool(pool: Pool, at = Date.now()): Promise<void> {
    await this.wakePools([pool], at);
  }

  /**
   * Leaves a wake-up for each pool (PoolWakeUps): each is taken by one dispatcher, this worker's
   * own where one runs here, else the first of the deployment's to take it from the list
   * (`anyWorker`: the list even here, so that many pools' drains spread over the workers); one that
   * comes while its pool is being drained in that worker is absorbed by the drain.
   */
  async wakePools(pools: Pool[], at = Date.now(), { anyWorker = false } = {}): Promise<void> {
    await this.wakeUps.leave(pools, at, { anyWorker });
  }

  /**
   * This process's dispatcher takes the wake-ups left in this process, with no round trip (see
   * PoolWakeUps.takeHere); undefined when it stops, so that they go to the other workers again.
   */
  takeWakeUpsHere(taker: WakeUpTaker | undefined): void {
    this.wakeUps.takeHere(taker);
  }

  /** The next wake-up, waiting on `blocking` (a connection of its own) for up to `timeoutSeconds`. */
  async takeWakeUp(blocking: RedisClient, timeoutSeconds: number): Promise<{ pool: Pool; at: number } | null> {
    return this.wakeUps.take(blocking, timeoutSeconds);
  }

  /** Pub/sub channel of one worker: its oldest waiting caller can be served ("<tenant>|<skill>"). */
  serveChannel(workerId: string): string {
    return `${this.config.get('REDIS_KEY_PREFIX')}:events:serve:${workerId}`;
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

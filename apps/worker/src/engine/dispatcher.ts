import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { Gauge, Histogram, register } from 'prom-client';
import type Redis from 'ioredis';
import { AgentStateChangedEvent } from '@autocall/agents';
import { uuidv7 } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import {
  BoundRefusal,
  CallingWindow,
  CallStopsService,
  CapacityService,
  ComplianceService,
  CallRecords,
  DialChecks,
  dialsRefusedTotal,
  HeldTargetJob,
  heldQueueName,
  LiveCallsRestorer,
  Pool,
  poolId,
  Queues,
  Reservation,
  RetryPolicy,
} from '@autocall/dialing';
import { LinesService } from '@autocall/lines';
import { RedisService } from '@autocall/redis';
import { CallStopCheck } from './call-stop-check';
import { ContactEngine } from './contact-engine';
import { WorkerIdentity } from './worker-identity';

interface DrainState {
  again: boolean;
  /** The earliest capacity-freed time not yet followed by a dial. */
  freedAt?: number;
  /** PostgreSQL refused a dial that Redis had admitted: this drain stops, the next event resumes. */
  refused?: boolean;
  /**
   * The outcome of the last dial taken's statement (the contact's insert, which takes its line):
   * dials taken together store their contacts in the order taken, and once one is refused the ones
   * taken after it go back too, behind it, so that a line freed meanwhile cannot let a later target
   * of the list pass an earlier one that was refused (engine review, defect 10).
   */
  lastInsert?: Promise<InsertOutcome>;
}

type InsertOutcome = 'stored' | 'put_back';

// Redis's lines, repaired from PostgreSQL after a refusal, at most this often per tenant.
const LINES_REPAIR_INTERVAL_MS = 5_000;

const MAX_DIALS_IN_FLIGHT = 32;
// How long an AutoCall's 'active' is trusted before it is read again (a cancel is also seen by
// the dial itself, which checks the target and its AutoCall in the same read).
const AUTOCALL_STATUS_TTL_MS = 1_000;
const AUTOCALL_CACHE_SIZE = 10_000;

const dispatchLatency = new Histogram({
  name: 'autocall_dispatch_latency_seconds',
  help: 'Time from capacity freed (contact ended, agent available, lines changed) to the next originate',
  buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

interface AutoCallInfo {
  id: string;
  active: boolean;
  checkedAt: number;
  checks: DialChecks;
  skill: string;
  mode: string;
}

/**
 * Sequential dialing. Each pool (tenant + skill) holds its targets in a BullMQ queue, ordered by
 * AutoCall priority, then submission, then list position. When something may have freed capacity
 * (a contact ended, an agent became available, lines changed, a submission or retry arrived), the
 * pool is drained: reserve a line and an agent for the target at the head, take that job, dial.
 * It stops at the first target that cannot be dialed for lack of capacity; the next event resumes it.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Dispatcher.name);
  /** Each pool's BullMQ worker, made when the pool has jobs to take, closed when unused a while. */
  private readonly workers = new Map<string, { worker: Worker<HeldTargetJob>; pool: Pool; usedAt: number }>();
  private readonly draining = new Map<string, DrainState>();
  /** Recent capacity-freed-to-originate latencies in ms (the benchmark reads them). */
  readonly latencies: number[] = [];
  private readonly autocalls = new Map<string, AutoCallInfo>();
  private readonly linesRepairedAt = new Map<string, number>();
  private subscriber?: Redis;
  private sweep?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly queues: Queues,
    private readonly capacity: CapacityService,
    private readonly callStops: CallStopsService,
    private readonly callStopCheck: CallStopCheck,
    private readonly engine: ContactEngine,
    private readonly identity: WorkerIdentity,
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
    private readonly lines: LinesService,
    private readonly records: CallRecords,
    private readonly compliance: ComplianceService,
    private readonly restorer: LiveCallsRestorer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!register.getSingleMetric('autocall_pool_queue_workers')) {
      const workers = this.workers;
      new Gauge({
        name: 'autocall_pool_queue_workers',
        help: 'Pools whose BullMQ worker this process holds open (closed when unused: POOL_WORKER_IDLE_MS)',
        collect() {
          this.set(workers.size);
        },
      });
    }
    this.subscriber = this.redis.connect('dispatch-subscriber');
    const dispatchChannel = this.queues.dispatchChannel();
    const agentChannel = this.redis.keys.agentStateChannel();
    await this.subscriber.subscribe(dispatchChannel, agentChannel);
    this.subscriber.on('message', (channel, message) => {
      if (channel === dispatchChannel) {
        const [tenantId, skill, at] = message.split('|');
        void this.wake({ tenantId, skill }, Number(at) || undefined);
      } else {
        const event = JSON.parse(message) as AgentStateChangedEvent;
        if (event.state === 'available') {
          for (const skill of event.skills) void this.wake({ tenantId: event.tenantId, skill }, event.at);
        }
      }
    });
    this.sweep = setInterval(() => void this.wakeAll(), this.config.get('DISPATCH_SWEEP_INTERVAL_MS'));
    this.sweep.unref();
    await this.wakeAll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.sweep) clearInterval(this.sweep);
    this.subscriber?.disconnect();
    await Promise.all([...this.workers.values()].map((w) => w.worker.close()));
  }

  /** The slow safety sweep: every known pool, in case a wake-up was lost. */
  async wakeAll(): Promise<void> {
    this.closeIdleWorkers();
    try {
      for (const pool of await this.queues.pools()) void this.wake(pool);
    } catch (error) {
      this.logger.warn(`sweep failed: ${(error as Error).message}`);
    }
  }

  async wake(pool: Pool, freedAt?: number): Promise<void> {
    if (this.stopping) return;
    if (pool.skill === '*') {
      for (const known of await this.queues.pools())
        if (known.tenantId === pool.tenantId) void this.wake(known, freedAt);
      return;
    }
    const id = poolId(pool);
    const running = this.draining.get(id);
    if (running) {
      running.again = true;
      if (freedAt && (!running.freedAt || freedAt < running.freedAt)) running.freedAt = freedAt;
      return;
    }
    const state: DrainState = { again: true, freedAt };
    this.draining.set(id, state);
    try {
      await this.lines.ensureLive(pool.tenantId);
      while (state.again && !this.stopping) {
        state.again = false;
        state.refused = false;
        await this.serveWaiting(pool);
        await this.drain(pool, state);
      }
    } catch (error) {
      this.logger.warn(`pool ${id}: ${(error as Error).message}`);
    } finally {
      this.draining.delete(id);
    }
  }

  private recordDial(state: DrainState): void {
    if (!state.freedAt) return;
    const ms = Date.now() - state.freedAt;
    state.freedAt = undefined;
    dispatchLatency.observe(ms / 1000);
    this.latencies.push(ms);
    if (this.latencies.length > 100_000) this.latencies.splice(0, 50_000);
  }

  /** Answered callers of this worker waiting for an agent come first. */
  private async serveWaiting(pool: Pool): Promise<void> {
    for (;;) {
      const served = await this.capacity.serveWaiting(pool.tenantId, pool.skill, this.identity.id);
      if (!served) return;
      await this.engine.serve(served.contactId, served.agentId);
    }
  }

  /**
   * A pool's queue worker holds two Redis connections and a stalled-jobs timer: one unused for
   * POOL_WORKER_IDLE_MS (its pool not being drained) is closed, so that connections and timers
   * follow the pools in use, not every pool ever seen. The next drain that needs it makes it again.
   */
  private closeIdleWorkers(): void {
    const idleBefore = Date.now() - this.config.get('POOL_WORKER_IDLE_MS');
    for (const [name, entry] of this.workers) {
      if (entry.usedAt > idleBefore || this.draining.has(poolId(entry.pool))) continue;
      this.workers.delete(name);
      void entry.worker.close().catch((error: unknown) => this.logger.warn(`${name}: ${(error as Error).message}`));
    }
  }

  private worker(pool: Pool): Worker<HeldTargetJob> {
    const name = heldQueueName(pool);
    const known = this.workers.get(name);
    if (known) {
      known.usedAt = Date.now();
      return known.worker;
    }
    // Holding a job takes milliseconds: a short lock gets a dead worker's job back within seconds.
    const worker = this.queues.createWorker<HeldTargetJob>(name, null, {
      autorun: false,
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 10,
    });
    worker.on('error', (error) => this.logger.warn(`${name}: ${error.message}`));
    void worker.startStalledCheckTimer();
    this.workers.set(name, { worker, pool, usedAt: Date.now() });
    return worker;
  }

  private async drain(pool: Pool, state: DrainState): Promise<void> {
    const queue = this.queues.held(pool);
    const token = uuidv7();
    // Taking jobs and reserving capacity stays in order, one at a time; the dials themselves
    // (database writes, originate) overlap, up to MAX_DIALS_IN_FLIGHT.
    const inFlight = new Set<Promise<void>>();
    state.lastInsert = undefined;
    try {
      await this.takeAndDial(pool, state, queue, token, inFlight);
    } finally {
      await Promise.all(inFlight);
    }
  }

  private async takeAndDial(
    pool: Pool,
    state: DrainState,
    queue: ReturnType<Queues['held']>,
    token: string,
    inFlight: Set<Promise<void>>,
  ): Promise<void> {
    for (;;) {
      if (this.stopping || state.refused) return;
      const [head] = await queue.getJobs(['prioritized', 'wait'], 0, 0, true);
      let job: Job<HeldTargetJob> | undefined;
      if (!head) {
        // Without a visible head, only jobs delayed until a time (a calling window) or taken by a
        // worker that died (active, back after the stalled check) need the pool's queue worker: a
        // fetch promotes the first. An empty pool needs none (see closeIdleWorkers).
        if ((await queue.getJobCountByTypes('delayed', 'active')) === 0) return;
        job = (await this.worker(pool).getNextJob(token, { block: false })) as Job<HeldTargetJob> | undefined;
        if (!job) return;
      }
      const expected = (head ?? job)!.data.autocallId;
      const contactId = uuidv7();
      let reservation = await this.reserveFor(pool, expected, contactId);
      if (reservation && !reservation.ok) {
        if (job) await this.putBack(job, token);
        return; // the head waits for capacity; an event will wake the pool again
      }
      job ??= (await this.worker(pool).getNextJob(token, { block: false })) as Job<HeldTargetJob> | undefined;
      if (!job) {
        if (reservation) await this.capacity.releaseUndialed(pool.tenantId, contactId);
        return;
      }
      if (job.data.autocallId !== expected) {
        // Another worker took the head meanwhile; the reservation was made for other checks.
        if (reservation) await this.capacity.releaseUndialed(pool.tenantId, contactId);
        reservation = await this.reserveFor(pool, job.data.autocallId, contactId);
        if (reservation && !reservation.ok) {
          await this.putBack(job, token);
          return;
        }
      }
      const after = state.lastInsert ?? Promise.resolve<InsertOutcome>('stored');
      let settle!: (outcome: InsertOutcome) => void;
      state.lastInsert = new Promise<InsertOutcome>((resolve) => (settle = resolve));
      const turn = { after, settle };
      const dial: Promise<void> = this.process(
        pool,
        job,
        token,
        reservation ? contactId : null,
        reservation,
        state,
        turn,
      )
        .catch((error: unknown) => this.logger.warn(`pool ${poolId(pool)}: ${(error as Error).message}`))
        .finally(() => inFlight.delete(dial));
      inFlight.add(dial);
      if (inFlight.size >= MAX_DIALS_IN_FLIGHT) await Promise.race(inFlight);
    }
  }

  /**
   * A held target taken but not dialed now (no capacity, or PostgreSQL refused the dial) goes back
   * to the front of its priority class, where it was, not behind the targets held after it (engine
   * review, defect 10: a delayed job is re-promoted with a new place). Targets put back together
   * keep list order among themselves: their job ids sort as their lists and positions do.
   */
  private async putBack(job: Job<HeldTargetJob>, token: string): Promise<void> {
    await job.moveToWait(token);
  }

  /** A reservation for the next target of this AutoCall; null when the AutoCall no longer dials. */
  private async reserveFor(pool: Pool, autocallId: string, contactId: string): Promise<Reservation | null> {
    const autocall = await this.autocall(autocallId);
    if (!autocall?.active) return null;
    // Predictive dials reserve no agent: they spend the budget the pool's pacing leader set.
    if (autocall.mode === 'predictive')
      return this.capacity.reservePaced(pool.tenantId, contactId, pool.skill, autocall.checks, this.identity.id);
    return this.capacity.reserve(pool.tenantId, contactId, pool.skill, autocall.checks, this.identity.id);
  }

  /**
   * One held target: skip it, drop it, or dial it with the reservation made for it. A throw before
   * the contact row exists must not keep the reservation while this worker lives.
   */
  private async process(
    pool: Pool,
    job: Job<HeldTargetJob>,
    token: string,
    contactId: string | null,
    reservation: Reservation | null,
    state: DrainState,
    turn: { after: Promise<InsertOutcome>; settle: (outcome: InsertOutcome) => void },
  ): Promise<void> {
    let started = false;
    // Every way out says how it went, so that the dial taken next never waits for ever.
    let outcome: InsertOutcome = 'stored';
    try {
      const target = await this.prisma.target.findUnique({
        where: { id: job.data.targetId },
        include: { autocall: true },
      });
      // A predictive reservation that does not become a dial gives its budget back, so that held
      // or vanished targets at the head cannot use up what the pacer allowed.
      const release = async () => {
        if (contactId) await this.capacity.releaseUndialed(pool.tenantId, contactId);
      };
      if (!target || target.status !== 'pending' || target.autocall.status !== 'active') {
        await release();
        await job.moveToCompleted('gone', token, false);
        return;
      }
      if (target.phoneNumber === null) {
        // Its number was erased on request (the erasure skips the targets it finds pending; this is
        // one that came back to pending, for a retry, as the erasure ran): never dialed.
        await this.records.skip(target.id, 'do_not_call');
        await release();
        await job.moveToCompleted('skipped', token, false);
        return;
      }
      if (!contactId || !reservation?.ok) {
        await this.putBack(job, token);
        return;
      }
      const phoneNumber = target.phoneNumber;
      const stop = await this.callStopReason(
        pool.tenantId,
        phoneNumber,
        target.autocall.checks as unknown as DialChecks,
        {
          autocallId: target.autocallId,
          reference: target.reference,
        },
      );
      if (stop) {
        await this.records.skip(target.id, stop);
        await release();
        await job.moveToCompleted('skipped', token, false);
        return;
      }
      const verdict = await this.compliance.check(
        pool.tenantId,
        { phoneNumber, timeZone: target.timeZone },
        target.autocall.callingWindow as unknown as CallingWindow | null,
      );
      if (!verdict.allowed) {
        await release();
        if (!verdict.retryAt) {
          // A window that never opens (e.g. no common hour across the number's zones).
          await this.records.skip(target.id, verdict.guard);
          await job.moveToCompleted('skipped', token, false);
          return;
        }
        // Held until the guard allows it; the target says which guard and until when.
        await this.records.holdUntil(target.id, verdict.guard, verdict.retryAt);
        await job.moveToDelayed(verdict.retryAt.getTime(), token);
        return;
      }
      if ((await turn.after) === 'put_back') {
        // An earlier target taken with this one went back: this one goes back behind it.
        outcome = 'put_back';
        await release();
        await this.putBack(job, token);
        return;
      }
      const attempt = target.attempts + 1;
      const dialed = await this.records.startDial({
        contactId,
        tenantId: pool.tenantId,
        autocallId: target.autocallId,
        targetId: target.id,
        attempt,
        skill: pool.skill,
        phoneNumber,
        callerId: target.autocall.callerId,
        agentId: reservation.agentId,
        placedBy: this.identity.id,
      });
      if (dialed === 'gone') {
        await release();
        await job.moveToCompleted('gone', token, false);
        return;
      }
      if (dialed !== 'dialing') {
        // Redis admitted a dial that PostgreSQL, which decides, refused: its view was stale.
        state.refused = true;
        outcome = 'put_back';
        dialsRefusedTotal.inc({ tenant: pool.tenantId, reason: dialed });
        // Back at its place before its reservation is given back: Redis sees room again only once
        // this target is at the head again.
        await this.putBack(job, token);
        await release();
        turn.settle(outcome);
        await this.repairAfterRefusal(pool.tenantId, dialed, reservation.agentId);
        return;
      }
      started = true;
      // Stored with its line: the dial taken next may store its own (placing the call need not wait).
      turn.settle('stored');
      await this.engine.place(contactId, {
        tenantId: pool.tenantId,
        autocallId: target.autocallId,
        targetId: target.id,
        skill: pool.skill,
        attempt,
        phoneNumber,
        callerId: target.autocall.callerId,
        priority: target.autocall.priority,
        retry: target.autocall.retry as RetryPolicy,
        ringTimeoutSeconds: target.autocall.ringTimeoutSeconds,
        mode: target.autocall.mode,
      });
      this.recordDial(state);
      await job.moveToCompleted('dialed', token, false);
    } catch (error) {
      if (contactId && !started) await this.capacity.releaseUndialed(pool.tenantId, contactId).catch(() => undefined);
      throw error;
    } finally {
      // Skipped, gone or held by a guard before its turn: the order is still the earlier dial's.
      void turn.after.then((previous) => turn.settle(previous === 'put_back' ? 'put_back' : outcome));
    }
  }

  /**
   * After PostgreSQL refused a dial: an agent it says is not free is offered no more until the
   * keeper finds them free; a line count Redis lost is restored from the live contacts.
   */
  private async repairAfterRefusal(tenantId: string, refusal: BoundRefusal, agentId: string | null): Promise<void> {
    this.logger.warn(`tenant ${tenantId}: a dial was refused by PostgreSQL (${refusal}); repairing the live view`);
    if (refusal === 'agent_taken' && agentId) {
      await this.capacity.withdrawAgent(tenantId, agentId);
      return;
    }
    const last = this.linesRepairedAt.get(tenantId) ?? 0;
    if (Date.now() - last < LINES_REPAIR_INTERVAL_MS) return;
    this.linesRepairedAt.set(tenantId, Date.now());
    await this.restorer.restoreLiveLines(tenantId);
  }

  private async callStopReason(
    tenantId: string,
    phoneNumber: string,
    checks: DialChecks,
    context: { autocallId: string; reference: string | null },
  ): Promise<string | null> {
    if (await this.callStops.isStopped(tenantId, phoneNumber)) return 'do_not_call';
    if (checks.callStop && !(await this.callStopCheck.allows(tenantId, phoneNumber, context))) return 'call_stop_check';
    return null;
  }

  private async autocall(id: string): Promise<AutoCallInfo | null> {
    const cached = this.autocalls.get(id);
    if (cached && (!cached.active || Date.now() - cached.checkedAt < AUTOCALL_STATUS_TTL_MS)) return cached;
    if (cached) {
      const row = await this.prisma.autoCall.findUnique({ where: { id }, select: { status: true } });
      cached.active = row?.status === 'active';
      cached.checkedAt = Date.now();
      return cached;
    }
    const row = await this.prisma.autoCall.findUnique({ where: { id } });
    if (!row) return null;
    const info = {
      id,
      active: row.status === 'active',
      checkedAt: Date.now(),
      checks: row.checks as unknown as DialChecks,
      skill: row.skill,
      mode: row.mode,
    };
    // AutoCalls come and go; a bounded cache is enough (an evicted one is read again).
    if (this.autocalls.size >= AUTOCALL_CACHE_SIZE) this.autocalls.delete(this.autocalls.keys().next().value!);
    this.autocalls.set(id, info);
    return info;
  }
}

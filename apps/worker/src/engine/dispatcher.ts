import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { Gauge, Histogram, register } from 'prom-client';
import type { RedisClient } from '@autocall/redis';
import { uuidv7 } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import {
  BoundRefusal,
  CallingWindow,
  CampaignPacing,
  CampaignsService,
  CapacityService,
  ComplianceService,
  CallRecords,
  DialCandidate,
  DialChecks,
  dialsRefusedTotal,
  effectiveCompliance,
  autocallOfHeldKey,
  heldAutocallKey,
  heldWithZones,
  HeldTargetJob,
  heldTargetId,
  heldZones,
  LiveCallsRestorer,
  Pool,
  poolId,
  Queues,
  Reservation,
  historySeconds,
  reservationKind,
  RetryPolicy,
  targetZonesCode,
  TenantCompliance,
} from '@autocall/dialing';
import { LinesService } from '@autocall/lines';
import { RedisService } from '@autocall/redis';
import { CallStopCheck } from './call-stop-check';
import { ContactEngine } from './contact-engine';
import { EarlierDial, OrderedDials } from './ordered-dials';
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
  lastInsert?: Promise<EarlierDial>;
  /** Dials taken so far by this drain (each dial's number in the order taken). */
  taken: number;
  /** The drain's dials judged before their read, stored in the order taken, batched (OrderedDials). */
  dials?: OrderedDials;
  /**
   * This pass has not yet looked for answered callers waiting for an agent: its first reservation
   * does (`callersFirst`), or, when it makes none, the pass calls serveWaiting at its end.
   */
  callersUnseen?: boolean;
}

/**
 * A pool's first held target's AutoCall, by the key its job names it by (heldAutocallKey), with its
 * job when it had to be taken to be seen.
 */
type HeadPeek = 'empty' | { autocall: string; job?: Job<HeldTargetJob> };

// Redis's lines, repaired from PostgreSQL after a refusal, at most this often per tenant.
const LINES_REPAIR_INTERVAL_MS = 5_000;

const MAX_DIALS_IN_FLIGHT = 32;
// A pool that found no trunk with room looks again when PostgreSQL says one may have room (plus a
// tenth of this), or after this long when it cannot be asked.
const TRUNK_RECHECK_MS = 100;
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
  tenantId: string;
  active: boolean;
  checkedAt: number;
  checks: DialChecks;
  skill: string;
  mode: string;
  /** How its campaign dials now (predictive AutoCalls only; read with `active`). */
  campaign: CampaignPacing;
  /** Its own calling window (null: the tenant's alone); never changes once stored. */
  callingWindow: CallingWindow | null;
}

/**
 * Sequential dialing. Each pool (tenant + skill) holds its targets in a BullMQ queue, ordered by
 * AutoCall priority, then submission, then list position. When something may have freed capacity
 * (a contact ended, an agent became available, lines changed, a submission or retry arrived), the
 * pool is drained: reserve a line and an agent for the target at the head, take that job, dial.
 * It stops at the first target that cannot be dialed for lack of capacity; the next event resumes it.
 *
 * Each event is one wake-up, taken by one dispatcher of the deployment (Queues.wakePools), not by
 * every worker: a wake-up that finds nothing free costs its taker alone. Answered callers waiting
 * for an agent are served by the worker holding their call: a dispatcher that finds another
 * worker's caller first in line with an agent free tells that worker (its serve channel).
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Dispatcher.name);
  /** Each pool's BullMQ worker, made when the pool has jobs to take, closed when unused a while. */
  private readonly workers = new Map<string, { worker: Worker<HeldTargetJob>; pool: Pool; usedAt: number }>();
  private readonly draining = new Map<string, DrainState>();
  /** Recent capacity-freed-to-originate latencies in ms (the benchmark reads them). */
  readonly latencies: number[] = [];
  /** AutoCalls by the key their held jobs name them by (heldAutocallKey). */
  private readonly autocalls = new Map<string, AutoCallInfo>();
  /** Pools of which this dispatcher has reserved for an AutoCall that does not check agents. */
  private readonly agentlessPools = new Set<string>();
  /** Each pool's AutoCall (held key) of the held target taken last (the next reservation's guess). */
  private readonly lastTaken = new Map<string, string>();
  private readonly linesRepairedAt = new Map<string, number>();
  private readonly trunkWakes = new Map<string, NodeJS.Timeout | undefined>();
  private subscriber?: RedisClient;
  /** The blocking connection on which wake-ups are taken. */
  private wakeUps?: RedisClient;
  private sweep?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly queues: Queues,
    private readonly capacity: CapacityService,
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
    private readonly campaigns: CampaignsService,
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
    // Our oldest waiting caller is first in line with an agent free, says another dispatcher.
    // (Wake-ups of pools come through the shared list: see takeWakeUps.)
    const serveChannel = this.queues.serveChannel(this.identity.id);
    await this.subscriber.subscribe(serveChannel);
    this.subscriber.on('message', (channel, message) => {
      if (channel !== serveChannel) return;
      const [tenantId, skill] = message.split('|');
      void this.wake({ tenantId, skill });
    });
    this.wakeUps = this.redis.connect('dispatch-wake-ups');
    void this.takeWakeUps(this.wakeUps);
    // Wake-ups this worker leaves itself (its calls' ends, its agents' moves) are its own to take.
    this.queues.takeWakeUpsHere((pool, at) => void this.wake(pool, at));
    this.sweep = setInterval(() => void this.wakeAll(), this.config.get('DISPATCH_SWEEP_INTERVAL_MS'));
    this.sweep.unref();
    // A worker that starts looks at every pool once, whoever leads.
    for (const pool of await this.queues.pools()) void this.wake(pool);
  }

  async onApplicationShutdown(): Promise<void> {
    // From now on this worker's wake-ups go to the list, for the other workers to take.
    this.queues.takeWakeUpsHere(undefined);
    this.stopping = true;
    if (this.sweep) clearInterval(this.sweep);
    for (const timer of this.trunkWakes.values()) clearTimeout(timer);
    this.subscriber?.disconnect();
    this.wakeUps?.disconnect();
    await Promise.all([...this.workers.values()].map((w) => w.worker.close()));
  }

  /**
   * Wake-ups, one at a time from the shared list (Queues.wakePools): each is taken by one
   * dispatcher of the deployment, which drains the pool. A wake-up lost (Redis lost, a worker
   * dying with one taken) is made up for by the leader's sweep.
   */
  private async takeWakeUps(connection: RedisClient): Promise<void> {
    while (!this.stopping) {
      try {
        // Not for ever: a connection cut without a word (no RST) would never answer; 15 s bounds it.
        const woken = await this.queues.takeWakeUp(connection, 15);
        if (woken && !this.stopping) void this.wake(woken.pool, woken.at);
      } catch (error) {
        if (this.stopping) return;
        this.logger.warn(`wake-ups: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /**
   * The slow safety sweep, run by the leader alone: a wake-up for every known pool, in case one
   * was lost (taken by a worker that died, published while no worker led, lost with Redis). It
   * costs one round trip whatever the number of workers; the pools' drains follow as usual, spread
   * over the workers (the wake-ups go to the list, not to the leader's own dispatcher).
   */
  async wakeAll(): Promise<void> {
    this.closeIdleWorkers();
    if (!this.identity.leading) return;
    try {
      await this.queues.wakePools(await this.queues.pools(), Date.now(), { anyWorker: true });
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
    const state: DrainState = { again: true, freedAt, taken: 0 };
    this.draining.set(id, state);
    try {
      while (state.again && !this.stopping) {
        state.again = false;
        state.refused = false;
        // Answered callers waiting for an agent come first: the pass's first reservation refuses
        // while one waits with an agent free (they are served, then it is asked again).
        state.callersUnseen = true;
        await this.drain(pool, state);
        if (state.callersUnseen && !this.stopping) await this.serveWaiting(pool);
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

  /** Answered callers of this worker waiting for an agent, each given an agent while one is free. */
  private async serveWaiting(pool: Pool): Promise<void> {
    for (;;) {
      const served = await this.capacity.serveWaiting(pool.tenantId, pool.skill, this.identity.id);
      if (!served) return;
      if ('holder' in served) {
        // The oldest caller is another worker's (it holds the call): that worker serves them.
        await this.redis.client.publish(this.queues.serveChannel(served.holder), poolId(pool));
        return;
      }
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
    const name = poolId(pool);
    const known = this.workers.get(name);
    if (known) {
      known.usedAt = Date.now();
      return known.worker;
    }
    // Holding a job takes milliseconds: a short lock gets a dead worker's job back within seconds.
    const worker = this.queues.heldWorker(pool, {
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
    state.dials = new OrderedDials(this.records);
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
    const id = poolId(pool);
    for (;;) {
      if (this.stopping || state.refused) return;
      let job: Job<HeldTargetJob> | undefined;
      const contactId = uuidv7();
      // Whose checks the reservation follows: the AutoCall of the job taken last from this pool (a
      // pool usually dials one AutoCall for a long while), else the head's, peeked. A wrong guess is
      // found when the job is taken (reserved again for its own AutoCall), and a refusal under a
      // guess is checked against the head before the pool waits.
      const guess = this.lastTaken.get(id);
      let expected: string;
      let reservation: Reservation | null;
      const peeked: HeadPeek | null = guess ? null : await this.peekHead(pool, queue, token);
      if (peeked === 'empty') return;
      if (peeked?.job) job = peeked.job;
      expected = guess ?? peeked!.autocall;
      reservation = await this.reserveFor(pool, state, expected, contactId);
      // Refused under the guess: another AutoCall may be first and pass its own checks, unless
      // no dial of the pool could be reserved (no line; no agent, where every dial the pool has had
      // checks agents): then the pool waits for an event whoever is first.
      if (reservation && !reservation.ok && guess && !this.noRoomFor(id, reservation)) {
        const head = await this.peekHead(pool, queue, token);
        if (head === 'empty') {
          this.lastTaken.delete(id);
          return;
        }
        if (head.job) job = head.job;
        if (head.autocall !== guess) {
          expected = head.autocall;
          reservation = await this.reserveFor(pool, state, expected, contactId);
        }
      }
      if (reservation && !reservation.ok) {
        if (job) await this.putBack(job, token);
        return; // the head waits for capacity; an event will wake the pool again
      }
      job ??= (await this.worker(pool).getNextJob(token, { block: false })) as Job<HeldTargetJob> | undefined;
      if (!job) {
        if (reservation) await this.capacity.releaseUndialed(pool.tenantId, contactId);
        this.lastTaken.delete(id);
        return;
      }
      const taken = heldAutocallKey(job.data);
      this.lastTaken.set(id, taken);
      if (taken !== expected) {
        // Another worker took the head meanwhile; the reservation was made for other checks.
        if (reservation) await this.capacity.releaseUndialed(pool.tenantId, contactId);
        reservation = await this.reserveFor(pool, state, taken, contactId);
        if (reservation && !reservation.ok) {
          await this.putBack(job, token);
          return;
        }
      }
      const after = state.lastInsert ?? Promise.resolve<EarlierDial>('stored');
      let settle!: (outcome: EarlierDial) => void;
      state.lastInsert = new Promise<EarlierDial>((resolve) => (settle = resolve));
      const turn = { after, settle, taken: ++state.taken };
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
      // This reservation took the last line (or agent): the next one would be refused; the event
      // that frees one wakes the pool again (the script that reserved saw the count atomically).
      if (reservation?.ok && this.noRoomFor(id, reservation)) return;
      if (inFlight.size >= MAX_DIALS_IN_FLIGHT) await Promise.race(inFlight);
    }
  }

  /**
   * Whether, after this reservation (or refusal), no next dial of the pool can be reserved, whatever
   * its AutoCall: no line left, or no agent left in a pool whose dials all check agents (a pool
   * that has dialed an AutoCall without the agent check is asked again; a predictive AutoCall's
   * paced dials are woken by its pacing leader's budgets). Unknown (no `next`): ask again.
   */
  private noRoomFor(poolKey: string, reservation: Reservation): boolean {
    if (reservation.next === 'no_line') return true;
    return reservation.next === 'no_agent' && !this.agentlessPools.has(poolKey);
  }

  /**
   * The AutoCall of the pool's first held target: its job's data, read without taking it; when no
   * target is visible, only jobs delayed until a time (a calling window) or taken by a worker that
   * died (active, back after the stalled check) need the pool's queue worker, and a fetch promotes
   * (and takes) the first. 'empty' when there is nothing to take. An empty pool needs no queue
   * worker (see closeIdleWorkers).
   */
  private async peekHead(pool: Pool, queue: ReturnType<Queues['held']>, token: string): Promise<HeadPeek> {
    const [head] = await queue.getJobs(['prioritized', 'wait'], 0, 0, true);
    if (head) return { autocall: heldAutocallKey(head.data) };
    if ((await queue.getJobCountByTypes('delayed', 'active')) === 0) return 'empty';
    const job = (await this.worker(pool).getNextJob(token, { block: false })) as Job<HeldTargetJob> | undefined;
    return job ? { autocall: heldAutocallKey(job.data), job } : 'empty';
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

  /** A reservation for the next target of this AutoCall (its held key); null when it no longer dials. */
  private async reserveFor(
    pool: Pool,
    state: DrainState,
    autocallKey: string,
    contactId: string,
  ): Promise<Reservation | null> {
    let reservation = await this.reserveOnce(pool, autocallKey, contactId, state.callersUnseen);
    if (reservation) state.callersUnseen = false;
    if (reservation?.ok === false && reservation.reason === 'callers_waiting') {
      await this.serveWaiting(pool);
      reservation = await this.reserveOnce(pool, autocallKey, contactId);
    }
    if (reservation?.ok !== false || reservation.reason !== 'lines_unknown') return reservation;
    // Redis does not know the tenant's lines (a new tenant, or Redis lost): they are restored from
    // PostgreSQL, the calls in progress first (LinesService.ensureLive), and asked once more.
    await this.lines.ensureLive(pool.tenantId);
    return this.reserveOnce(pool, autocallKey, contactId);
  }

  private async reserveOnce(
    pool: Pool,
    autocallKey: string,
    contactId: string,
    callersFirst = false,
  ): Promise<Reservation | null> {
    const autocall = await this.autocall(autocallKey);
    if (!autocall?.active) return null;
    // Predictive dials reserve no agent: they spend the budget the pool's pacing leader set. Those
    // of a campaign at its abandon cap dial progressively until it is back under the target: an
    // agent reserved for each (one dial per free agent, none ahead), at their place in the queue.
    if (reservationKind(autocall.mode, autocall.campaign) === 'paced')
      return this.capacity.reservePaced(pool.tenantId, contactId, pool.skill, autocall.checks, this.identity.id, {
        placesItself: true,
        callersFirst,
      });
    const checks: DialChecks =
      autocall.mode === 'predictive'
        ? { ...autocall.checks, freeAgents: autocall.checks.freeAgents ?? { reserve: 0 } }
        : autocall.checks;
    if (!checks.freeAgents) this.agentlessPools.add(poolId(pool));
    // This worker places what it reserves: the line counts as in use from the reservation on, and
    // the dial needs no word to Redis (ContactEngine.place, `reservedAsPlaced`).
    return this.capacity.reserve(pool.tenantId, contactId, pool.skill, checks, this.identity.id, {
      placesItself: true,
      callersFirst,
    });
  }

  /**
   * One held target: skip it, drop it, or dial it with the reservation made for it. A throw before
   * the contact row exists must not keep the reservation while this worker lives.
   *
   * When the guards can be judged before the target is read (its job carries its zones, no guard
   * needs the number's recent calls, no call-stop check asks a service), they are, and the read and
   * the dial are one statement (readAndDial): a target the read finds not dialable is not dialed,
   * and is then handled from that read as any other.
   */
  private async process(
    pool: Pool,
    job: Job<HeldTargetJob>,
    token: string,
    contactId: string | null,
    reservation: Reservation | null,
    state: DrainState,
    turn: { after: Promise<EarlierDial>; settle: (outcome: EarlierDial) => void; taken: number },
  ): Promise<void> {
    let started = false;
    // Every way out says how it went, so that the dial taken next never waits for ever.
    let outcome: EarlierDial = 'stored';
    const agentId = reservation?.ok ? reservation.agentId : null;
    // A predictive reservation that does not become a dial gives its budget back, so that held
    // or vanished targets at the head cannot use up what the pacer allowed.
    // The drain may have stopped at this reservation (it took the last line or agent): what it
    // gives back is taken again by one more pass (`again`), unless the drain stops for a refusal.
    const release = async (retake = true) => {
      if (!contactId) return;
      await this.capacity.releaseUndialed(pool.tenantId, contactId);
      if (retake) state.again = true;
    };
    const place = async (target: DialCandidate, attempt: number, trunkId: string | null, held = job.data) => {
      started = true;
      // Stored with its line: the dial taken next may store its own (placing the call need not wait).
      turn.settle('stored');
      await this.engine.place(contactId!, {
        tenantId: pool.tenantId,
        autocallId: target.autocallId,
        targetId: target.targetId,
        skill: pool.skill,
        attempt,
        phoneNumber: target.phoneNumber!,
        callerId: target.autocall.callerId,
        priority: target.autocall.priority,
        retry: target.autocall.retry as RetryPolicy,
        ringTimeoutSeconds: target.autocall.ringTimeoutSeconds,
        mode: target.autocall.mode,
        trunkId,
        answeringMachine: target.autocall,
        held,
        reservedAsPlaced: true,
      });
      this.recordDial(state);
      await job.moveToCompleted('dialed', token, false);
    };
    // Redis admitted a dial that PostgreSQL, which decides, refused: its view was stale; or no
    // trunk has a free channel and a call-rate token now (Redis does not keep trunks).
    // An earlier target taken with this one went back: this one goes back behind it.
    const goBehind = async () => {
      outcome = 'put_back';
      await release(false);
      await this.putBack(job, token);
    };
    const refused = async (refusal: BoundRefusal) => {
      state.refused = true;
      outcome = 'put_back';
      dialsRefusedTotal.inc({ tenant: pool.tenantId, reason: refusal });
      // Back at its place before its reservation is given back: Redis sees room again only once
      // this target is at the head again.
      await this.putBack(job, token);
      await release(false);
      turn.settle(outcome);
      if (refusal === 'no_free_trunk') this.wakeWhenTrunksMayHaveRoom(pool);
      else await this.repairAfterRefusal(pool.tenantId, refusal, agentId);
    };
    try {
      const compliance = await this.compliance.compliance(pool.tenantId);
      // The AutoCall as this worker knows it (reserveFor read it for this very reservation).
      const autocall = this.autocalls.get(heldAutocallKey(job.data));
      const zones = heldZones(job.data);
      const judged =
        contactId && reservation?.ok && autocall ? this.guardsAllowBeforeRead(compliance, autocall, zones) : false;
      // The target, its AutoCall, the call stops and the number's recent calls: one read; with the
      // dial in the same statement when the guards were judged already, in the order taken and
      // with the dials taken just after it (OrderedDials).
      const read = judged
        ? await state.dials!.dial(
            turn.taken,
            {
              targetId: heldTargetId(job.id!),
              historySeconds: historySeconds(compliance),
              dial: {
                contactId: contactId!,
                autocallId: autocall!.id,
                skill: pool.skill,
                agentId,
                placedBy: this.identity.id,
              },
            },
            turn.after,
          )
        : await this.records.readAndDial(heldTargetId(job.id!), historySeconds(compliance), null);
      if (read === 'go_behind') {
        await goBehind();
        return;
      }
      if (read.dialed?.result === 'dialing') {
        await place(read.candidate!, read.dialed.attempt, read.dialed.trunkId);
        return;
      }
      if (read.dialed) {
        await refused(read.dialed.result);
        return;
      }
      const target = read.candidate;
      if (!target || target.status !== 'pending' || target.autocall.status !== 'active') {
        await release();
        await job.moveToCompleted('gone', token, false);
        return;
      }
      if (target.phoneNumber === null) {
        // Its number was erased on request (the erasure skips the targets it finds pending; this is
        // one that came back to pending, for a retry, as the erasure ran): never dialed.
        await this.records.skip(target.targetId, 'do_not_call');
        await release();
        await job.moveToCompleted('skipped', token, false);
        return;
      }
      if (!contactId || !reservation?.ok) {
        await this.putBack(job, token);
        return;
      }
      const phoneNumber = target.phoneNumber;
      const checks = target.autocall.checks;
      const stop = target.stopped
        ? 'do_not_call'
        : checks.callStop &&
            !(await this.callStopCheck.allows(pool.tenantId, phoneNumber, {
              autocallId: target.autocallId,
              reference: target.reference,
            }))
          ? 'call_stop_check'
          : null;
      if (stop) {
        await this.records.skip(target.targetId, stop);
        await release();
        await job.moveToCompleted('skipped', token, false);
        return;
      }
      const verdict = this.compliance.verdict(
        compliance,
        { phoneNumber, timeZone: target.timeZone },
        target.autocall.callingWindow as CallingWindow | null,
        target.recentCalls,
      );
      if (!verdict.allowed) {
        await release();
        if (!verdict.retryAt) {
          // A window that never opens (e.g. no common hour across the number's zones).
          await this.records.skip(target.targetId, verdict.guard);
          await job.moveToCompleted('skipped', token, false);
          return;
        }
        // Held until the guard allows it; the target says which guard and until when.
        await this.records.holdUntil(target.targetId, verdict.guard, verdict.retryAt);
        await job.moveToDelayed(verdict.retryAt.getTime(), token);
        return;
      }
      if ((await turn.after) === 'put_back') {
        await goBehind();
        return;
      }
      const attempt = target.attempts + 1;
      const dialed = await this.records.startDial({
        contactId,
        tenantId: pool.tenantId,
        autocallId: target.autocallId,
        targetId: target.targetId,
        attempt,
        skill: pool.skill,
        phoneNumber,
        callerId: target.autocall.callerId,
        agentId: reservation.agentId,
        placedBy: this.identity.id,
      });
      if (dialed.result === 'gone') {
        await release();
        await job.moveToCompleted('gone', token, false);
        return;
      }
      if (dialed.result !== 'dialing') {
        await refused(dialed.result);
        return;
      }
      await place(
        target,
        attempt,
        dialed.trunkId,
        heldWithZones(job.data, targetZonesCode(phoneNumber, target.timeZone)),
      );
    } catch (error) {
      if (contactId && !started) await this.capacity.releaseUndialed(pool.tenantId, contactId).catch(() => undefined);
      throw error;
    } finally {
      // Skipped, gone or held by a guard before its turn: the order is still the earlier dial's.
      void turn.after.then((previous) => turn.settle(previous === 'put_back' ? 'put_back' : outcome));
    }
  }

  /**
   * Whether the guards allow the held target's dial, judged before it is read: from the zones its
   * job carries and its AutoCall's window (an AutoCall's window and checks never change once it is
   * stored, so this worker's copy is its own). False when they cannot be judged so (no zones, a
   * guard that needs the number's recent calls, a call-stop check that asks a service) or refuse:
   * the target is then read first, and the guards judged from the read.
   */
  private guardsAllowBeforeRead(compliance: TenantCompliance, autocall: AutoCallInfo, zones: string | null): boolean {
    if (zones === null || autocall.checks.callStop) return false;
    return this.compliance.verdictByZones(compliance, zones, autocall.callingWindow)?.allowed === true;
  }

  /**
   * No trunk had room (every channel busy, no call-rate token, or paused after an overload): a
   * call-rate token comes back and a pause ends at a time PostgreSQL knows, with no event to say
   * so; the pool is woken then (once per pool at a time), or at once with every channel busy, when
   * a call's end wakes it as any end does.
   */
  private wakeWhenTrunksMayHaveRoom(pool: Pool): void {
    const id = poolId(pool);
    if (this.trunkWakes.has(id) || this.stopping) return;
    // Held while the time is read, so that refusals meanwhile do not ask again.
    this.trunkWakes.set(id, undefined);
    void this.prisma.$queryRaw<{ ms: number | null }[]>`SELECT trunk_room_in_ms(${pool.tenantId}::uuid) AS ms`
      .then(
        ([row]) => row?.ms ?? null,
        () => TRUNK_RECHECK_MS,
      )
      .then((ms) => {
        if (ms === null || this.stopping) {
          this.trunkWakes.delete(id);
          return;
        }
        const timer = setTimeout(
          () => {
            this.trunkWakes.delete(id);
            void this.wake(pool);
          },
          // Room "now" yet refused (a caller id no trunk with room allows, a race): not sooner
          // than the plain recheck.
          ms <= 0 ? TRUNK_RECHECK_MS : Math.min(ms + TRUNK_RECHECK_MS / 10, 60_000),
        );
        timer.unref();
        this.trunkWakes.set(id, timer);
      });
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

  /** A predictive AutoCall's status and its campaign's pacing state, in one read (the tenant's scope kept 5 s). */
  private async predictiveState(id: string, tenantId: string) {
    const scope = effectiveCompliance(await this.compliance.settings(tenantId)).abandonScope;
    return this.campaigns.dialState(id, scope);
  }

  /** An AutoCall by the key its held jobs name it by (heldAutocallKey), cached a while. */
  private async autocall(key: string): Promise<AutoCallInfo | null> {
    const cached = this.autocalls.get(key);
    if (cached && (!cached.active || Date.now() - cached.checkedAt < AUTOCALL_STATUS_TTL_MS)) return cached;
    if (cached) {
      if (cached.mode === 'predictive') {
        const state = await this.predictiveState(cached.id, cached.tenantId);
        cached.active = state?.active ?? false;
        cached.campaign = state?.campaign ?? 'predictive';
      } else {
        const row = await this.prisma.autoCall.findUnique({ where: { id: cached.id }, select: { status: true } });
        cached.active = row?.status === 'active';
      }
      cached.checkedAt = Date.now();
      return cached;
    }
    const row = await this.prisma.autoCall.findUnique({ where: autocallOfHeldKey(key) });
    if (!row) return null;
    const state = row.mode === 'predictive' ? await this.predictiveState(row.id, row.tenantId) : null;
    const info: AutoCallInfo = {
      id: row.id,
      tenantId: row.tenantId,
      active: state ? state.active : row.status === 'active',
      checkedAt: Date.now(),
      checks: row.checks as unknown as DialChecks,
      skill: row.skill,
      mode: row.mode,
      campaign: state?.campaign ?? 'predictive',
      callingWindow: (row.callingWindow as CallingWindow | null) ?? null,
    };
    // AutoCalls come and go; a bounded cache is enough (an evicted one is read again).
    if (this.autocalls.size >= AUTOCALL_CACHE_SIZE) this.autocalls.delete(this.autocalls.keys().next().value!);
    this.autocalls.set(key, info);
    return info;
  }
}

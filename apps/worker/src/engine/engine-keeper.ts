import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AgentSessionsService, LiveViewPart, LiveViewRebuilder } from '@autocall/agents';
import { AppConfig } from '@autocall/config';
import { IdempotentRequests, PrismaService } from '@autocall/database';
import { CapacityService, CallRecords, heldJobData, Queues, targetZonesCode } from '@autocall/dialing';
import { DispositionsService } from '@autocall/dispositions';
import { LinesService } from '@autocall/lines';
import { ContactEngine } from './contact-engine';
import { forgetEndedDialogs } from './sip-dialogs';
import { WorkerIdentity } from './worker-identity';

// A reservation is made a moment before its contact row is committed; give it this long.
const ORPHAN_GRACE_MS = 30_000;
const JANITOR_INTERVAL_MS = 5_000;
const RESTORE_GRACE_MS = 15_000;
// Queueing 10,000 held targets takes about a second; a row unqueued after this was abandoned.
const UNQUEUED_GRACE_MS = 30_000;
// A worker's heartbeat lives 15 s: its timers are trusted that long after its last beat.
const HEARTBEAT_GRACE_MS = 20_000;
// Pending targets looked at per pass: each pass goes on from where the last one stopped.
const OVERDUE_BATCH = 1_000;
// Forgotten Idempotency-Key answers are deleted every this many passes (about a minute).
const FORGET_EVERY_PASSES = 12;

/**
 * Keeps the engine whole across crashes and Redis losses:
 * - contacts held by a worker whose heartbeat stopped are recovered: a dial that was never placed
 *   is queued again (the originate ledger makes sure it is placed once), a placed call is ended;
 * - a reservation whose contact row never got committed is released;
 * - a pending target whose retry was lost between its commit and its enqueue is held again;
 * - after a Redis loss, live contacts (lines, reserved agents, waiting callers), held targets and
 *   due retries are rebuilt from PostgreSQL.
 */
@Injectable()
export class EngineKeeper implements LiveViewPart, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = 'engine';
  private readonly logger = new Logger(EngineKeeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  /** Where the last pass over overdue pending targets stopped (next attempt, target id). */
  private overdueCursor: { at: Date; id: string } | null = null;
  private passes = 0;

  constructor(
    private readonly prisma: PrismaService,
    private readonly capacity: CapacityService,
    private readonly queues: Queues,
    private readonly engine: ContactEngine,
    private readonly identity: WorkerIdentity,
    private readonly records: CallRecords,
    private readonly agentSessions: AgentSessionsService,
    private readonly config: AppConfig,
    private readonly lines: LinesService,
    private readonly idempotency: IdempotentRequests,
    private readonly dispositions: DispositionsService,
    rebuilder: LiveViewRebuilder,
  ) {
    rebuilder.register(this);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), JANITOR_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Live-view rebuild of one tenant (after a Redis loss): the lines and agents of the calls in
   * progress (before anything can be dialed again: see LinesService.ensureLive), this worker's
   * claim on the calls it holds, then the held targets and the retries.
   */
  async rebuild(tenantId: string, lost: boolean): Promise<void> {
    if (!lost) return; // nothing to repair cheaply here; the janitor handles crashed workers
    await this.lines.ensureLive(tenantId);
    // The calls this worker holds are known to be its own at once (answered callers it holds can
    // be served again); other workers say so for theirs at their next janitor pass.
    await this.engine.reassertAll();
    await this.holdPending(tenantId);
  }

  /**
   * Every pending target of the tenant's active AutoCalls held again from PostgreSQL: those due in
   * their pools' queues, the others as retries at their time (job ids name target and attempts, so
   * a target already held is not held twice).
   */
  private async holdPending(tenantId: string): Promise<void> {
    const pending = await this.prisma.$queryRaw<
      {
        id: string;
        autocall_id: string;
        skill: string;
        autocall_seq: bigint;
        priority: number;
        attempts: number;
        next_attempt_at: Date | null;
        phone_number: string | null;
        time_zone: string | null;
      }[]
    >`
      SELECT t.id, t.autocall_id, a.seq AS autocall_seq, a.skill, a.priority, t.attempts, t.next_attempt_at,
             t.phone_number, t.time_zone
      FROM targets t JOIN autocalls a ON a.id = t.autocall_id
      WHERE a.tenant_id = ${tenantId}::uuid AND a.status = 'active' AND a.mode IN ('sequential', 'predictive')
        AND t.status = 'pending'
      ORDER BY a.priority DESC, a.seq, t.position`;
    const now = Date.now();
    const due = pending.filter((t) => !t.next_attempt_at || t.next_attempt_at.getTime() <= now);
    // Held again AutoCall by AutoCall, in the order of the query (priority, submission, position).
    await this.holdByAutocall(due.map((t) => ({ ...t, tenant_id: tenantId })));
    for (const target of pending.filter((t) => !due.includes(t))) {
      await this.queues.retries().add(
        'retry',
        {
          tenantId,
          skill: target.skill,
          autocallId: target.autocall_id,
          targetId: target.id,
          priority: target.priority,
          attempts: target.attempts,
          held: heldTarget(target).data,
        },
        { jobId: `r-${target.id}-${target.attempts}`, delay: target.next_attempt_at!.getTime() - now },
      );
    }
    if (pending.length) await this.queues.announcePool({ tenantId, skill: '*' });
  }

  /**
   * A pass, every 5 s in every worker: this worker's own contacts (claimed in PostgreSQL but not
   * held, an end request whose message was lost) while it holds calls, and once a minute when it
   * holds none; and, in the leader alone (WorkerIdentity.leading), everything that looks at every
   * tenant, so that an idle deployment costs the same with 1 or 16 workers. Calls are not
   * re-asserted every pass: after a Redis loss the restore takes each call's owner from PostgreSQL
   * (contacts.placed_by), and the worker that rebuilds re-asserts its own (rebuild).
   */
  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (this.engine.liveCount() > 0 || this.passes % FORGET_EVERY_PASSES === 0) await this.engine.keepOwnContacts();
      if (!this.identity.leading) return;
      await this.moveOldHeldQueues();
      const tenants = await this.prisma.tenant.findMany({ select: { id: true } });
      for (const { id } of tenants) {
        await this.sweepTenant(id);
        await this.returnWithdrawnAgents(id);
      }
      await this.requeueUnqueued();
      await this.reholdOverdue();
      await this.finishLostWrapUps();
      // Wrap-ups past their end get the default disposition (their worker's timer may be gone
      // with it), and agents left in the wrap-up of a call already dispositioned are released.
      await this.dispositions.expireDue();
      await this.dispositions.releaseFinishedWrapUps();
      await this.endOrphanedCalls();
      await this.records.completeAllDone();
      // Stored answers hold personal data: deleted once their keys are forgotten (24 hours).
      if (this.passes % FORGET_EVERY_PASSES === 0) {
        await this.idempotency.forgetExpired();
        // SIP dialogs whose end was not written hold numbers: gone once their contact has ended.
        await forgetEndedDialogs(this.prisma);
      }
    } catch (error) {
      this.logger.warn(`janitor pass failed, will retry: ${(error as Error).message}`);
    } finally {
      this.passes++;
      this.running = false;
    }
  }

  /**
   * The upgrade from the held queues named before 2026-12 (`held.<tenant>.<skill>` under their own
   * tag, each job carrying its options and ids in full) to `h.<skill>` under the tenant's tag
   * (Queues.held): a pool whose old queue still holds jobs has its tenant's pending targets held
   * again from PostgreSQL, the source of truth (as after a Redis loss: same job ids, so nothing is
   * held twice), and then the old queue goes. An old worker still running during a rolling upgrade
   * may take a job of the old queue meanwhile: the dial is PostgreSQL's to decide (a target no
   * longer pending is not dialed), so a target held in both is dialed once. Looked at by the leader
   * on each pass: one round trip for all pools, whatever the number of workers.
   */
  private async moveOldHeldQueues(): Promise<void> {
    const pools = await this.queues.pools();
    const old = await this.queues.oldHeldQueuesPresent(pools);
    const tenants = new Set(old.map((pool) => pool.tenantId));
    for (const tenantId of tenants) {
      await this.holdPending(tenantId);
      for (const pool of old.filter((p) => p.tenantId === tenantId)) {
        const queue = this.queues.oldHeld(pool);
        try {
          await queue.obliterate({ force: true });
        } finally {
          await queue.close();
        }
      }
      this.logger.warn(`tenant ${tenantId}: held targets moved to the new held queues (upgrade)`);
    }
  }

  /**
   * The target row is the durable intent of a retry: `ended` commits it pending with its next
   * attempt, in the statement that ends the contact, and only then adds the retry job. A worker
   * killed between the two, or a Redis that answers READONLY, OOM or LOADING there, leaves it
   * pending with no job, and its AutoCall would never complete. A pending target overdue by more
   * than the grace (PostgreSQL's clock) whose held job is not in its pool's queue is held again,
   * under the same job id, so that a race with a late retry cannot hold it twice. Each pass looks
   * at one batch, going on from where the last stopped, so its cost does not grow with the lists.
   */
  private async reholdOverdue(): Promise<void> {
    const cursor = this.overdueCursor;
    const grace = this.config.get('RETRY_RECONCILE_GRACE_SECONDS');
    const rows = await this.prisma.$queryRaw<
      {
        id: string;
        autocall_id: string;
        autocall_seq: bigint;
        tenant_id: string;
        skill: string;
        priority: number;
        attempts: number;
        at: Date;
        phone_number: string | null;
        time_zone: string | null;
      }[]
    >`
      SELECT t.id, t.autocall_id, a.seq AS autocall_seq, a.tenant_id, a.skill, a.priority, t.attempts,
             t.next_attempt_at AS at,
             t.phone_number, t.time_zone
      FROM targets t JOIN autocalls a ON a.id = t.autocall_id
      WHERE t.status = 'pending' AND t.next_attempt_at < now() - ${grace} * interval '1 second'
        AND a.status = 'active' AND a.mode IN ('sequential', 'predictive')
        AND (${cursor?.at ?? null}::timestamptz IS NULL
             OR (t.next_attempt_at, t.id) > (${cursor?.at ?? null}::timestamptz, ${cursor?.id ?? null}::uuid))
      ORDER BY t.next_attempt_at, t.id
      LIMIT ${OVERDUE_BATCH}`;
    this.overdueCursor =
      rows.length === OVERDUE_BATCH ? { at: rows[rows.length - 1].at, id: rows[rows.length - 1].id } : null;
    if (!rows.length) return;
    // Which of them have no job: one round trip for the whole batch.
    const missing = await this.queues.heldJobsMissing(
      rows.map((r) => ({ pool: { tenantId: r.tenant_id, skill: r.skill }, targetId: r.id, attempts: r.attempts })),
    );
    const lost = rows.filter((_, i) => missing[i]);
    if (lost.length) this.logger.warn(`${lost.length} pending target(s) had lost their retry; held again`);
    await this.holdByAutocall(lost);
  }

  /** Holds pending targets in their pools' queues, one AutoCall at a time, in the order given. */
  private async holdByAutocall(
    targets: {
      id: string;
      attempts: number;
      autocall_id: string;
      autocall_seq: bigint;
      tenant_id: string;
      skill: string;
      priority: number;
      phone_number: string | null;
      time_zone: string | null;
    }[],
  ): Promise<void> {
    const byAutocall = new Map<string, typeof targets>();
    for (const target of targets) {
      const group = byAutocall.get(target.autocall_id);
      if (group) group.push(target);
      else byAutocall.set(target.autocall_id, [target]);
    }
    for (const group of byAutocall.values()) {
      const { tenant_id: tenantId, skill, priority } = group[0];
      await this.queues.holdTargets({ tenantId, skill }, priority, group.map(heldTarget));
    }
  }

  /**
   * Simulated agents end their wrap-up on a timer of the worker that ended their call; if that
   * worker died, the wrap-up would never end. Past three times the mean, another worker ends it.
   */
  private async finishLostWrapUps(): Promise<void> {
    if (this.config.get('TELEPHONY') !== 'simulator') return;
    const scale = this.config.get('SIMULATOR_TIME_SCALE');
    const limitMs = (this.config.get('SIMULATOR_WRAP_UP_SECONDS_MEAN') * 3 * 1000) / scale + HEARTBEAT_GRACE_MS;
    // Judged by PostgreSQL's clock, which wrote state_changed_at: no two processes' clocks compared.
    const stuck = await this.prisma.$queryRaw<{ tenant_id: string; id: string }[]>`
      SELECT tenant_id, id FROM agents
      WHERE state = 'wrap_up' AND state_changed_at < now() - ${Math.ceil(limitMs)} * interval '1 millisecond'
        AND (state_reason IS NULL OR state_reason NOT LIKE 'wrap_up:%')`;
    for (const agent of stuck) {
      await this.agentSessions
        .apply(agent.tenant_id, agent.id, { type: 'finish_wrap_up' }, { reason: 'wrap_up_done', byKeyId: null })
        .catch(() => undefined);
    }
  }

  /**
   * An agent left on a call that PostgreSQL says has ended (its worker died between putting the
   * agent on the call and the contact recording it, so the recovery did not know the agent): the
   * call is over, so is the agent's part in it. The grace lets a live end finish its own work.
   */
  private async endOrphanedCalls(): Promise<void> {
    const orphaned = await this.prisma.$queryRaw<{ tenant_id: string; id: string }[]>`
      SELECT a.tenant_id, a.id FROM agents a
      JOIN contacts c ON c.id = (CASE WHEN a.state_reason ~ '^call:[0-9a-f-]{36}$'
                                      THEN substring(a.state_reason FROM 6)::uuid END)
      WHERE a.state = 'on_call' AND c.status = 'ended'
        AND c.ended_at < now() - interval '10 seconds' AND a.state_changed_at < now() - interval '10 seconds'`;
    for (const agent of orphaned) {
      this.logger.warn(`agent ${agent.id} was left on an ended call; ending its part`);
      await this.agentSessions
        .apply(agent.tenant_id, agent.id, { type: 'end_call', wrapUp: false }, { reason: 'call_ended', byKeyId: null })
        .catch(() => undefined);
    }
  }

  /**
   * Agents the engine stopped offering because PostgreSQL refused them (not free there, while
   * Redis's view said they were) are offered again once PostgreSQL says they are free: available
   * and the agent of no live contact. One read of each store, and only when some were withdrawn.
   */
  private async returnWithdrawnAgents(tenantId: string): Promise<void> {
    const withdrawn = await this.capacity.withdrawnAgents(tenantId);
    if (!withdrawn.length) return;
    const rows = await this.prisma.$queryRaw<{ id: string; free: boolean }[]>`
      SELECT a.id, a.state = 'available' AND NOT EXISTS (
               SELECT 1 FROM contacts c WHERE c.tenant_id = a.tenant_id AND c.agent_id = a.id AND c.status <> 'ended'
             ) AS free
      FROM agents a WHERE a.tenant_id = ${tenantId}::uuid AND a.id = ANY(${withdrawn}::varchar[])`;
    const free = new Set(rows.filter((r) => r.free).map((r) => r.id));
    const returned = await this.capacity.returnWithdrawn(
      tenantId,
      withdrawn.map((id) => ({ id, free: free.has(id) })),
    );
    if (returned) {
      this.logger.log(`${returned} agent(s) free again in PostgreSQL are offered again`);
      await this.queues.announcePool({ tenantId, skill: '*' });
    }
  }

  /** Sequential and predictive AutoCalls whose API replica died before it queued their held targets. */
  private async requeueUnqueued(): Promise<void> {
    // Judged by PostgreSQL's clock, which wrote created_at (a column default, not the API's clock).
    const stale = (
      await this.prisma.$queryRaw<{ id: string; seq: bigint; tenant_id: string; skill: string; priority: number }[]>`
        SELECT id, seq, tenant_id, skill, priority FROM autocalls
        WHERE status = 'active' AND mode IN ('sequential', 'predictive') AND queued_at IS NULL
          AND created_at < now() - ${UNQUEUED_GRACE_MS} * interval '1 millisecond'`
    ).map((row) => ({ id: row.id, seq: row.seq, tenantId: row.tenant_id, skill: row.skill, priority: row.priority }));
    for (const autocall of stale) {
      const pool = { tenantId: autocall.tenantId, skill: autocall.skill };
      const pending = await this.prisma.target.findMany({
        where: { autocallId: autocall.id, status: 'pending' },
        orderBy: { position: 'asc' },
        select: { id: true, attempts: true, phoneNumber: true, timeZone: true },
      });
      await this.queues.holdTargets(
        pool,
        autocall.priority,
        pending.map((t) =>
          heldTarget({
            id: t.id,
            attempts: t.attempts,
            autocall_seq: autocall.seq,
            phone_number: t.phoneNumber,
            time_zone: t.timeZone,
          }),
        ),
      );
      await this.prisma.autoCall.update({ where: { id: autocall.id }, data: { queuedAt: new Date() } });
      await this.queues.announcePool(pool);
      this.logger.warn(
        `AutoCall ${autocall.id} was stored but not queued (its API replica died?); queued ${pending.length} targets`,
      );
    }
  }

  /**
   * The calls in Redis's live view that this worker does not hold: each is another live worker's
   * (left alone), over in PostgreSQL (its stale reservation released), a dead worker's (ended, or
   * queued again if never claimed), or a reservation whose contact was never stored. The cost is
   * bounded whatever the number of workers and calls: one read of the live view, one query for all
   * of the contacts, one round trip for the liveness of all their placers; only the calls found
   * to need something cost more.
   */
  private async sweepTenant(tenantId: string): Promise<void> {
    const notHeld = (await this.capacity.liveContacts(tenantId)).filter((id) => !this.engine.holds(id));
    if (!notHeld.length) return;
    const rows = new Map(
      (
        await this.prisma.contact.findMany({
          where: { id: { in: notHeld } },
          select: { id: true, status: true, placedBy: true },
        })
      ).map((row) => [row.id, row]),
    );
    const placers = [...new Set([...rows.values()].flatMap((row) => (row.placedBy ? [row.placedBy] : [])))];
    const alive = await this.identity.aliveAmong(placers);
    for (const contactId of notHeld) {
      // A call placed meanwhile by this worker is its own.
      if (this.engine.holds(contactId)) continue;
      const row = rows.get(contactId);
      if (row?.status === 'ended') {
        // PostgreSQL says the call is over: whatever still holds its line in Redis is stale.
        await this.capacity.release(tenantId, contactId);
        continue;
      }
      // Who places the call: PostgreSQL's claim.
      const placer = row?.placedBy ?? null;
      if (placer && alive.has(placer)) continue;
      const info = await this.capacity.contactInfo(tenantId, contactId);
      // After a Redis loss, give the workers that hold calls time to re-assert them.
      // (Both times are Redis's: RESTORE_CONTACT stamps the restore with its clock.)
      if (info.restoredAt && (await this.capacity.redisNow()) - Number(info.restoredAt) < RESTORE_GRACE_MS) continue;
      if (!row) {
        // A reservation whose contact row was never committed: its reserver may be committing it
        // right now. A dead worker's goes at once; any other (an API replica's, or a live worker's
        // whose own release failed, e.g. on a cut connection) once older than the grace by Redis's
        // clock. Released too early, it costs nothing: the dial's line is PostgreSQL's to decide.
        const owner = info.owner ?? '';
        const deadWorker = owner.startsWith('worker-') && !(await this.identity.isAlive(owner));
        const reservedAt = (await this.capacity.reservationScore(tenantId, contactId)) ?? 0;
        if (deadWorker || (await this.capacity.redisNow()) - reservedAt > ORPHAN_GRACE_MS) {
          await this.capacity.release(tenantId, contactId);
        }
        continue;
      }
      if (row.status === 'dialing' && !placer) {
        // Never placed (its placer died first, or it waits in the dials queue): the same job id
        // cannot queue it twice, and the placing claim cannot place it twice.
        await this.queues.dials().add('dial', { tenantId, contactId }, { jobId: contactId });
        continue;
      }
      this.logger.warn(`contact ${contactId}: the worker holding its call is gone; ending it`);
      await this.engine.recoverLost(contactId);
    }
  }
}

/** A pending target as it is held again: its AutoCall, and the zones its number may be in (see heldJobData). */
function heldTarget(t: {
  id: string;
  attempts: number;
  autocall_seq: bigint;
  phone_number: string | null;
  time_zone: string | null;
}) {
  return {
    id: t.id,
    attempts: t.attempts,
    data: heldJobData(t.autocall_seq, t.phone_number === null ? null : targetZonesCode(t.phone_number, t.time_zone)),
  };
}

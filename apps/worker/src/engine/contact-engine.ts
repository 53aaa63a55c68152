import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { isStorageUnavailable } from '@autocall/common';
import { AgentSessionsService } from '@autocall/agents';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import {
  CapacityService,
  ComplianceService,
  ContactTimeline,
  contactsEndedTotal,
  dialsTotal,
  Queues,
  RetryPolicy,
  retryDelay,
  ContactOutcome,
  contactOutcome,
  TargetStatus,
} from '@autocall/dialing';
import { INBOUND_REPORT_TTL_SECONDS, LinesService } from '@autocall/lines';
import { AnsweredBy, EndCause, TelephonyEvent, TelephonyPort } from '@autocall/telephony';
import { WorkerIdentity } from './worker-identity';

/** From a person answering to an agent on the line (seconds, in the callee's time). */
const answerToAgentDelay = new Histogram({
  name: 'autocall_answer_to_agent_delay_seconds',
  help: "From a person answering to the agent connected (in the callee's time)",
  buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60],
});

// A worker holding waiting callers renews its lease on them this often (the lease lasts 5 s).
const LEASE_RENEWAL_MS = 1_000;

/** What the engine keeps in memory about a contact whose call this worker holds. */
interface LiveContact {
  id: string;
  tenantId: string;
  autocallId: string;
  targetId: string;
  skill: string;
  attempt: number;
  priority: number;
  retry: RetryPolicy;
  /** Predictive contacts have no agent reserved: no agent within the threshold means abandoned. */
  predictive: boolean;
  answeredBy: AnsweredBy | null;
  /** The agent the call is being bridged to, until it connects or fails. */
  bridgingAgent: string | null;
  connectedAgent: string | null;
  abandonReason: string | null;
  /** The abandon message was handed to the telephony (the call is being hung up). */
  messagePlayed?: boolean;
  /** When a person answered (for the answer-to-agent delay). */
  answeredAt?: Date;
  /** Set when the worker that held the call died: the call is gone with it. */
  lost?: boolean;
  /** Set when someone ended the contact on purpose (End a Contact, cancel with hang-up, …). */
  endRequested?: string;
  waitTimer?: NodeJS.Timeout;
  /** Events of one contact are handled one at a time, in order. */
  queue: Promise<void>;
}

/** What placing a call needs to know about its contact. */
export interface NewContact {
  tenantId: string;
  autocallId: string;
  targetId: string;
  skill: string;
  attempt: number;
  phoneNumber: string;
  callerId: string | null;
  priority: number;
  retry: RetryPolicy;
  ringTimeoutSeconds: number;
  mode: string;
}

/**
 * Drives each contact from the telephony events of its call: records its timeline, moves its
 * target, hands answered calls to agents (or lets them wait), and frees the line and the agent
 * when the call ends. One instance per worker; it holds the calls this worker placed.
 */
@Injectable()
export class ContactEngine implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ContactEngine.name);
  private readonly live = new Map<string, LiveContact>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly timeScale: number;
  private leaseTimer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaService,
    private readonly telephony: TelephonyPort,
    private readonly capacity: CapacityService,
    private readonly timeline: ContactTimeline,
    private readonly agentSessions: AgentSessionsService,
    private readonly identity: WorkerIdentity,
    private readonly queues: Queues,
    private readonly config: AppConfig,
    private readonly compliance: ComplianceService,
    private readonly lines: LinesService,
  ) {
    this.timeScale = telephony.timeScale;
  }

  onModuleInit(): void {
    this.telephony.onEvent((event) => this.enqueue(event));
    this.leaseTimer = setInterval(() => void this.renewOwnerLeases(), LEASE_RENEWAL_MS);
    this.leaseTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    for (const timer of this.timers) clearTimeout(timer);
  }

  /**
   * While callers of this worker wait for an agent, it renews its lease on them in their tenants:
   * agents are handed out to the oldest caller whose worker holds a lease, so the callers of a
   * worker that died (or lost Redis) stop holding up the others within seconds (engine review,
   * defect 4), long before its heartbeat expires and its calls are ended.
   */
  private async renewOwnerLeases(): Promise<void> {
    const tenants = new Set<string>();
    for (const contact of this.live.values()) if (contact.waitTimer) tenants.add(contact.tenantId);
    for (const tenantId of tenants) {
      await this.capacity
        .renewOwnerLease(tenantId, this.identity.id)
        .catch((error: unknown) => this.logger.warn(`lease of waiting callers: ${(error as Error).message}`));
    }
  }

  liveCount(): number {
    return this.live.size;
  }

  /** Says again, in Redis, which calls this worker holds (repairs the view after a Redis loss). */
  async reassertAll(): Promise<void> {
    for (const contact of this.live.values()) {
      await this.capacity.reassert(contact.tenantId, contact.id, this.identity.id);
    }
  }

  holds(contactId: string): boolean {
    return this.live.has(contactId);
  }

  /**
   * Places the call of a contact stored as `dialing`; idempotent: the placing claim in PostgreSQL
   * (contacts.placed_by) lets one worker place it, once. `known` spares a read when the caller has
   * just written the contact (with this worker's claim).
   */
  async place(contactId: string, known?: NewContact): Promise<void> {
    if (this.live.has(contactId)) return;
    let contact: NewContact;
    if (known) {
      contact = known;
    } else {
      const row = await this.prisma.contact.findUnique({ where: { id: contactId }, include: { autocall: true } });
      if (!row || row.status !== 'dialing') return;
      // PostgreSQL says which worker places it: the first to claim it, once.
      if (!(await this.timeline.claimPlacing(contactId, this.identity.id))) return;
      if (row.endRequested) {
        // Asked to end before it was placed: it never is.
        await this.endUnplaced(contactId, row.endRequested);
        return;
      }
      contact = {
        tenantId: row.tenantId,
        autocallId: row.autocallId,
        targetId: row.targetId,
        skill: row.skill,
        attempt: row.attempt,
        phoneNumber: row.phoneNumber,
        callerId: row.callerId,
        priority: row.autocall.priority,
        retry: row.autocall.retry as RetryPolicy,
        ringTimeoutSeconds: row.autocall.ringTimeoutSeconds,
        mode: row.autocall.mode,
      };
    }
    const live: LiveContact = {
      id: contactId,
      tenantId: contact.tenantId,
      autocallId: contact.autocallId,
      targetId: contact.targetId,
      skill: contact.skill,
      attempt: contact.attempt,
      priority: contact.priority,
      retry: contact.retry,
      predictive: contact.mode === 'predictive',
      answeredBy: null,
      bridgingAgent: null,
      connectedAgent: null,
      abandonReason: null,
      queue: Promise.resolve(),
    };
    this.live.set(contactId, live);
    try {
      // Redis's placing key is a cache of the claim, for the keeper: PostgreSQL's decided (the
      // dispatcher's dial was stored with it, a queued dial claimed it above).
      await this.capacity.claimPlacing(contact.tenantId, contactId, this.identity.id);
      // A reservation lost with Redis comes back from PostgreSQL in the rebuild. (Both wait out a
      // Redis outage.)
      await this.capacity.reassert(contact.tenantId, contactId, this.identity.id);
      await this.capacity.markPlaced(contact.tenantId, contactId, this.identity.id);
    } catch (error) {
      // Not placed: this worker must not look as if it held the call; its keeper places it at a
      // later pass (keepOwnContacts: the claim is this worker's).
      this.live.delete(contactId);
      throw error;
    }
    dialsTotal.inc({ tenant: contact.tenantId });
    try {
      await this.telephony.originate({
        callId: contactId,
        tenantId: contact.tenantId,
        to: contact.phoneNumber,
        from: contact.callerId,
        ringTimeoutSeconds: contact.ringTimeoutSeconds,
        attempt: contact.attempt,
      });
    } catch (error) {
      this.logger.warn(`originate of contact ${contactId} failed: ${(error as Error).message}`);
      this.enqueue({ type: 'ended', callId: contactId, cause: 'failed', sipCode: 500, at: new Date() });
    }
  }

  /**
   * A contact whose worker died: its call is gone with that worker (a simulated call lives in the
   * process that placed it), so it ends as failed, its line and agent are freed, and the retry
   * policy decides what happens to the target.
   */
  async recoverLost(contactId: string): Promise<void> {
    await this.adoptAndEnd(contactId, { lost: true });
  }

  private async autocallActive(autocallId: string): Promise<boolean> {
    const row = await this.prisma.autoCall.findUnique({ where: { id: autocallId }, select: { status: true } });
    return row?.status === 'active';
  }

  /** The agent put on this call just before its worker died, if the contact did not record it. */
  private async agentOnThisCall(tenantId: string, agentId: string | null, contactId: string): Promise<string | null> {
    if (!agentId) return null;
    const agent = await this.prisma.agent.findUnique({ where: { tenantId_id: { tenantId, id: agentId } } });
    return agent?.state === 'on_call' && agent.stateReason === `call:${contactId}` ? agentId : null;
  }

  /**
   * The keeper's look at this worker's own live contacts in PostgreSQL (its placing claims), one
   * read for both of what it may find:
   * - an End a Contact request recorded on a call it holds, not acted on yet (its message was
   *   lost): acted on now;
   * - a contact it claimed but does not hold (a placing that failed half-way, Redis or PostgreSQL
   *   cut off between the dial's commit and the originate): nobody else may place it, so this
   *   worker does, now (a telephony adapter never sends one callId twice); one that got further
   *   than dialing is ended as lost. The last few seconds' dials are left to their placing.
   */
  async keepOwnContacts(): Promise<void> {
    const rows = await this.prisma.$queryRaw<
      { id: string; status: string; end_requested: string | null; settled: boolean }[]
    >`
      SELECT id, status::text AS status, end_requested, created_at < now() - interval '5 seconds' AS settled
      FROM contacts WHERE placed_by = ${this.identity.id} AND status <> 'ended'`;
    for (const row of rows) {
      const held = this.live.get(row.id);
      if (held) {
        if (row.end_requested && !held.endRequested) {
          this.logger.warn(`contact ${row.id}: End a Contact found recorded (its message was lost?); ending it`);
          await this.endByRequest(row.id, row.end_requested);
        }
        continue;
      }
      if (!row.settled) continue;
      this.logger.warn(`contact ${row.id}: claimed by this worker but not held (${row.status}); resuming it`);
      if (row.status === 'dialing') await this.place(row.id);
      else await this.recoverLost(row.id);
    }
  }

  /** End a Contact for a dial that was never placed (this worker holds its placing claim). */
  async endUnplaced(contactId: string, reason: string): Promise<void> {
    await this.adoptAndEnd(contactId, { endRequested: reason });
  }

  /** End a Contact whose call this worker holds: CANCEL before the answer, BYE after. */
  async endByRequest(contactId: string, reason: string): Promise<void> {
    const contact = this.live.get(contactId);
    if (!contact) return;
    contact.endRequested ??= reason;
    this.run(contact, () => this.telephony.hangUp(contactId));
  }

  private async adoptAndEnd(contactId: string, how: { lost?: boolean; endRequested?: string }): Promise<void> {
    if (this.live.has(contactId)) return;
    const row = await this.prisma.contact.findUnique({ where: { id: contactId }, include: { autocall: true } });
    if (!row) return;
    if (row.status === 'ended') {
      await this.capacity.release(row.tenantId, row.id);
      return;
    }
    const contact: LiveContact = {
      id: row.id,
      tenantId: row.tenantId,
      autocallId: row.autocallId,
      targetId: row.targetId,
      skill: row.skill,
      attempt: row.attempt,
      priority: row.autocall.priority,
      retry: row.autocall.retry as RetryPolicy,
      predictive: row.autocall.mode === 'predictive',
      answeredBy: (row.answeredBy as AnsweredBy | null) ?? null,
      bridgingAgent: null,
      connectedAgent:
        row.status === 'connected' ? row.agentId : await this.agentOnThisCall(row.tenantId, row.agentId, row.id),
      abandonReason: null,
      lost: how.lost,
      endRequested: how.endRequested,
      queue: Promise.resolve(),
    };
    if (contact.connectedAgent && row.status !== 'connected') {
      // The agent took the call but its worker died before the contact said so: record the
      // connection first, so that the target ends completed (connected → completed).
      await this.recordConnected(row.id, contact.connectedAgent, new Date());
    }
    this.live.set(contact.id, contact);
    const cause = how.lost ? 'failed' : 'cancelled';
    this.run(contact, () => this.ended(contact, cause, how.lost ? 500 : 487, new Date()));
    await contact.queue;
  }

  /** Hands a waiting contact of this worker the agent the capacity service picked for it. */
  async serve(contactId: string, agentId: string): Promise<void> {
    const contact = this.live.get(contactId);
    if (!contact) {
      await this.capacity.releaseAgent((await this.tenantOf(contactId)) ?? '', contactId).catch(() => undefined);
      return;
    }
    this.run(contact, async () => {
      // Served while it was being abandoned (the message is playing): the agent goes back at once.
      if (contact.abandonReason) {
        await this.capacity.releaseAgent(contact.tenantId, contactId);
        return;
      }
      await this.bridge(contact, agentId);
    });
  }

  private async tenantOf(contactId: string): Promise<string | null> {
    const row = await this.prisma.contact.findUnique({ where: { id: contactId }, select: { tenantId: true } });
    return row?.tenantId ?? null;
  }

  private enqueue(event: TelephonyEvent): void {
    if (event.type === 'inbound_lines') {
      // A telephony adapter's report holds as long as one from the API: adapters refresh it.
      void this.lines
        .reportInbound(event.tenantId, event.inUse, INBOUND_REPORT_TTL_SECONDS)
        .then(() => this.queues.announcePool({ tenantId: event.tenantId, skill: '*' }))
        .catch((error: unknown) => this.logger.warn(`inbound line report: ${(error as Error).message}`));
      return;
    }
    const contact = this.live.get(event.callId);
    if (!contact) return;
    this.run(contact, () => this.handle(contact, event));
  }

  private run(contact: LiveContact, step: () => Promise<void>): void {
    contact.queue = contact.queue
      .then(() => this.untilStored(contact, step))
      .catch((error: unknown) => this.failed(contact, error));
  }

  /**
   * A step failed for a reason that is not storage being away (a bug, a refused write, an adapter's
   * surprise): the call must not stay held, with its line and its agent, until the worker restarts.
   * It is hung up and ended as failed (engine_error). Each write of that end is idempotent, and it
   * is tried until stored, whatever the error, with a growing pause.
   */
  private async failed(contact: LiveContact, error: unknown): Promise<void> {
    this.logger.error(`contact ${contact.id}: ${(error as Error).stack ?? error}; ending it`);
    if (!this.live.has(contact.id)) return;
    await this.telephony.hangUp(contact.id).catch(() => undefined);
    for (let pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
      try {
        return await this.endAfterError(contact);
      } catch (again) {
        this.logger.error(`contact ${contact.id}: ending it failed (${(again as Error).message}); trying again`);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /**
   * The end of a call whose step failed: fewer writes than `ended`, none of them optional. The
   * contact ends (which frees its line and its agent in PostgreSQL); if it ends only now, its
   * target ends too, failed with reason engine_error (completed if an agent had taken the call);
   * Redis's reservations go, and a connected agent leaves the call.
   */
  private async endAfterError(contact: LiveContact): Promise<void> {
    this.clearWait(contact);
    const recorded = await this.timeline.record({
      contactId: contact.id,
      to: 'ended',
      at: new Date(),
      cause: 'failed',
      sipCode: 500,
    });
    if (recorded.contactMoved) {
      const outcomes: TargetStatus[] = contact.connectedAgent ? ['completed', 'failed'] : ['failed', 'completed'];
      await this.timeline.settleTarget(contact.targetId, contact.id, 'engine_error', outcomes);
    }
    await this.capacity.release(contact.tenantId, contact.id);
    if (contact.connectedAgent)
      await this.agentSessions.endCall(contact.tenantId, contact.connectedAgent, contact.id, false);
    await this.announce(contact);
    this.live.delete(contact.id);
    contactsEndedTotal.inc({ tenant: contact.tenantId, outcome: 'failed' });
  }

  /**
   * A call's step is kept, not dropped, while PostgreSQL or Redis is unavailable: it is tried again
   * with a growing pause (up to 5 s) until it is stored, so that the call's record catches up with
   * the call once storage is back. Steps are guarded by the state machines, so a retry of a step
   * that half-happened changes nothing twice.
   */
  private async untilStored(contact: LiveContact, step: () => Promise<void>): Promise<void> {
    for (let pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
      try {
        return await step();
      } catch (error) {
        if (!isStorageUnavailable(error)) throw error;
        this.logger.warn(`contact ${contact.id}: storage unavailable; trying again in ${pause} ms`);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  private async handle(contact: LiveContact, event: TelephonyEvent): Promise<void> {
    switch (event.type) {
      case 'ringing':
        return this.ringing(contact, event.at);
      case 'answered':
        return this.answered(contact, event.answeredBy, event.at);
      case 'connected':
        return this.connected(contact, event.at);
      case 'agent_failed':
        return this.agentFailed(contact);
      case 'ended':
        return this.ended(contact, event.cause, event.sipCode, event.at);
      case 'inbound_lines':
        return;
    }
  }

  private async ringing(contact: LiveContact, at: Date): Promise<void> {
    await this.timeline.record({
      contactId: contact.id,
      to: 'ringing',
      at,
      target: { to: 'ringing' },
    });
  }

  private async answered(contact: LiveContact, answeredBy: AnsweredBy, at: Date): Promise<void> {
    contact.answeredBy = answeredBy;
    await this.timeline.record({
      contactId: contact.id,
      to: 'answered',
      at,
      answeredBy,
      // An answering machine gets no agent: the one reserved for the dial is let go with the move.
      releaseAgent: answeredBy === 'machine',
      target: { to: 'answered' },
    });
    contact.answeredAt = at;
    if (answeredBy === 'machine') {
      // No agent for an answering machine: free the agent now, end the call.
      // (Freeing the agent wakes their other skills' pools too: see FREE_AGENT.)
      if (await this.capacity.releaseAgent(contact.tenantId, contact.id)) await this.announce(contact);
      await this.telephony.hangUp(contact.id);
      return;
    }
    await this.connectOrWait(contact, at);
  }

  private async connectOrWait(contact: LiveContact, answeredAt: Date): Promise<void> {
    const agentId = await this.capacity.claimAgent(contact.tenantId, contact.id, contact.skill);
    if (agentId) return this.bridge(contact, agentId);
    await this.capacity.enterWaiting(contact.tenantId, contact.id, contact.skill, answeredAt, this.identity.id);
    // Waiting, with no agent in PostgreSQL either (one whose phone did not pick up is let go).
    await this.timeline.waitForAgent(contact.id, new Date());
    if (contact.waitTimer) return;
    if (contact.predictive) {
      // Dialed ahead of agents: the law's connect threshold (2 s by default) from the answer,
      // then the tenant's message and the call is abandoned.
      const { connectThresholdSeconds } = await this.compliance.compliance(contact.tenantId);
      const left = Math.max(0, connectThresholdSeconds - this.calleeSeconds(answeredAt));
      contact.waitTimer = this.after(left, () =>
        this.run(contact, () => this.abandon(contact, 'no_agent_within_threshold')),
      );
      return;
    }
    contact.waitTimer = this.after(this.config.get('MAX_WAIT_SECONDS'), () =>
      this.run(contact, () => this.abandon(contact, 'max_wait')),
    );
  }

  /** Seconds between two instants in the callee's time (the simulator's time scale undone). */
  private calleeSeconds(from: Date, to = new Date()): number {
    return ((to.getTime() - from.getTime()) / 1_000) * this.timeScale;
  }

  private async bridge(contact: LiveContact, agentId: string): Promise<void> {
    const agent = await this.prisma.agent.findUnique({
      where: { tenantId_id: { tenantId: contact.tenantId, id: agentId } },
    });
    if (!agent) {
      await this.capacity.releaseAgent(contact.tenantId, contact.id);
      return this.connectOrWait(contact, contact.answeredAt ?? new Date());
    }
    // PostgreSQL decides: the agent becomes this contact's only if available and nobody else's.
    const assigned = await this.timeline.assignAgent(contact.id, agentId);
    if (assigned === 'gone') {
      await this.capacity.releaseAgent(contact.tenantId, contact.id);
      return;
    }
    if (assigned === 'agent_taken') {
      // Redis's view offered an agent who is not free (it was lost, or restored without a bridge
      // in progress): not offered again until the keeper finds them free; another agent, or wait.
      this.logger.warn(`contact ${contact.id}: agent ${agentId} is not free in PostgreSQL; not connected`);
      await this.capacity.releaseAgent(contact.tenantId, contact.id);
      await this.capacity.withdrawAgent(contact.tenantId, agentId);
      return this.connectOrWait(contact, contact.answeredAt ?? new Date());
    }
    contact.bridgingAgent = agentId;
    await this.telephony.connectToAgent(contact.id, agent.endpoint);
  }

  /**
   * The agent took the call. Safe to retry after a storage error at any of its writes: each write
   * is idempotent (an agent already on this call stays on it, a contact already connected stays
   * connected), and the contact is marked connected in memory only once all of them are stored.
   */
  private async connected(contact: LiveContact, at: Date): Promise<void> {
    const agentId = contact.bridgingAgent;
    if (!agentId) return;
    this.clearWait(contact);
    // Names the call, so a recovery knows this agent is on this contact. A refusal (the agent left
    // between the claim and the answer) does not stop the call; a storage error retries the step.
    if ((await this.agentSessions.connectCall(contact.tenantId, agentId, contact.id)) === 'refused')
      this.logger.warn(`agent ${agentId} took contact ${contact.id} while not available`);
    // The reservation ends; the live view already says on_call, so the agent is not offered again.
    await this.capacity.releaseAgent(contact.tenantId, contact.id);
    await this.recordConnected(contact.id, agentId, at);
    contact.bridgingAgent = null;
    contact.connectedAgent = agentId;
    if (contact.answeredAt) {
      answerToAgentDelay.observe(this.calleeSeconds(contact.answeredAt, at));
    }
  }

  /** The contact and its target move to connected, with the agent on the call. */
  private async recordConnected(contactId: string, agentId: string, at: Date): Promise<void> {
    await this.timeline.record({
      contactId,
      to: 'connected',
      at,
      agentId,
      target: { to: 'connected' },
    });
  }

  private async agentFailed(contact: LiveContact): Promise<void> {
    const agentId = contact.bridgingAgent;
    contact.bridgingAgent = null;
    await this.capacity.releaseAgent(contact.tenantId, contact.id);
    if (agentId) {
      // Redirect on no answer: the agent who did not pick up is made unavailable.
      await this.agentSessions
        .apply(
          contact.tenantId,
          agentId,
          { type: 'request_state', state: 'unavailable' },
          { reason: 'no_answer', byKeyId: null },
        )
        .catch(() => undefined);
    }
    // The caller keeps its place and its time: the wait counts from the answer, not from now.
    await this.connectOrWait(contact, contact.answeredAt ?? new Date());
  }

  /**
   * No agent in time: the caller hears the tenant's message and the call ends abandoned. Safe to
   * retry after a storage error: leaving the waiting queue is idempotent, and only a message
   * actually handed to the telephony counts as played.
   */
  private async abandon(contact: LiveContact, reason: string): Promise<void> {
    if (contact.connectedAgent || contact.messagePlayed) return;
    // No longer waiting: the next free agent goes to the next caller, not to this message.
    await this.capacity.leaveWaiting(contact.tenantId, contact.id, contact.skill);
    const { abandonMessage } = await this.compliance.compliance(contact.tenantId);
    // From here an agent served to this caller goes back at once (see serve).
    contact.abandonReason = reason;
    await this.telephony.playAndHangUp(contact.id, abandonMessage);
    contact.messagePlayed = true;
  }

  private async ended(contact: LiveContact, cause: EndCause, sipCode: number, at: Date): Promise<void> {
    this.clearWait(contact);
    const outcome = this.outcome(contact, cause);
    // Only a retryable outcome needs to know whether its AutoCall still dials (it may be cancelled).
    const wanted = retryDelay(contact.retry, outcome.status, contact.attempt);
    const delay = wanted !== null && (await this.autocallActive(contact.autocallId)) ? wanted : null;
    const recorded = await this.timeline.record({
      contactId: contact.id,
      to: 'ended',
      at,
      cause,
      sipCode,
      target:
        delay !== null
          ? {
              to: 'pending',
              reason: outcome.reason,
              nextAttemptAt: new Date(Date.now() + (delay * 1000) / this.timeScale),
            }
          : { to: outcome.status, reason: outcome.reason },
    });
    let retrying = delay !== null;
    if (recorded.contactMoved && !recorded.targetMoved) {
      // The target's state machine refused this end (its status was not what this contact
      // believed, e.g. after a crash between two writes): it must still end, never stay open.
      retrying = false;
      const settled = await this.timeline.settleTarget(contact.targetId, contact.id, outcome.reason, [
        outcome.status,
        'failed',
        'completed',
      ]);
      this.logger.warn(`contact ${contact.id}: its target's move was refused; settled it as ${settled ?? 'it was'}`);
    }
    await this.capacity.release(contact.tenantId, contact.id);
    if (contact.connectedAgent) await this.afterCall(contact.tenantId, contact.connectedAgent, contact.id);
    if (retrying && delay !== null) {
      await this.queues.retries().add(
        'retry',
        {
          tenantId: contact.tenantId,
          skill: contact.skill,
          autocallId: contact.autocallId,
          targetId: contact.targetId,
          priority: contact.priority,
          attempts: contact.attempt,
        },
        { jobId: `r-${contact.targetId}-${contact.attempt}`, delay: (delay * 1000) / this.timeScale },
      );
    }
    await this.announce(contact);
    // Only now, with every write stored: a storage error above retries the whole step, whose
    // writes are each idempotent (the contact already ended stays so, the line is freed once, the
    // agent is taken off this call once, the retry's job id is its own).
    this.live.delete(contact.id);
    contactsEndedTotal.inc({ tenant: contact.tenantId, outcome: outcome.status });
  }

  private outcome(contact: LiveContact, cause: EndCause): ContactOutcome {
    return contactOutcome(
      {
        connectedAgent: contact.connectedAgent,
        lost: contact.lost ?? false,
        endRequested: contact.endRequested ?? null,
        answeredBy: contact.answeredBy,
        abandonReason: contact.abandonReason,
      },
      cause,
    );
  }

  /**
   * The agent's call is over: wrap-up, then available. A telephony that plays the agents (the
   * simulator) says how long their wrap-up lasts, and the engine ends it then; otherwise the agent
   * is available at once. A storage error fails the step, which is retried.
   */
  private async afterCall(tenantId: string, agentId: string, contactId: string): Promise<void> {
    const wrapUpSeconds = this.telephony.agentWrapUpSeconds();
    // An agent available again wakes every pool of theirs (the agent-state event, see Dispatcher).
    const after = await this.agentSessions.endCall(tenantId, agentId, contactId, wrapUpSeconds !== null);
    if (wrapUpSeconds !== null && after) {
      this.after(
        wrapUpSeconds,
        () =>
          void this.agentSessions
            .apply(tenantId, agentId, { type: 'finish_wrap_up' }, { reason: 'wrap_up_done', byKeyId: null })
            .catch(() => undefined),
      );
    }
  }

  private async announce(contact: LiveContact): Promise<void> {
    await this.queues.announcePool({ tenantId: contact.tenantId, skill: contact.skill }).catch(() => undefined);
  }

  private clearWait(contact: LiveContact): void {
    if (contact.waitTimer) {
      clearTimeout(contact.waitTimer);
      this.timers.delete(contact.waitTimer);
      contact.waitTimer = undefined;
    }
  }

  private after(seconds: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        run();
      },
      (seconds * 1000) / this.timeScale,
    );
    this.timers.add(timer);
    return timer;
  }
}

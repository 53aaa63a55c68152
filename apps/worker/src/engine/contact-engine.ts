import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { Clock, isStorageUnavailable } from '@autocall/common';
import { AgentSessionsService, EngineMoveResult } from '@autocall/agents';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import {
  CapacityService,
  ComplianceService,
  ContactEffect,
  ContactEvent,
  ContactState,
  CallRecords,
  machinePolicyOf,
  contactsEndedTotal,
  contactEventOf,
  dialingContact,
  bullPriority,
  dialsTotal,
  heldJobData,
  heldJobId,
  HeldTargetJob,
  Queues,
  RetryPolicy,
  step,
  WaitDeadline,
  waitOverBefore,
} from '@autocall/dialing';
import { DispositionsService } from '@autocall/dispositions';
import { INBOUND_REPORT_TTL_SECONDS, LinesService, TrunksService } from '@autocall/lines';
import { DEFAULT_MAX_TRUNK_RETURNS, DEFAULT_WRAP_UP_SECONDS } from '@autocall/tenancy';
import { AnsweredBy, TelephonyEvent, TelephonyPort, TrunkRoute } from '@autocall/telephony';
import type { WokenPool } from '@autocall/redis';
import { WorkerIdentity } from './worker-identity';

/** From a person answering to an agent on the line (seconds, in the callee's time). */
const answerToAgentDelay = new Histogram({
  name: 'autocall_answer_to_agent_delay_seconds',
  help: "From a person answering to the agent connected (in the callee's time)",
  buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60],
});

/** Answering-machine detection's results, as the network signalled them (on the answer or after it). */
const detectionsTotal = new Counter({
  name: 'autocall_machine_detections_total',
  help: 'Answering-machine detection results signalled by the network, by tenant and result (human, machine, unknown)',
  labelNames: ['tenant', 'result'],
});

/** Dials per trunk ('default': the SIP_* settings of a tenant with no trunk). */
const trunkDialsTotal = new Counter({
  name: 'autocall_trunk_dials_total',
  help: 'Dials placed, by tenant and trunk (default: the SIP_* settings)',
  labelNames: ['tenant', 'trunk'],
});

/** Overload answers of a trunk (503, or no answer at all to the INVITE): the dial went back. */
const trunkOverloadsTotal = new Counter({
  name: 'autocall_trunk_overloads_total',
  help: 'Dials a trunk sent back (503 or no answer to the INVITE), by tenant, trunk and what the target became',
  labelNames: ['tenant', 'trunk', 'outcome'],
});

// A trunk's route (and opened credentials) is read again after this long.
const TRUNK_ROUTE_TTL_MS = 5_000;

// A worker holding waiting callers renews its lease on them this often (the lease lasts 5 s).
const LEASE_RENEWAL_MS = 1_000;

/** A call this worker holds: who it is, the state machine's state, and its in-memory resources. */
interface LiveContact {
  id: string;
  tenantId: string;
  autocallId: string;
  targetId: string;
  skill: string;
  priority: number;
  /** The trunk whose channel the call holds (null: the default trunk). */
  trunkId: string | null;
  state: ContactState;
  /** The AutoCall's message for answering machines (null: the tenant's abandon message). */
  machineMessage: string | null;
  /** Its target's held job data (its AutoCall, the zones when known: heldJobData), if it is tried again. */
  held: HeldTargetJob;
  waitTimer?: NodeJS.Timeout;
  /** While waitTimer runs: when the caller's wait runs out, and why (an event after it is stepped after it). */
  waitDeadline?: WaitDeadline;
  /** The wait for a detection result signalled after the answer. */
  detectionTimer?: NodeJS.Timeout;
  /**
   * A connected call of a tenant with disposition codes ended awaiting its disposition, for this
   * many seconds of wrap-up (network time); `settled`: one set during the call was applied at once.
   */
  awaiting?: { wrapUpSeconds: number; settled: boolean };
  /**
   * The call's end took its agent off it in the same statement (CallRecords' agentOffCall): the
   * agent after, and the telephony's wrap-up drawn for them (null: none). Read by agent_off_call.
   */
  offCall?: { change: EngineMoveResult; wrapUpSeconds: number | null };
  /** Its pool was woken with its agent's change at its end (agent_off_call): no announce of its own. */
  announced?: boolean;
  /**
   * The agent PostgreSQL kept on the contact when its answer was recorded (the one reserved for the
   * dial, still available: the answer's statement returned them). If the claim that follows the
   * answer gives that very agent, the agent is this contact's already: no assignment statement.
   * Cleared by any effect but that claim.
   */
  answeredWithAgent?: { agentId: string; endpoint: string };
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
  /** The trunk PostgreSQL gave the dial with its line (null: the default trunk). */
  trunkId: string | null;
  /** The AutoCall's answering-machine policy (absent: hang up, no wait for a result). */
  answeringMachine?: { machine: string; machineMessage: string | null; detectionWaitSeconds: number };
  /**
   * Its target's held job data, carried to the target's next held job: the data of the job it was
   * taken from, or its AutoCall's submission number alone (heldJobData).
   */
  held: HeldTargetJob;
  /**
   * Reserved by this worker with its line in use from the reservation on (RESERVE_DIAL's
   * placesItself: the dispatcher's dials): Redis already says what placing it would say.
   */
  reservedAsPlaced?: boolean;
}

/**
 * The executor of the contact state machine (`step` in libs/dialing/src/contact-lifecycle.ts) for
 * the calls this worker placed: it turns telephony events, agents served and timers into the
 * machine's events, carries out the effects each step returns, and keeps the new state only once
 * all of them are done. Nothing here decides what a call does next; it decides how each effect is
 * done (which store, which command) and when a failed step is tried again.
 */
@Injectable()
export class ContactEngine implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ContactEngine.name);
  private readonly live = new Map<string, LiveContact>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly timeScale: number;
  private leaseTimer?: NodeJS.Timeout;
  private readonly routes = new Map<string, { route: TrunkRoute | null; at: number }>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly telephony: TelephonyPort,
    private readonly capacity: CapacityService,
    private readonly records: CallRecords,
    private readonly agentSessions: AgentSessionsService,
    private readonly identity: WorkerIdentity,
    private readonly queues: Queues,
    private readonly config: AppConfig,
    private readonly compliance: ComplianceService,
    private readonly lines: LinesService,
    private readonly clock: Clock,
    private readonly dispositions: DispositionsService,
    private readonly trunks: TrunksService,
  ) {
    this.timeScale = telephony.timeScale;
  }

  onModuleInit(): void {
    this.telephony.onEvent((event) => this.onTelephonyEvent(event));
    this.leaseTimer = setInterval(() => void this.renewOwnerLeases(), LEASE_RENEWAL_MS);
    this.leaseTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    for (const timer of this.timers) clearTimeout(timer);
  }

  liveCount(): number {
    return this.live.size;
  }

  holds(contactId: string): boolean {
    return this.live.has(contactId);
  }

  /** Says again, in Redis, which calls this worker holds (repairs the view after a Redis loss). */
  async reassertAll(): Promise<void> {
    for (const contact of this.live.values()) {
      await this.capacity.reassert(contact.tenantId, contact.id, this.identity.id);
    }
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
      if (!(await this.records.claimPlacing(contactId, this.identity.id))) return;
      if (row.endRequested || row.phoneNumber === null) {
        // Asked to end before it was placed (an erasure asks too, as it removes the number): it
        // never is.
        await this.endUnplaced(contactId, row.endRequested ?? 'erased');
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
        trunkId: row.trunkId,
        answeringMachine: row.autocall,
        held: heldJobData(row.autocall.seq),
      };
    }
    const live: LiveContact = {
      id: contactId,
      tenantId: contact.tenantId,
      autocallId: contact.autocallId,
      targetId: contact.targetId,
      skill: contact.skill,
      priority: contact.priority,
      trunkId: contact.trunkId,
      state: dialingContact({
        predictive: contact.mode === 'predictive',
        attempt: contact.attempt,
        retry: contact.retry,
        machinePolicy: machinePolicyOf(contact.answeringMachine),
      }),
      machineMessage: contact.answeringMachine?.machineMessage ?? null,
      held: contact.held,
      queue: Promise.resolve(),
    };
    this.live.set(contactId, live);
    try {
      // PostgreSQL decided who places it (the dispatcher's dial was stored with this worker's
      // claim, a queued dial was claimed above); Redis's view learns it, and that the line is in
      // use now, unless this worker's own reservation said so already. A reservation lost with
      // Redis comes back from PostgreSQL in the rebuild. (Waits out a Redis outage.)
      if (!contact.reservedAsPlaced) await this.capacity.reassert(contact.tenantId, contactId, this.identity.id);
    } catch (error) {
      // Not placed: this worker must not look as if it held the call; its keeper places it at a
      // later pass (keepOwnContacts: the claim is this worker's).
      this.live.delete(contactId);
      throw error;
    }
    dialsTotal.inc({ tenant: contact.tenantId });
    trunkDialsTotal.inc({ tenant: contact.tenantId, trunk: contact.trunkId ?? 'default' });
    try {
      const trunk = contact.trunkId ? await this.route(contact.trunkId) : null;
      await this.telephony.originate({
        callId: contactId,
        tenantId: contact.tenantId,
        to: contact.phoneNumber,
        // A trunk that allows only some caller ids presents its first for a dial that names none.
        from: contact.callerId ?? trunk?.callerIds[0] ?? null,
        ringTimeoutSeconds: contact.ringTimeoutSeconds,
        attempt: contact.attempt,
        trunk,
      });
    } catch (error) {
      this.logger.warn(`originate of contact ${contactId} failed: ${(error as Error).message}`);
      this.run(live, { type: 'ended', cause: 'failed', sipCode: 500, at: new Date() });
    }
  }

  /** A trunk's route for a dial, read at most every few seconds (credentials opened here only). */
  private async route(trunkId: string): Promise<TrunkRoute | null> {
    const known = this.routes.get(trunkId);
    if (known && Date.now() - known.at < TRUNK_ROUTE_TTL_MS) return known.route;
    const route = await this.trunks.route(trunkId);
    this.routes.set(trunkId, { route, at: Date.now() });
    return route;
  }

  /**
   * A contact whose worker died: its call is gone with that worker (a simulated call lives in the
   * process that placed it), so it ends as failed, its line and agent are freed, and the retry
   * policy decides what happens to the target.
   */
  async recoverLost(contactId: string): Promise<void> {
    await this.adoptAndEnd(contactId, { lost: true });
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
        if (row.end_requested && !held.state.endRequested) {
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
    if (contact) this.run(contact, { type: 'end_requested', reason });
  }

  /** Hands a waiting contact of this worker the agent the capacity service picked for it. */
  async serve(contactId: string, agentId: string): Promise<void> {
    const contact = this.live.get(contactId);
    if (contact) return this.run(contact, { type: 'served', agentId });
    await this.capacity.releaseAgent((await this.tenantOf(contactId)) ?? '', contactId).catch(() => undefined);
  }

  /**
   * Takes on a contact this worker does not hold (its worker died, or it was never placed) and ends
   * it: from its row, with what PostgreSQL knows (answered by whom, the agent on it).
   */
  private async adoptAndEnd(contactId: string, how: { lost?: boolean; endRequested?: string }): Promise<void> {
    if (this.live.has(contactId)) return;
    const row = await this.prisma.contact.findUnique({ where: { id: contactId }, include: { autocall: true } });
    if (!row) return;
    if (row.status === 'ended') {
      await this.capacity.release(row.tenantId, row.id);
      return;
    }
    // The contact becomes this worker's (its placing claim moves here), so that its old holder,
    // should it come back, can write nothing more to it; another worker that took it first wins.
    if (!(await this.records.takeOver(row.id, row.placedBy, this.identity.id))) return;
    // Its callee and agent are still on the line, in silence: hang them up (BYE, or CANCEL before
    // an answer) from the dialogs its worker stored. A storage error here leaves the contact this
    // worker's, and its keeper tries again (keepOwnContacts).
    if (how.lost) await this.telephony.endLostCall(row.id);
    const connectedAgent =
      row.status === 'connected' ? row.agentId : await this.agentOnThisCall(row.tenantId, row.agentId, row.id);
    if (connectedAgent && row.status !== 'connected') {
      // The agent took the call but its worker died before the contact said so: record the
      // connection first, so that the target ends completed (connected → completed).
      await this.records.record({
        contactId,
        to: 'connected',
        at: new Date(),
        agentId: connectedAgent,
        target: { to: 'connected' },
        holder: this.identity.id,
      });
    }
    const contact: LiveContact = {
      id: row.id,
      tenantId: row.tenantId,
      autocallId: row.autocallId,
      targetId: row.targetId,
      skill: row.skill,
      priority: row.autocall.priority,
      trunkId: row.trunkId,
      machineMessage: row.autocall.machineMessage,
      held: heldJobData(row.autocall.seq),
      state: {
        ...dialingContact({
          predictive: row.autocall.mode === 'predictive',
          attempt: row.attempt,
          retry: row.autocall.retry as RetryPolicy,
          machinePolicy: machinePolicyOf(row.autocall),
        }),
        status: connectedAgent ? 'connected' : row.status,
        answeredBy: (row.answeredBy as AnsweredBy | null) ?? null,
        answeredAt: row.answeredAt,
        detection: (row.detection as ContactState['detection']) ?? null,
        connectedAgent,
        lost: how.lost ?? false,
        endRequested: how.endRequested ?? null,
      },
      queue: Promise.resolve(),
    };
    this.live.set(contact.id, contact);
    this.run(
      contact,
      how.lost
        ? { type: 'ended', cause: 'failed', sipCode: 500, at: new Date() }
        : { type: 'ended', cause: 'cancelled', sipCode: 487, at: new Date() },
    );
    await contact.queue;
  }

  /** The agent put on this call just before its worker died, if the contact did not record it. */
  private async agentOnThisCall(tenantId: string, agentId: string | null, contactId: string): Promise<string | null> {
    if (!agentId) return null;
    const agent = await this.prisma.agent.findUnique({ where: { tenantId_id: { tenantId, id: agentId } } });
    return agent?.state === 'on_call' && agent.stateReason === `call:${contactId}` ? agentId : null;
  }

  private async tenantOf(contactId: string): Promise<string | null> {
    const row = await this.prisma.contact.findUnique({ where: { id: contactId }, select: { tenantId: true } });
    return row?.tenantId ?? null;
  }

  private onTelephonyEvent(event: TelephonyEvent): void {
    if (event.type === 'inbound_lines') {
      // A telephony adapter's report holds as long as one from the API: adapters refresh it.
      void this.lines
        .reportInbound(event.tenantId, event.inUse, INBOUND_REPORT_TTL_SECONDS)
        .then(() => this.queues.announcePool({ tenantId: event.tenantId, skill: '*' }))
        .catch((error: unknown) => this.logger.warn(`inbound line report: ${(error as Error).message}`));
      return;
    }
    const contact = this.live.get(event.callId);
    const contactEvent = contactEventOf(event);
    if (contact && contactEvent) this.run(contact, contactEvent);
  }

  /** Queues an event of the contact behind its earlier ones. */
  private run(contact: LiveContact, event: ContactEvent): void {
    contact.queue = contact.queue
      .then(() => this.drive(contact, event))
      .catch((error: unknown) => this.failed(contact, error));
  }

  /**
   * One event, and the events its effects answer with, each a step of the machine: its effects
   * are carried out in order, and tried again from the same state while storage is unavailable;
   * the contact takes the step's state only once all of them are done.
   */
  private async drive(contact: LiveContact, event: ContactEvent): Promise<void> {
    const overdue = this.waitOverdueBefore(contact, event);
    if (overdue) await this.drive(contact, overdue);
    let next: ContactEvent | null = event;
    while (next) {
      const { state, effects } = step(contact.state, next);
      next = await this.untilStored(contact, () => this.perform(contact, effects));
      contact.state = state;
    }
  }

  /** The wait's end, if it came before this event (waitOverBefore); the timer then counts as fired. */
  private waitOverdueBefore(contact: LiveContact, event: ContactEvent): ContactEvent | null {
    const overdue = waitOverBefore(contact.waitDeadline, event);
    // As if it had fired: the timer stays named, so the wait is not armed again.
    if (overdue) this.clearWait(contact, { keepNamed: true });
    return overdue;
  }

  private async perform(contact: LiveContact, effects: ContactEffect[]): Promise<ContactEvent | null> {
    let answer: ContactEvent | null = null;
    for (const effect of effects) answer = (await this.effect(contact, effect)) ?? answer;
    return answer;
  }

  /**
   * A step failed for a reason that is not storage being away (a bug, a refused write, an adapter's
   * surprise): the call must not stay held, with its line and its agent, until the worker restarts.
   * The machine's `engine_error` step hangs it up and ends it as failed (engine_error); its effects
   * are tried until done, whatever the error, with a growing pause.
   */
  private async failed(contact: LiveContact, error: unknown): Promise<void> {
    this.logger.error(`contact ${contact.id}: ${(error as Error).stack ?? error}; ending it`);
    if (!this.live.has(contact.id)) return;
    const { state, effects } = step(contact.state, { type: 'engine_error' });
    for (let pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
      try {
        await this.perform(contact, effects);
        contact.state = state;
        return;
      } catch (again) {
        this.logger.error(`contact ${contact.id}: ending it failed (${(again as Error).message}); trying again`);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /**
   * A step is kept, not dropped, while PostgreSQL or Redis is unavailable: it is tried again with a
   * growing pause (up to 5 s) until it is done, so that the call's record catches up with the call
   * once storage is back. Each effect is idempotent, so a step that half-happened changes nothing
   * twice.
   */
  private async untilStored<T>(contact: LiveContact, attempt: () => Promise<T>): Promise<T> {
    for (let pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
      try {
        return await attempt();
      } catch (error) {
        if (!isStorageUnavailable(error)) throw error;
        this.logger.warn(`contact ${contact.id}: storage unavailable; trying again in ${pause} ms`);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /** Carries out one effect; the answer of `claim_agent` and `assign_agent` is the next event. */
  private async effect(contact: LiveContact, effect: ContactEffect): Promise<ContactEvent | null> {
    const { id, tenantId } = contact;
    const answeredWithAgent = contact.answeredWithAgent;
    if (effect.type !== 'claim_agent') contact.answeredWithAgent = undefined;
    switch (effect.type) {
      case 'record': {
        const recorded = await this.records.record({
          contactId: id,
          to: effect.to,
          at: effect.at,
          answeredBy: effect.answeredBy,
          detection: effect.detection,
          agentId: effect.agentId,
          releaseAgent: effect.releaseAgent,
          target: { to: effect.to },
          holder: this.identity.id,
          // Names the call, so a recovery knows this agent is on this contact.
          agentMove:
            effect.putAgentOnCall && effect.agentId
              ? this.agentSessions.onCallMove(tenantId, effect.agentId, id)
              : undefined,
        });
        // A refusal (the agent left between the claim and the answer) does not stop the call.
        if (recorded.agentMoved && (await this.agentSessions.putOnCall(id, recorded.agentMoved)) === 'refused')
          this.logger.warn(`agent ${effect.agentId} took contact ${id} while not available`);
        if (effect.to === 'answered' && recorded.agent)
          contact.answeredWithAgent = { agentId: recorded.agent.id, endpoint: recorded.agent.endpoint };
        if (effect.to === 'connected' && effect.answeredAt)
          answerToAgentDelay.observe(this.calleeSeconds(effect.answeredAt, effect.at));
        if (recorded.contactMoved && effect.detection && effect.detection !== 'pending')
          detectionsTotal.inc({ tenant: tenantId, result: effect.detection });
        return null;
      }
      case 'record_detection': {
        const recorded = await this.records.recordDetection({
          contactId: id,
          result: effect.result,
          at: effect.at,
          answeredBy: effect.answeredBy ?? null,
          releaseAgent: effect.releaseAgent ?? false,
          holder: this.identity.id,
        });
        if (recorded && effect.result) detectionsTotal.inc({ tenant: tenantId, result: effect.result });
        return null;
      }
      case 'time_detection':
        await this.timeDetection(contact, effect.seconds, effect.answeredAt);
        return null;
      case 'play_machine_message': {
        // The AutoCall's message, else the tenant's abandon message (who called, how to decline).
        const message = contact.machineMessage ?? (await this.compliance.compliance(tenantId)).abandonMessage;
        await this.telephony.playAndHangUp(id, message);
        return null;
      }
      case 'release_agent':
        if ((await this.capacity.releaseAgent(tenantId, id)) && effect.announce) await this.announce(contact);
        return null;
      case 'hang_up':
        if (effect.bestEffort) await this.telephony.hangUp(id).catch(() => undefined);
        else await this.telephony.hangUp(id);
        return null;
      case 'claim_agent':
        return { type: 'agent_claimed', agentId: await this.capacity.claimAgent(tenantId, id, contact.skill) };
      case 'assign_agent': {
        // The agent reserved for the dial, kept by the answer's own statement: assigned already.
        if (answeredWithAgent?.agentId === effect.agentId)
          return {
            type: 'agent_assigned',
            agentId: effect.agentId,
            result: 'assigned',
            endpoint: answeredWithAgent.endpoint,
          };
        // PostgreSQL decides: the agent becomes this contact's only if available and nobody else's.
        const { result, endpoint } = await this.records.assignAgent(id, effect.agentId, this.identity.id);
        if (result === 'agent_taken')
          this.logger.warn(`contact ${id}: agent ${effect.agentId} is not free in PostgreSQL; not connected`);
        return { type: 'agent_assigned', agentId: effect.agentId, result, endpoint };
      }
      case 'withdraw_agent':
        await this.capacity.withdrawAgent(tenantId, effect.agentId);
        return null;
      case 'ring_agent':
        await this.telephony.connectToAgent(id, effect.endpoint);
        return null;
      case 'wait_for_agent':
        await this.capacity.enterWaiting(
          tenantId,
          id,
          contact.skill,
          effect.answeredAt ?? new Date(),
          this.identity.id,
        );
        // Waiting, with no agent in PostgreSQL either (one whose phone did not pick up is let go).
        await this.records.waitForAgent(id, new Date(), this.identity.id);
        return null;
      case 'time_wait':
        await this.timeWait(contact, effect.limit, effect.answeredAt ?? new Date());
        return null;
      case 'stop_wait_timer':
        this.clearWait(contact);
        return null;
      case 'agent_unavailable':
        await this.agentSessions
          .apply(
            tenantId,
            effect.agentId,
            { type: 'request_state', state: 'unavailable' },
            { reason: 'no_answer', byKeyId: null },
          )
          .catch(() => undefined);
        return null;
      case 'leave_waiting':
        await this.capacity.leaveWaiting(tenantId, id, contact.skill);
        return null;
      case 'play_abandon_message': {
        const { abandonMessage } = await this.compliance.compliance(tenantId);
        await this.telephony.playAndHangUp(id, abandonMessage);
        return null;
      }
      case 'end':
        await this.end(contact, effect);
        return null;
      case 'end_after_error': {
        const recorded = await this.records.record({
          contactId: id,
          to: 'ended',
          at: new Date(),
          cause: 'failed',
          sipCode: 500,
          holder: this.identity.id,
        });
        if (recorded.contactMoved)
          await this.records.settleTarget(contact.targetId, id, 'engine_error', effect.outcomes);
        return null;
      }
      case 'return_to_trunk':
        await this.returnToTrunk(contact, effect);
        return null;
      case 'release_line':
        await this.capacity.release(tenantId, id);
        return null;
      case 'agent_off_call': {
        // The line this end freed is announced with the agent's change, in one wake-up round trip
        // (the announce that follows is then not sent); an agent not moved announces nothing.
        const wake = [{ tenantId, skill: contact.skill }];
        const told = effect.wrapUp
          ? await this.afterCall(tenantId, effect.agentId, id, wake)
          : (await this.agentSessions.endCall(tenantId, effect.agentId, id, false, wake)) !== null;
        if (told) contact.announced = true;
        return null;
      }
      case 'announce':
        if (!contact.announced) await this.announce(contact);
        return null;
      case 'forget':
        if (contact.detectionTimer) clearTimeout(contact.detectionTimer);
        if (this.live.delete(id)) contactsEndedTotal.inc({ tenant: tenantId, outcome: effect.outcome });
        return null;
    }
  }

  /**
   * Arms the wait for a detection result signalled after the answer (once). A predictive dial's
   * wait that reaches its connect threshold is not armed: with no time left to bridge an agent,
   * the abandon clock (started at the answer) ends it, and the caller is abandoned, as the rule
   * says; a result before then decides as usual.
   */
  private async timeDetection(contact: LiveContact, seconds: number, answeredAt: Date): Promise<void> {
    if (contact.detectionTimer) return;
    if (contact.state.predictive) {
      const { connectThresholdSeconds } = await this.compliance.compliance(contact.tenantId);
      if (seconds >= connectThresholdSeconds) return;
    }
    const left = Math.max(0, seconds - this.calleeSeconds(answeredAt));
    contact.detectionTimer = this.after(left, () => this.run(contact, { type: 'detection_over' }));
  }

  /** Arms the caller's wait (once: a timer already running is kept). */
  private async timeWait(
    contact: LiveContact,
    limit: 'connect_threshold' | 'max_wait',
    answeredAt: Date,
  ): Promise<void> {
    if (contact.waitTimer) return;
    // The longest wait runs from now; a dial ahead of agents has the law's connect threshold (2 s
    // by default) from the answer. The deadline is an instant of the world, in wall time.
    let deadline = Date.now() + (this.config.get('MAX_WAIT_SECONDS') * 1000) / this.timeScale;
    if (limit === 'connect_threshold') {
      const { connectThresholdSeconds } = await this.compliance.compliance(contact.tenantId);
      deadline = answeredAt.getTime() + (connectThresholdSeconds * 1000) / this.timeScale;
    }
    const seconds = Math.max(0, ((deadline - Date.now()) / 1000) * this.timeScale);
    const reason = limit === 'connect_threshold' ? 'no_agent_within_threshold' : 'max_wait';
    contact.waitDeadline = { at: deadline, reason };
    contact.waitTimer = this.after(seconds, () => {
      contact.waitDeadline = undefined;
      this.run(contact, { type: 'wait_over', reason });
    });
  }

  /**
   * The contact and its target end, in one statement: the outcome the machine worked out, or
   * pending again when the retry policy wants another attempt and the AutoCall still dials; the
   * retry's job follows (the target row is its durable intent: the keeper holds it again if the job
   * is lost). A target whose own move is refused (its status was not what this contact believed,
   * e.g. after a crash between two writes) is still ended, never left open.
   */
  private async end(contact: LiveContact, effect: Extract<ContactEffect, { type: 'end' }>): Promise<void> {
    const { outcome, retryAfterSeconds } = effect;
    // A connected call of a tenant that uses dispositions (it has a default code: the end's own
    // statement decides) awaits the agent's disposition, which decides the target's outcome.
    const agentId = contact.state.connectedAgent;
    const mayAwait = outcome.status === 'completed' && !!agentId;
    // The agent leaves the call with it (one statement): into this call's wrap-up when it awaits a
    // disposition, else as the telephony says (a simulated agent's wrap-up, drawn now).
    const wrapUpSeconds = agentId ? this.telephony.agentWrapUpSeconds() : null;
    const recorded = await this.records.record({
      contactId: contact.id,
      to: 'ended',
      at: effect.at,
      cause: effect.cause,
      sipCode: effect.sipCode,
      answeredBy: effect.answeredBy,
      // Pending again when the retry policy wants another attempt, if the AutoCall still dials (the
      // statement decides). Business time: the retry's due time is read through the Clock port.
      target: {
        to: outcome.status,
        reason: outcome.reason,
        retryAt:
          retryAfterSeconds !== null
            ? new Date(this.clock.now().getTime() + (retryAfterSeconds * 1000) / this.timeScale)
            : null,
      },
      holder: this.identity.id,
      awaitDisposition: mayAwait ? { defaultWrapUpSeconds: DEFAULT_WRAP_UP_SECONDS, timeScale: this.timeScale } : null,
      agentOffCall: agentId
        ? this.agentSessions.offCallMoves(contact.tenantId, agentId, contact.id, wrapUpSeconds !== null)
        : undefined,
    });
    // Kept from the try that moved the agent: a retry of this step finds them moved already.
    if (recorded.agentMoved?.moved) contact.offCall = { change: recorded.agentMoved, wrapUpSeconds };
    if (recorded.awaitingDisposition) {
      // A disposition set during the call is applied at once.
      const settled = await this.dispositions.settle(contact.id);
      contact.awaiting = { wrapUpSeconds: recorded.awaitingDisposition.wrapUpSeconds * this.timeScale, settled };
      return;
    }
    if (recorded.contactMoved && !recorded.targetMoved) {
      const settled = await this.records.settleTarget(contact.targetId, contact.id, outcome.reason, [
        outcome.status,
        'failed',
        'completed',
      ]);
      this.logger.warn(`contact ${contact.id}: its target's move was refused; settled it as ${settled ?? 'it was'}`);
      return;
    }
    if (recorded.targetStatus !== 'pending' || retryAfterSeconds === null) return;
    await this.queues.retries().add(
      'retry',
      {
        tenantId: contact.tenantId,
        skill: contact.skill,
        autocallId: contact.autocallId,
        targetId: contact.targetId,
        priority: contact.priority,
        attempts: contact.state.attempt,
        held: contact.held,
      },
      { jobId: `r-${contact.targetId}-${contact.state.attempt}`, delay: (retryAfterSeconds * 1000) / this.timeScale },
    );
  }

  /**
   * The trunk sent the dial back: the contact ends uncharged and the target goes back to pending
   * (or failed, trunk_unavailable, after the tenant's bound), the trunk pauses, in one statement;
   * then the target is held again at the front of its priority class, where it was taken from, so
   * it keeps its place. The held job is named by the target's attempts, which did not change: a
   * step tried again, or the keeper's rebuild, cannot hold it twice.
   */
  private async returnToTrunk(
    contact: LiveContact,
    effect: Extract<ContactEffect, { type: 'return_to_trunk' }>,
  ): Promise<void> {
    const returned = await this.records.returnToTrunk({
      contactId: contact.id,
      at: effect.at,
      sipCode: effect.sipCode,
      pauseSeconds: effect.retryAfterSeconds,
      holder: this.identity.id,
      defaultMaxReturns: DEFAULT_MAX_TRUNK_RETURNS,
    });
    if (!returned.target) return;
    trunkOverloadsTotal.inc({
      tenant: contact.tenantId,
      trunk: returned.trunkId ?? 'default',
      outcome: returned.target,
    });
    if (returned.target !== 'pending') return;
    const pool = { tenantId: contact.tenantId, skill: contact.skill };
    await this.queues.holdTargets(pool, contact.priority, [
      { id: contact.targetId, attempts: returned.attempts, data: contact.held },
    ]);
    const job = await this.queues.held(pool).getJob(heldJobId(contact.targetId, returned.attempts));
    // At the front of its class (BullMQ's lifo for a prioritized job), as a target put back is.
    if (job) await job.changePriority({ priority: bullPriority(contact.priority), lifo: true }).catch(() => undefined);
  }

  /**
   * The agent's call is over: wrap-up, then available. A telephony that plays the agents (the
   * simulator) says how long their wrap-up lasts, and the engine ends it then; otherwise the agent
   * is available at once. A storage error fails the step, which is retried. Whether the agent's
   * change was told to the live view, with `wake`'s pools woken in the same round trip.
   */
  private async afterCall(tenantId: string, agentId: string, contactId: string, wake: WokenPool[]): Promise<boolean> {
    const live = this.live.get(contactId);
    const awaiting = live?.awaiting;
    if (awaiting) return this.wrapUpForDisposition(tenantId, agentId, contactId, awaiting, wake);
    // An agent available again wakes every pool of theirs (AgentLiveView leaves the wake-ups).
    // Taken off the call by the end's own statement, or (an end that did not say) here.
    const wrapUpSeconds = live?.offCall ? live.offCall.wrapUpSeconds : this.telephony.agentWrapUpSeconds();
    const after = live?.offCall
      ? await this.agentSessions.offCall(live.offCall.change, wake)
      : await this.agentSessions.endCall(tenantId, agentId, contactId, wrapUpSeconds !== null, wake);
    if (wrapUpSeconds !== null && after) {
      this.after(
        wrapUpSeconds,
        () => void this.agentSessions.finishWrapUp(tenantId, agentId, null).catch(() => undefined),
      );
    }
    return after !== null;
  }

  /**
   * The agent wraps up until the call's disposition is set (which releases them), or until
   * wrapUpSeconds, when the default code applies (this timer, or the keeper's pass should this
   * worker die: contacts.wrap_up_until is the durable deadline). A disposition already applied:
   * the agent is available at once. Simulated agents disposition as the simulator draws.
   */
  private async wrapUpForDisposition(
    tenantId: string,
    agentId: string,
    contactId: string,
    awaiting: { wrapUpSeconds: number; settled: boolean },
    wake: WokenPool[],
  ): Promise<boolean> {
    const offCall = this.live.get(contactId)?.offCall;
    const after = offCall
      ? await this.agentSessions.offCall(offCall.change, wake)
      : await this.agentSessions.endCall(tenantId, agentId, contactId, awaiting.settled ? false : 'disposition', wake);
    if (!after || awaiting.settled) return after !== null;
    const expire = () =>
      void this.dispositions
        .expireDue(contactId)
        .catch((error: unknown) => this.logger.warn(`wrap-up end of ${contactId}: ${(error as Error).message}`));
    // A moment past the deadline PostgreSQL wrote (its clock decides; the keeper catches a miss).
    this.after(awaiting.wrapUpSeconds + 0.05 * this.timeScale, expire);
    const simulated = this.telephony.agentDisposition();
    if (simulated?.code && simulated.afterSeconds < awaiting.wrapUpSeconds) {
      const code = simulated.code;
      this.after(simulated.afterSeconds, () => {
        void this.dispositions
          .set({ tenantId, keyId: '', role: 'agent', agentId }, contactId, { code })
          .catch((error: unknown) =>
            this.logger.warn(`simulated agent ${agentId}'s disposition ${code}: ${(error as Error).message}`),
          );
      });
    }
    return true;
  }

  /** Seconds between two instants in the callee's time (the simulator's time scale undone). */
  private calleeSeconds(from: Date, to = new Date()): number {
    return ((to.getTime() - from.getTime()) / 1_000) * this.timeScale;
  }

  private async announce(contact: LiveContact): Promise<void> {
    await this.queues.announcePool({ tenantId: contact.tenantId, skill: contact.skill }).catch(() => undefined);
  }

  /** Stops the caller's wait; `keepNamed`: its timer stays named, so the wait is not armed again. */
  private clearWait(contact: LiveContact, { keepNamed = false } = {}): void {
    if (contact.waitTimer) {
      clearTimeout(contact.waitTimer);
      this.timers.delete(contact.waitTimer);
      if (!keepNamed) contact.waitTimer = undefined;
    }
    contact.waitDeadline = undefined;
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

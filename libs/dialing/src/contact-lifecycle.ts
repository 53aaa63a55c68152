import type { AnsweredBy, DetectionResult, EndCause, TelephonyEvent } from '@autocall/telephony';
import { RetryPolicy, retryDelay, TargetStatus } from './target-status';

/**
 * The contact state machine (shared/DESIGN.md §3): the one place that says which moves of a call's
 * contact are legal, what each event of its call does (`step`), and what its end means for its
 * target (`contactOutcome`). Pure; the timeline's statements are guarded by the same moves (a move
 * it does not allow writes nothing), and the contact engine in the worker only executes the effects
 * `step` returns.
 *
 *   dialing ──▶ ringing ──▶ answered ──▶ connected ──▶ ended
 *      │           │          │  ▲            ▲
 *      │           │          ▼  │            │
 *      │           │        waiting ──────────┘
 *      └───────────┴──────────┴───────────────────▶ ended (any time before)
 *
 * `answered` with no agent at hand becomes `waiting`; a caller whose agent did not pick up goes
 * back to waiting (from `answered` or `waiting`, it stays `waiting`).
 */
export const CONTACT_STATUSES = ['dialing', 'ringing', 'answered', 'waiting', 'connected', 'ended'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

const NEXT: Record<ContactStatus, readonly ContactStatus[]> = {
  dialing: ['ringing', 'answered', 'ended'],
  ringing: ['answered', 'ended'],
  answered: ['waiting', 'connected', 'ended'],
  waiting: ['connected', 'ended'],
  connected: ['ended'],
  ended: [],
};

export function canMoveContact(from: ContactStatus, to: ContactStatus): boolean {
  return NEXT[from].includes(to);
}

/** Every status a contact may come from to reach `to` (the guard of the statement that moves it). */
export function contactSourcesOf(to: ContactStatus): ContactStatus[] {
  return CONTACT_STATUSES.filter((from) => NEXT[from].includes(to));
}

/**
 * The contact statuses of the API, its filters, webhooks and docs (DESIGN §3): the lifecycle's,
 * and `abandoned`, terminal like `ended`: a person answered and no agent took the call. The
 * lifecycle stores such a contact `ended` with its `abandoned` fact (every bound that frees a line
 * or an agent keys on `ended`); `publicContactStatus` is the one place that names it.
 */
export const PUBLIC_CONTACT_STATUSES = [...CONTACT_STATUSES, 'abandoned'] as const;
export type PublicContactStatus = (typeof PUBLIC_CONTACT_STATUSES)[number];

export function publicContactStatus(status: ContactStatus, abandoned: boolean): PublicContactStatus {
  return status === 'ended' && abandoned ? 'abandoned' : status;
}

/** The stored state (and abandoned fact) a public status filter means. */
export function storedContactFilter(status: PublicContactStatus): { status: ContactStatus; abandoned?: boolean } {
  if (status === 'abandoned') return { status: 'ended', abandoned: true };
  if (status === 'ended') return { status: 'ended', abandoned: false };
  return { status };
}

/** Contacts still in a call: every status but `ended`. */
export const OPEN_CONTACT_STATUSES: readonly ContactStatus[] = CONTACT_STATUSES.filter((s) => NEXT[s].length > 0);

/** What the engine knows of a call when it ends: what decides the outcome of its target. */
export interface CallFacts {
  /** The agent the call was connected to (recorded connected), if any. */
  connectedAgent: string | null;
  /** The worker holding the call died: the call is gone with it. */
  lost: boolean;
  /** Someone ended the contact on purpose (End a Contact, cancel with hang-up, …): why. */
  endRequested: string | null;
  answeredBy: 'human' | 'machine' | null;
  /** Answered, detection still running, nothing decided: counted a person's (the abandon clock runs). */
  answeredAt?: Date | null;
  /** The answering machine was left the AutoCall's message (machine policy `message`). */
  machineMessage?: boolean;
  /** Why the caller was abandoned (no agent within the threshold, the longest wait), if they were. */
  abandonReason: string | null;
}

export interface ContactOutcome {
  status: TargetStatus;
  reason: string;
}

/** A call that ended before anyone answered: the outcome its cause says. */
const CAUSE_OUTCOME: Record<EndCause, ContactOutcome> = {
  normal_clearing: { status: 'failed', reason: 'ended_before_answer' },
  no_answer: { status: 'no_answer', reason: 'no_answer' },
  busy: { status: 'busy', reason: 'busy' },
  rejected: { status: 'failed', reason: 'rejected' },
  unreachable: { status: 'failed', reason: 'unreachable' },
  failed: { status: 'failed', reason: 'network_failure' },
  cancelled: { status: 'cancelled', reason: 'hung_up_by_autocall' },
  // Only reached when the call was more than a dial (see `step`: a dial the trunk sent back
  // returns its target to pending instead).
  trunk_overloaded: { status: 'failed', reason: 'trunk_unavailable' },
};

/**
 * The outcome of the contact's target when its call ends, first rule that applies:
 * connected to an agent → completed (whatever ended it); lost with its worker → failed; ended on
 * purpose → cancelled; a machine answered → machine; a person answered and was hung up on by
 * AutoCall → cancelled, else abandoned (hung up waiting, or played the abandon message); nobody
 * answered → what the cause says.
 */
export function contactOutcome(facts: CallFacts, cause: EndCause): ContactOutcome {
  if (facts.connectedAgent) {
    return { status: 'completed', reason: facts.lost ? 'worker_lost' : (facts.endRequested ?? 'completed') };
  }
  if (facts.lost) return { status: 'failed', reason: 'worker_lost' };
  if (facts.endRequested) return { status: 'cancelled', reason: facts.endRequested };
  if (facts.answeredBy === 'machine')
    return { status: 'machine', reason: facts.machineMessage ? 'answering_machine_message' : 'answering_machine' };
  // Answered while detection ran: by the rule, a person (the abandon clock started at the answer).
  if (facts.answeredBy === 'human' || (facts.answeredBy === null && facts.answeredAt)) {
    if (cause === 'cancelled') return { status: 'cancelled', reason: 'hung_up_by_autocall' };
    return { status: 'abandoned', reason: facts.abandonReason ?? 'caller_hung_up_waiting' };
  }
  return CAUSE_OUTCOME[cause];
}

/**
 * What an AutoCall does with answering machines (its `machine` policy) and how long its calls wait
 * after the answer for a detection result signalled later (`detectionWaitSeconds`; 0: not at all,
 * the caller is treated as a person at once and a later result is only recorded).
 */
export interface MachinePolicy {
  machine: 'hangup' | 'message';
  detectionWaitSeconds: number;
}

export const DEFAULT_MACHINE_POLICY: MachinePolicy = { machine: 'hangup', detectionWaitSeconds: 0 };

/** An AutoCall's stored policy (its row), or the default for none. */
export function machinePolicyOf(autocall?: { machine: string; detectionWaitSeconds: number } | null): MachinePolicy {
  if (!autocall) return DEFAULT_MACHINE_POLICY;
  return {
    machine: autocall.machine === 'message' ? 'message' : 'hangup',
    detectionWaitSeconds: autocall.detectionWaitSeconds,
  };
}

/**
 * What the worker holding a call knows of its contact: everything `step` decides from. It changes
 * only once every effect of a step has been carried out (see ContactEngine), so a step that failed
 * half-way on a storage error is tried again from the same state, with the same effects, each of
 * them idempotent.
 */
export interface ContactState {
  status: ContactStatus;
  /** Dialed ahead of agents (predictive): no agent within the connect threshold means abandoned. */
  predictive: boolean;
  attempt: number;
  retry: RetryPolicy;
  /**
   * Who the engine treats the callee as: set at the answer, or once detection's result arrives (or
   * the wait for it runs out: a person). Null while detection runs after an answer.
   */
  answeredBy: AnsweredBy | null;
  answeredAt: Date | null;
  /** Answering-machine detection: running after the answer, or what it said (null: none ran). */
  detection: DetectionResult | 'pending' | null;
  machinePolicy: MachinePolicy;
  /** The answering machine is being left the AutoCall's message. */
  machineMessage: boolean;
  /** The agent whose phone is ringing for this call, until they take it or do not. */
  bridgingAgent: string | null;
  /** The agent on the call. */
  connectedAgent: string | null;
  /** The caller's wait for an agent is being timed (once per call, from its first wait). */
  timed: boolean;
  /** The caller is being abandoned (the tenant's message is playing): why. */
  abandonReason: string | null;
  /** Someone ended the contact on purpose (End a Contact, cancel with hang-up, …): why. */
  endRequested: string | null;
  /** The worker that held the call died: the call is gone with it. */
  lost: boolean;
}

/** A contact just stored as dialing, about to be placed. */
export function dialingContact(call: {
  predictive: boolean;
  attempt: number;
  retry: RetryPolicy;
  machinePolicy?: MachinePolicy;
}): ContactState {
  return {
    status: 'dialing',
    predictive: call.predictive,
    attempt: call.attempt,
    retry: call.retry,
    answeredBy: null,
    answeredAt: null,
    detection: null,
    machinePolicy: call.machinePolicy ?? DEFAULT_MACHINE_POLICY,
    machineMessage: false,
    bridgingAgent: null,
    connectedAgent: null,
    timed: false,
    abandonReason: null,
    endRequested: null,
    lost: false,
  };
}

/** What happens to a contact: its call's telephony events, and the engine's own. */
export type ContactEvent =
  | { type: 'ringing'; at: Date }
  /** answeredBy null: detection runs, its result follows (`detected`); `detection`: the answer's own result. */
  | { type: 'answered'; answeredBy: AnsweredBy | null; detection?: DetectionResult | null; at: Date }
  /** Answering-machine detection's result, signalled after the answer. */
  | { type: 'detected'; result: DetectionResult; at: Date }
  /** The wait for a detection result ran out (the AutoCall's detectionWaitSeconds): a person. */
  | { type: 'detection_over' }
  /** The answer to `claim_agent`: the agent reserved for the dial or the longest-idle one, or none. */
  | { type: 'agent_claimed'; agentId: string | null }
  /** A waiting caller was handed a free agent (the dispatcher's serving of waiting callers). */
  | { type: 'served'; agentId: string }
  /** PostgreSQL's answer to `assign_agent`, with the agent's endpoint when assigned. */
  | { type: 'agent_assigned'; agentId: string; result: 'assigned' | 'gone' | 'agent_taken'; endpoint: string | null }
  /** The agent took the call. */
  | { type: 'connected'; at: Date }
  /** The agent's phone did not take the call; the caller is still on the line. */
  | { type: 'agent_failed' }
  /** The caller's wait ran out: the longest wait, or the connect threshold of a predictive dial. */
  | { type: 'wait_over'; reason: 'max_wait' | 'no_agent_within_threshold' }
  | { type: 'end_requested'; reason: string }
  | { type: 'ended'; cause: EndCause; sipCode: number; at: Date; retryAfterSeconds?: number | null }
  /** A step failed for a reason that is not storage being away: the call must not stay held. */
  | { type: 'engine_error' };

/** When a caller's wait runs out (an instant of the world, ms), and why: set while the wait is timed. */
export interface WaitDeadline {
  at: number;
  reason: 'max_wait' | 'no_agent_within_threshold';
}

/**
 * The caller's wait ran out before this event happened, but its timer has not fired yet (the
 * answer's own step took longer than the wait, on a slow database or a loaded machine): the wait
 * is over first, as it was in the world. A detection result signalled after a predictive dial's
 * connect threshold finds its caller abandoned as a person, and a caller who hung up after it was
 * abandoned by the threshold (not by their patience), whatever the order the two reach the worker
 * in. Only events that say when they happened, and could not have happened without the caller's
 * wait running on, are ordered so (an agent who took the call did take it). Returns the event that
 * comes first, or null.
 */
export function waitOverBefore(deadline: WaitDeadline | undefined, event: ContactEvent): ContactEvent | null {
  if (!deadline || (event.type !== 'detected' && event.type !== 'ended')) return null;
  if (event.at.getTime() < deadline.at) return null;
  return { type: 'wait_over', reason: deadline.reason };
}

/** The contact's event for a telephony event of its call (none for a trunk's line report). */
export function contactEventOf(event: TelephonyEvent): ContactEvent | null {
  switch (event.type) {
    case 'ringing':
      return { type: 'ringing', at: event.at };
    case 'answered':
      return { type: 'answered', answeredBy: event.answeredBy, detection: event.detection ?? null, at: event.at };
    case 'detected':
      return { type: 'detected', result: event.result, at: event.at };
    case 'connected':
      return { type: 'connected', at: event.at };
    case 'agent_failed':
      return { type: 'agent_failed' };
    case 'ended':
      return {
        type: 'ended',
        cause: event.cause,
        sipCode: event.sipCode,
        at: event.at,
        retryAfterSeconds: event.retryAfterSeconds ?? null,
      };
    default:
      return null;
  }
}

/**
 * What the engine must do, in order. The executor (ContactEngine) carries them out; each is
 * idempotent. `claim_agent` and `assign_agent` answer with an event (`agent_claimed`,
 * `agent_assigned`), which is the next step.
 */
export type ContactEffect =
  /** The contact and its target move (one statement, guarded by both state machines). */
  | {
      type: 'record';
      to: 'ringing' | 'answered' | 'connected';
      at: Date;
      answeredBy?: AnsweredBy;
      /** The answer's own detection result, or `pending` (a result follows). */
      detection?: DetectionResult | 'pending';
      agentId?: string;
      /** The contact's agent is let go with the move (a machine answered). */
      releaseAgent?: boolean;
      /** When the person answered (for the answer-to-agent delay). */
      answeredAt?: Date | null;
      /**
       * The contact's agent is put on the call with the move (one statement; a refusal, the agent
       * having left meanwhile, does not stop the call).
       */
      putAgentOnCall?: boolean;
    }
  /**
   * Detection's result (or the engine's decision without one) is recorded on the answered contact:
   * `result` in its detection fact (null: none yet), `answeredBy` who the engine treats the callee
   * as from now on (only if not decided before); `releaseAgent`: a machine, its agent is let go.
   */
  | {
      type: 'record_detection';
      result: DetectionResult | null;
      at: Date;
      answeredBy?: AnsweredBy;
      releaseAgent?: boolean;
    }
  /** Waits this long (network seconds, from the answer) for detection's result, then `detection_over`. */
  | { type: 'time_detection'; seconds: number; answeredAt: Date }
  /** Leaves the answering machine the AutoCall's message (the announcement), then hangs up. */
  | { type: 'play_machine_message' }
  /** The agent reserved for this contact in Redis goes back to the available sets (if still reserved). */
  | { type: 'release_agent'; announce: boolean }
  | { type: 'hang_up'; bestEffort?: boolean }
  | { type: 'claim_agent' }
  | { type: 'assign_agent'; agentId: string }
  /** Not offered again until PostgreSQL says the agent is free. */
  | { type: 'withdraw_agent'; agentId: string }
  | { type: 'ring_agent'; agentId: string; endpoint: string }
  /** The caller waits for an agent (Redis's queue and PostgreSQL's status; no agent any more). */
  | { type: 'wait_for_agent'; answeredAt: Date | null }
  | { type: 'time_wait'; limit: 'connect_threshold' | 'max_wait'; answeredAt: Date | null }
  | { type: 'stop_wait_timer' }
  /** An agent whose phone did not pick up is made unavailable (redirect on no answer). */
  | { type: 'agent_unavailable'; agentId: string }
  | { type: 'leave_waiting' }
  | { type: 'play_abandon_message' }
  /** The contact ends, its target with the outcome (or pending again for a retry, then re-held). */
  | {
      type: 'end';
      cause: EndCause;
      sipCode: number;
      at: Date;
      outcome: ContactOutcome;
      retryAfterSeconds: number | null;
      /** Ended while detection ran, nothing decided: recorded a person's answer (abandon accounting). */
      answeredBy?: AnsweredBy;
    }
  /**
   * The trunk sent the dial back (overload): the contact ends uncharged, its target goes back to
   * pending at its place (or failed, trunk_unavailable, after the tenant's bound), the trunk pauses.
   */
  | { type: 'return_to_trunk'; sipCode: number; at: Date; retryAfterSeconds: number | null }
  /** The end after an engine error: failed (engine_error), completed if an agent had the call. */
  | { type: 'end_after_error'; outcomes: TargetStatus[] }
  | { type: 'release_line' }
  /** The agent's part in the call ends: wrap-up as the telephony says, or none. */
  | { type: 'agent_off_call'; agentId: string; wrapUp: boolean }
  /** The contact's pool is woken (capacity may have been freed). */
  | { type: 'announce' }
  /** The worker stops holding the call. */
  | { type: 'forget'; outcome: TargetStatus };

export interface ContactStep {
  state: ContactState;
  effects: ContactEffect[];
}

const nothing = (state: ContactState): ContactStep => ({ state, effects: [] });

/** A caller who may yet be given an agent (a person, or not yet known not to be). */
const awaitsAgent = (state: ContactState) =>
  (state.status === 'answered' || state.status === 'waiting') &&
  !state.abandonReason &&
  !state.connectedAgent &&
  state.answeredBy !== 'machine';

/**
 * Answered, and detection runs (its result follows). With a wait for it (detectionWaitSeconds),
 * the agent reserved for the dial stays reserved while the caller waits for the result, timed from
 * the answer like any wait for an agent (the abandon clock: the connect threshold of a predictive
 * dial, which the detection delay counts in); without one, the callee is a person at once.
 */
function detectionRuns(state: ContactState, at: Date): ContactStep {
  const next: ContactState = { ...state, status: 'answered', answeredBy: null, answeredAt: at, detection: 'pending' };
  const record: ContactEffect = { type: 'record', to: 'answered', at, detection: 'pending' };
  const wait = state.machinePolicy.detectionWaitSeconds;
  if (wait <= 0)
    return {
      state: { ...next, answeredBy: 'human' },
      effects: [{ ...record, answeredBy: 'human' }, { type: 'claim_agent' }],
    };
  return {
    state: { ...next, timed: true },
    effects: [
      record,
      { type: 'time_detection', seconds: wait, answeredAt: at },
      { type: 'time_wait', limit: state.predictive ? 'connect_threshold' : 'max_wait', answeredAt: at },
    ],
  };
}

/** A machine answered: its agent goes back, then the AutoCall's policy (hang up, or leave the message). */
function machineAnswered(state: ContactState, record: ContactEffect[]): ContactStep {
  const message = state.machinePolicy.machine === 'message';
  return {
    state: { ...state, machineMessage: message },
    effects: [
      ...record,
      { type: 'release_agent', announce: true },
      message ? { type: 'play_machine_message' } : { type: 'hang_up' },
    ],
  };
}

/**
 * The contact's life, one event at a time: the state it moves to and what the engine must do.
 *
 * - Ringing and answered are recorded (contact and target). A machine's answer lets the reserved
 *   agent go and hangs up; a person's answer claims an agent: the one reserved for the dial, else
 *   the longest-idle one, unless a caller waits longer.
 * - An agent claimed or served is assigned in PostgreSQL first (which refuses an agent not free
 *   there), and only then is their phone rung. A refused agent is withdrawn and another claimed.
 * - No agent: the caller waits, timed once from the answer (the connect threshold when dialed
 *   ahead of agents, else the longest wait); when the time runs out the message plays and the call
 *   is hung up (abandoned).
 * - The agent takes the call: on the call, recorded connected. The agent's phone does not pick up:
 *   that agent becomes unavailable and the caller claims another, keeping their place and time.
 * - The call ends: its outcome (contactOutcome), a retry if the policy wants one, the line and the
 *   agent freed, the pool woken.
 */
export function step(state: ContactState, event: ContactEvent): ContactStep {
  if (state.status === 'ended') {
    // Over: an agent handed to it now goes straight back.
    return event.type === 'served' || (event.type === 'agent_claimed' && event.agentId)
      ? { state, effects: [{ type: 'release_agent', announce: true }] }
      : nothing(state);
  }
  switch (event.type) {
    case 'ringing':
      if (!canMoveContact(state.status, 'ringing')) return nothing(state);
      return { state: { ...state, status: 'ringing' }, effects: [{ type: 'record', to: 'ringing', at: event.at }] };

    case 'answered': {
      if (!canMoveContact(state.status, 'answered')) return nothing(state);
      if (event.answeredBy === null) return detectionRuns(state, event.at);
      const machine = event.answeredBy === 'machine';
      const next: ContactState = {
        ...state,
        status: 'answered',
        answeredBy: event.answeredBy,
        answeredAt: event.at,
        detection: event.detection ?? null,
      };
      const record: ContactEffect = {
        type: 'record',
        to: 'answered',
        at: event.at,
        answeredBy: event.answeredBy,
        ...(event.detection ? { detection: event.detection } : {}),
        releaseAgent: machine,
      };
      // No agent for an answering machine: the one reserved goes back (waking their other skills
      // too), and the AutoCall's machine policy applies.
      if (machine) return machineAnswered(next, [record]);
      return { state: next, effects: [record, { type: 'claim_agent' }] };
    }

    case 'detected': {
      if (state.detection !== 'pending') return nothing(state);
      const next: ContactState = { ...state, detection: event.result };
      // Decided already (the wait ran out, or none was wanted): the result is only recorded.
      if (state.answeredBy !== null)
        return { state: next, effects: [{ type: 'record_detection', result: event.result, at: event.at }] };
      if (event.result === 'machine')
        return machineAnswered({ ...next, answeredBy: 'machine' }, [
          { type: 'record_detection', result: 'machine', at: event.at, answeredBy: 'machine', releaseAgent: true },
          { type: 'stop_wait_timer' },
        ]);
      // A person, or detection could not tell (`unknown`: a person).
      return {
        state: { ...next, answeredBy: 'human' },
        effects: [
          { type: 'record_detection', result: event.result, at: event.at, answeredBy: 'human' },
          { type: 'claim_agent' },
        ],
      };
    }

    case 'detection_over':
      if (state.detection !== 'pending' || state.answeredBy !== null || !state.answeredAt) return nothing(state);
      // No result in time: a person (the abandon clock has been running since the answer).
      return {
        state: { ...state, answeredBy: 'human' },
        effects: [
          { type: 'record_detection', result: null, at: state.answeredAt, answeredBy: 'human' },
          { type: 'claim_agent' },
        ],
      };

    case 'agent_claimed':
      if (!awaitsAgent(state))
        return { state, effects: event.agentId ? [{ type: 'release_agent', announce: false }] : [] };
      if (event.agentId) return { state, effects: [{ type: 'assign_agent', agentId: event.agentId }] };
      return {
        state: { ...state, status: 'waiting', timed: true },
        effects: [
          { type: 'wait_for_agent', answeredAt: state.answeredAt },
          ...(state.timed
            ? []
            : [
                {
                  type: 'time_wait',
                  limit: state.predictive ? 'connect_threshold' : 'max_wait',
                  answeredAt: state.answeredAt,
                } as const,
              ]),
        ],
      };

    case 'served':
      // Served while being abandoned (the message is playing), or already given one: it goes back.
      if (!awaitsAgent(state) || state.bridgingAgent)
        return { state, effects: [{ type: 'release_agent', announce: false }] };
      return { state, effects: [{ type: 'assign_agent', agentId: event.agentId }] };

    case 'agent_assigned':
      switch (event.result) {
        case 'assigned':
          return {
            state: { ...state, bridgingAgent: event.agentId },
            effects: [{ type: 'ring_agent', agentId: event.agentId, endpoint: event.endpoint ?? '' }],
          };
        case 'gone':
          return { state, effects: [{ type: 'release_agent', announce: false }] };
        case 'agent_taken':
          // Redis offered an agent PostgreSQL says is not free: not offered again until they are;
          // another agent, or the caller waits.
          return {
            state,
            effects: [
              { type: 'release_agent', announce: false },
              { type: 'withdraw_agent', agentId: event.agentId },
              { type: 'claim_agent' },
            ],
          };
      }
      return nothing(state);

    case 'connected': {
      const agentId = state.bridgingAgent;
      if (!agentId || !canMoveContact(state.status, 'connected')) return nothing(state);
      // The agent picked up after the caller's wait ran out and the abandon message began: the
      // call is being abandoned, not connected; the agent is free again at once.
      if (state.abandonReason)
        return { state: { ...state, bridgingAgent: null }, effects: [{ type: 'release_agent', announce: true }] };
      return {
        state: { ...state, status: 'connected', bridgingAgent: null, connectedAgent: agentId },
        effects: [
          { type: 'stop_wait_timer' },
          // The agent is on this call (by the contact's own statement) before the reservation
          // ends: never offered in between.
          {
            type: 'record',
            to: 'connected',
            at: event.at,
            agentId,
            answeredAt: state.answeredAt,
            putAgentOnCall: true,
          },
          { type: 'release_agent', announce: false },
        ],
      };
    }

    case 'agent_failed': {
      const agentId = state.bridgingAgent;
      // The caller keeps their place and their time: the wait counts from the answer.
      return {
        state: { ...state, bridgingAgent: null },
        effects: [
          { type: 'release_agent', announce: false },
          ...(agentId ? [{ type: 'agent_unavailable', agentId } as const] : []),
          { type: 'claim_agent' },
        ],
      };
    }

    case 'wait_over':
      if (state.connectedAgent || state.abandonReason || state.answeredBy === 'machine') return nothing(state);
      // No longer waiting (the next free agent goes to the next caller), then the message. A
      // callee still being detected when the time runs out is abandoned as a person.
      return {
        state: { ...state, abandonReason: event.reason, answeredBy: state.answeredBy ?? 'human' },
        effects: [
          // Its reserved agent, kept for the result, goes back.
          ...(state.answeredBy === null && state.answeredAt
            ? [
                { type: 'record_detection', result: null, at: state.answeredAt, answeredBy: 'human' } as const,
                { type: 'release_agent', announce: true } as const,
              ]
            : []),
          { type: 'leave_waiting' },
          { type: 'play_abandon_message' },
        ],
      };

    case 'end_requested':
      return { state: { ...state, endRequested: state.endRequested ?? event.reason }, effects: [{ type: 'hang_up' }] };

    case 'ended': {
      if (
        event.cause === 'trunk_overloaded' &&
        state.status === 'dialing' &&
        !state.lost &&
        !state.endRequested &&
        !state.connectedAgent
      ) {
        // The number was never reached: nothing is charged to it; the trunk pauses instead.
        return {
          state: { ...state, status: 'ended', timed: false },
          effects: [
            { type: 'stop_wait_timer' },
            {
              type: 'return_to_trunk',
              sipCode: event.sipCode,
              at: event.at,
              retryAfterSeconds: event.retryAfterSeconds ?? null,
            },
            { type: 'release_line' },
            { type: 'announce' },
            { type: 'forget', outcome: 'pending' },
          ],
        };
      }
      const outcome = contactOutcome(state, event.cause);
      const agentId = state.connectedAgent;
      const undecided = state.answeredBy === null && state.answeredAt !== null;
      return {
        state: { ...state, status: 'ended', timed: false },
        effects: [
          { type: 'stop_wait_timer' },
          {
            type: 'end',
            cause: event.cause,
            sipCode: event.sipCode,
            at: event.at,
            outcome,
            retryAfterSeconds: retryDelay(state.retry, outcome.status, state.attempt),
            ...(undecided ? { answeredBy: 'human' as const } : {}),
          },
          { type: 'release_line' },
          ...(agentId ? [{ type: 'agent_off_call', agentId, wrapUp: true } as const] : []),
          { type: 'announce' },
          { type: 'forget', outcome: outcome.status },
        ],
      };
    }

    case 'engine_error': {
      const agentId = state.connectedAgent;
      return {
        state: { ...state, status: 'ended', timed: false },
        effects: [
          { type: 'stop_wait_timer' },
          { type: 'hang_up', bestEffort: true },
          { type: 'end_after_error', outcomes: agentId ? ['completed', 'failed'] : ['failed', 'completed'] },
          { type: 'release_line' },
          ...(agentId ? [{ type: 'agent_off_call', agentId, wrapUp: false } as const] : []),
          { type: 'announce' },
          { type: 'forget', outcome: 'failed' },
        ],
      };
    }
  }
}

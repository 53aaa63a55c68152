import type { EndCause } from '@autocall/telephony';
import type { TargetStatus } from './target-status';

/**
 * The contact state machine (shared/DESIGN.md §3): the one place that says which moves of a call's
 * contact are legal, and what its end means for its target. Pure; the timeline's statements are
 * guarded by it (a move it does not allow writes nothing), and the contact engine in the worker
 * executes it.
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
  if (facts.answeredBy === 'machine') return { status: 'machine', reason: 'answering_machine' };
  if (facts.answeredBy === 'human') {
    if (cause === 'cancelled') return { status: 'cancelled', reason: 'hung_up_by_autocall' };
    return { status: 'abandoned', reason: facts.abandonReason ?? 'caller_hung_up_waiting' };
  }
  return CAUSE_OUTCOME[cause];
}

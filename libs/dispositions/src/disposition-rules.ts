/**
 * What a disposition does: pure rules, no I/O. A tenant's codes each have a kind:
 * - final: the target ends completed, carrying the code;
 * - retry: the target goes back to pending after the code's delay (its next dial is an attempt
 *   more), while it has attempts left and its AutoCall still dials; else it ends completed;
 * - callback: the target ends completed and a callback is scheduled (owned by the agent if asked);
 * - do_not_call: the number joins the tenant's call stops and the target ends completed.
 */
export const DISPOSITION_KINDS = ['final', 'retry', 'callback', 'do_not_call'] as const;
export type DispositionKind = (typeof DISPOSITION_KINDS)[number];

/** Who set a disposition: the role of the key, or `default` when nobody did within the wrap-up. */
export const DISPOSITION_SETTERS = ['agent', 'supervisor', 'integrator', 'admin', 'default'] as const;
export type DispositionSetter = (typeof DISPOSITION_SETTERS)[number];

export interface DispositionRule {
  code: string;
  kind: DispositionKind;
  retryDelaySeconds: number | null;
  retryMaxAttempts: number | null;
}

/** The target's move a disposition asks for. `delaySeconds` in the network's seconds. */
export type TargetMove =
  | { to: 'completed'; reason: 'completed' | 'do_not_call' | 'callback_scheduled' | 'retry_limit_reached' }
  | { to: 'pending'; reason: 'disposition_retry'; delaySeconds: number };

/**
 * The move of the target of a contact whose disposition is `rule` (null: a code deleted since,
 * or no code at all: the tenant removed its default; the target simply completes).
 */
export function targetMoveOf(
  rule: DispositionRule | null,
  target: { attempts: number; autocallActive: boolean },
): TargetMove {
  switch (rule?.kind) {
    case 'do_not_call':
      return { to: 'completed', reason: 'do_not_call' };
    case 'callback':
      return { to: 'completed', reason: 'callback_scheduled' };
    case 'retry':
      // An AutoCall cancelled meanwhile dials no more: the target simply completes.
      if (!target.autocallActive) return { to: 'completed', reason: 'completed' };
      if (target.attempts < (rule.retryMaxAttempts ?? 1))
        return { to: 'pending', reason: 'disposition_retry', delaySeconds: rule.retryDelaySeconds ?? 0 };
      return { to: 'completed', reason: 'retry_limit_reached' };
    default:
      return { to: 'completed', reason: 'completed' };
  }
}

/** Why a disposition cannot be set on a contact now (409), or null when it can. */
export type SetRefusal = 'already_set' | 'not_connected' | 'closed';

export const SET_REFUSALS: Record<SetRefusal, string> = {
  already_set: 'This contact has a disposition already; it is set once.',
  not_connected: 'This contact was never connected to an agent: there is nothing to disposition.',
  closed:
    "This contact's wrap-up is over (its default disposition applies), or its call ended before dispositions were in use.",
};

/**
 * From the moment the call is connected until its wrap-up ends (wrap_up_until, after which the
 * default code applies); a call still in progress has no wrap-up yet.
 */
export function setRefusal(
  contact: { connectedAt: Date | null; ended: boolean; disposition: string | null; wrapUpUntil: Date | null },
  now: Date,
): SetRefusal | null {
  if (contact.disposition !== null) return 'already_set';
  if (contact.connectedAt === null) return 'not_connected';
  if (!contact.ended) return null;
  if (contact.wrapUpUntil === null || contact.wrapUpUntil.getTime() <= now.getTime()) return 'closed';
  return null;
}

/**
 * The agent state machine: the one place that says which agent state changes are legal.
 *
 *   logged_out ──log in──▶ available ⇄ unavailable
 *        ▲                    │  ▲          ▲
 *        │                connect │ wrap-up done / ready
 *        │                    ▼  │          │
 *   (log out or           on_call ──call ended──▶ wrap_up
 *    terminate, from
 *    any logged-in state)
 */
export const AGENT_STATES = ['logged_out', 'available', 'unavailable', 'on_call', 'wrap_up'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** States an agent (or a supervisor for it) may ask for; the others are set by AutoCall itself. */
export const REQUESTABLE_STATES = ['available', 'unavailable'] as const;
export type RequestableState = (typeof REQUESTABLE_STATES)[number];

export type AgentCommand =
  | { type: 'log_in'; state: RequestableState }
  /**
   * `dispositionOwed`: the agent is in wrap-up after a call whose disposition is required (tenant
   * setting requireDisposition) and not set yet; they cannot leave wrap-up for now.
   */
  | { type: 'request_state'; state: RequestableState; dispositionOwed?: boolean }
  | { type: 'connect_call' }
  | { type: 'end_call'; wrapUp: boolean }
  | { type: 'finish_wrap_up' }
  | { type: 'log_out' };

export type TransitionResult =
  | { ok: true; state: AgentState }
  | {
      ok: false;
      reason:
        | 'not_logged_in'
        | 'already_logged_in'
        | 'on_call'
        | 'not_available'
        | 'not_on_call'
        | 'not_in_wrap_up'
        | 'disposition_required';
    };

export function isLoggedIn(state: AgentState): boolean {
  return state !== 'logged_out';
}

export function transition(current: AgentState, command: AgentCommand): TransitionResult {
  switch (command.type) {
    case 'log_in':
      return current === 'logged_out' ? { ok: true, state: command.state } : { ok: false, reason: 'already_logged_in' };
    case 'request_state':
      if (current === 'logged_out') return { ok: false, reason: 'not_logged_in' };
      // Ending a call is AutoCall's job; an agent on a call changes state after it, in wrap-up.
      if (current === 'on_call') return { ok: false, reason: 'on_call' };
      if (current === 'wrap_up' && command.dispositionOwed) return { ok: false, reason: 'disposition_required' };
      return { ok: true, state: command.state };
    case 'connect_call':
      // From unavailable too: an agent who asked to be unavailable while a call was already being
      // connected to them (their phone ringing) is on that call once they take it.
      return current === 'available' || current === 'unavailable'
        ? { ok: true, state: 'on_call' }
        : { ok: false, reason: 'not_available' };
    case 'end_call':
      return current === 'on_call'
        ? { ok: true, state: command.wrapUp ? 'wrap_up' : 'available' }
        : { ok: false, reason: 'not_on_call' };
    case 'finish_wrap_up':
      return current === 'wrap_up' ? { ok: true, state: 'available' } : { ok: false, reason: 'not_in_wrap_up' };
    case 'log_out':
      return isLoggedIn(current) ? { ok: true, state: 'logged_out' } : { ok: false, reason: 'not_logged_in' };
  }
}

export const TRANSITION_REFUSALS: Record<Extract<TransitionResult, { ok: false }>['reason'], string> = {
  not_logged_in: 'The agent has no active session.',
  already_logged_in: 'The agent already has an active session.',
  on_call: 'The agent is on a call; its state can change once the call has ended.',
  not_available: 'The agent is not available.',
  not_on_call: 'The agent is not on a call.',
  not_in_wrap_up: 'The agent is not in wrap-up.',
  disposition_required:
    "The agent is in wrap-up and this tenant requires a disposition: set the call's disposition first (POST /v1/contacts/{contactId}/disposition).",
};

/**
 * A change AutoCall makes on a call's behalf, as one guarded statement needs it: the states it may
 * come from and the one state it leads to, both read off `transition` (never restated).
 */
export function engineMove(command: AgentCommand): { sources: AgentState[]; to: AgentState } {
  const results = AGENT_STATES.map((state) => ({ state, result: transition(state, command) }));
  const sources = results.filter((r) => r.result.ok).map((r) => r.state);
  const targets = new Set(results.flatMap((r) => (r.result.ok ? [r.result.state] : [])));
  if (targets.size !== 1) throw new Error(`${command.type} has no single resulting state`);
  return { sources, to: [...targets][0] };
}

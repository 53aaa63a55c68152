import { engineMove, AGENT_STATES, AgentState, transition } from './agent-state';

describe('agent state machine', () => {
  it('logs an agent in to the state it asks for, and only once', () => {
    expect(transition('logged_out', { type: 'log_in', state: 'available' })).toEqual({ ok: true, state: 'available' });
    expect(transition('unavailable', { type: 'log_in', state: 'available' })).toEqual({
      ok: false,
      reason: 'already_logged_in',
    });
  });

  it('lets a logged-in agent switch between available and unavailable, but not during a call', () => {
    expect(transition('available', { type: 'request_state', state: 'unavailable' })).toMatchObject({ ok: true });
    expect(transition('wrap_up', { type: 'request_state', state: 'available' })).toMatchObject({ ok: true });
    expect(transition('on_call', { type: 'request_state', state: 'unavailable' })).toEqual({
      ok: false,
      reason: 'on_call',
    });
    expect(transition('logged_out', { type: 'request_state', state: 'available' })).toEqual({
      ok: false,
      reason: 'not_logged_in',
    });
  });

  it('follows a call: available → on_call → wrap_up → available', () => {
    expect(transition('available', { type: 'connect_call' })).toEqual({ ok: true, state: 'on_call' });
    // A call already being connected when the agent went unavailable still reaches them.
    expect(transition('unavailable', { type: 'connect_call' })).toEqual({ ok: true, state: 'on_call' });
    expect(transition('wrap_up', { type: 'connect_call' })).toEqual({ ok: false, reason: 'not_available' });
    expect(transition('on_call', { type: 'connect_call' })).toEqual({ ok: false, reason: 'not_available' });
    expect(transition('on_call', { type: 'end_call', wrapUp: true })).toEqual({ ok: true, state: 'wrap_up' });
    expect(transition('on_call', { type: 'end_call', wrapUp: false })).toEqual({ ok: true, state: 'available' });
    expect(transition('wrap_up', { type: 'finish_wrap_up' })).toEqual({ ok: true, state: 'available' });
  });

  it('keeps an agent in wrap-up while the call owes its required disposition', () => {
    expect(transition('wrap_up', { type: 'request_state', state: 'available', dispositionOwed: true })).toEqual({
      ok: false,
      reason: 'disposition_required',
    });
    expect(transition('wrap_up', { type: 'request_state', state: 'unavailable', dispositionOwed: true }).ok).toBe(
      false,
    );
    expect(transition('wrap_up', { type: 'request_state', state: 'available', dispositionOwed: false })).toEqual({
      ok: true,
      state: 'available',
    });
    // Logging out is always possible (the default code applies at the wrap-up's end).
    expect(transition('wrap_up', { type: 'log_out' })).toEqual({ ok: true, state: 'logged_out' });
  });

  it('logs out from every logged-in state', () => {
    const loggedIn = AGENT_STATES.filter((s): s is Exclude<AgentState, 'logged_out'> => s !== 'logged_out');
    for (const state of loggedIn)
      expect(transition(state, { type: 'log_out' })).toEqual({ ok: true, state: 'logged_out' });
    expect(transition('logged_out', { type: 'log_out' })).toEqual({ ok: false, reason: 'not_logged_in' });
  });
});

describe('engineMove: the changes AutoCall makes, as one guarded statement', () => {
  it('reads its sources and its one result off the state machine', () => {
    expect(engineMove({ type: 'connect_call' })).toEqual({ sources: ['available', 'unavailable'], to: 'on_call' });
    expect(engineMove({ type: 'end_call', wrapUp: true })).toEqual({ sources: ['on_call'], to: 'wrap_up' });
    expect(engineMove({ type: 'end_call', wrapUp: false })).toEqual({ sources: ['on_call'], to: 'available' });
    expect(engineMove({ type: 'finish_wrap_up' })).toEqual({ sources: ['wrap_up'], to: 'available' });
  });
});

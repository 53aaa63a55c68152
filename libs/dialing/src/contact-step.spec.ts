import {
  ContactEvent,
  ContactState,
  CONTACT_STATUSES,
  dialingContact,
  step,
  waitOverBefore,
} from './contact-lifecycle';

const T0 = new Date('2026-03-01T10:00:00Z');
const T1 = new Date('2026-03-01T10:00:05Z');
const T2 = new Date('2026-03-01T10:00:09Z');

const fresh = (over: Partial<ContactState> = {}): ContactState => ({
  ...dialingContact({ predictive: false, attempt: 1, retry: {} }),
  ...over,
});
const answered = (over: Partial<ContactState> = {}) =>
  fresh({ status: 'answered', answeredBy: 'human', answeredAt: T0, ...over });
const waiting = (over: Partial<ContactState> = {}) => answered({ status: 'waiting', timed: true, ...over });
const types = (state: ContactState, event: ContactEvent) => step(state, event).effects.map((e) => e.type);

/** Runs events one after the other, feeding the answers of claim/assign in as the executor does. */
function play(state: ContactState, events: ContactEvent[]) {
  const effects: string[] = [];
  for (const event of events) {
    const next = step(state, event);
    effects.push(...next.effects.map((e) => e.type));
    state = next.state;
  }
  return { state, effects };
}

describe('the contact state machine: step(state, event)', () => {
  it('records ringing, once, only from dialing', () => {
    expect(step(fresh(), { type: 'ringing', at: T0 })).toEqual({
      state: fresh({ status: 'ringing' }),
      effects: [{ type: 'record', to: 'ringing', at: T0 }],
    });
    for (const status of ['ringing', 'answered', 'waiting', 'connected'] as const)
      expect(types(fresh({ status }), { type: 'ringing', at: T0 })).toEqual([]);
  });

  it("claims an agent for a person's answer, and lets the agent go and hangs up on a machine", () => {
    const person = step(fresh({ status: 'ringing' }), { type: 'answered', answeredBy: 'human', at: T0 });
    expect(person.state).toEqual(answered());
    expect(person.effects).toEqual([
      { type: 'record', to: 'answered', at: T0, answeredBy: 'human', releaseAgent: false },
      { type: 'claim_agent' },
    ]);
    const machine = step(fresh(), { type: 'answered', answeredBy: 'machine', at: T0 });
    expect(machine.state.answeredBy).toBe('machine');
    expect(machine.effects).toEqual([
      { type: 'record', to: 'answered', at: T0, answeredBy: 'machine', releaseAgent: true },
      { type: 'release_agent', announce: true },
      { type: 'hang_up' },
    ]);
    // A second answer (a retried event) does nothing.
    expect(types(answered(), { type: 'answered', answeredBy: 'human', at: T1 })).toEqual([]);
  });

  it('assigns a claimed agent in PostgreSQL before ringing their phone', () => {
    expect(step(answered(), { type: 'agent_claimed', agentId: 'ann' }).effects).toEqual([
      { type: 'assign_agent', agentId: 'ann' },
    ]);
    const assigned = step(answered(), {
      type: 'agent_assigned',
      agentId: 'ann',
      result: 'assigned',
      endpoint: 'sip:ann',
    });
    expect(assigned.state.bridgingAgent).toBe('ann');
    expect(assigned.effects).toEqual([{ type: 'ring_agent', agentId: 'ann', endpoint: 'sip:ann' }]);
  });

  it('withdraws an agent PostgreSQL refuses and claims another; lets go of one when the contact is gone', () => {
    expect(
      types(answered(), { type: 'agent_assigned', agentId: 'ann', result: 'agent_taken', endpoint: null }),
    ).toEqual(['release_agent', 'withdraw_agent', 'claim_agent']);
    expect(types(answered(), { type: 'agent_assigned', agentId: 'ann', result: 'gone', endpoint: null })).toEqual([
      'release_agent',
    ]);
  });

  it('makes the caller wait when no agent is free, timed once from the answer', () => {
    const first = step(answered(), { type: 'agent_claimed', agentId: null });
    expect(first.state).toEqual(waiting());
    expect(first.effects).toEqual([
      { type: 'wait_for_agent', answeredAt: T0 },
      { type: 'time_wait', limit: 'max_wait', answeredAt: T0 },
    ]);
    // Waiting again (their agent did not pick up): the same timer goes on.
    expect(types(waiting(), { type: 'agent_claimed', agentId: null })).toEqual(['wait_for_agent']);
    // Dialed ahead of agents: the connect threshold.
    const paced = step(answered({ predictive: true }), { type: 'agent_claimed', agentId: null });
    expect(paced.effects[1]).toEqual({ type: 'time_wait', limit: 'connect_threshold', answeredAt: T0 });
  });

  it('connects: recorded with the agent on the call, before the reservation ends', () => {
    const next = step(waiting({ bridgingAgent: 'ann' }), { type: 'connected', at: T1 });
    expect(next.state).toEqual(waiting({ status: 'connected', bridgingAgent: null, connectedAgent: 'ann' }));
    expect(next.effects).toEqual([
      { type: 'stop_wait_timer' },
      { type: 'record', to: 'connected', at: T1, agentId: 'ann', answeredAt: T0, putAgentOnCall: true },
      { type: 'release_agent', announce: false },
    ]);
    // No agent being connected (a late or repeated event): nothing.
    expect(types(answered(), { type: 'connected', at: T1 })).toEqual([]);
    expect(types(answered({ status: 'connected', connectedAgent: 'ann' }), { type: 'connected', at: T1 })).toEqual([]);
  });

  it('makes an agent whose phone did not pick up unavailable, and claims another for the caller', () => {
    const next = step(answered({ bridgingAgent: 'ann' }), { type: 'agent_failed' });
    expect(next.state.bridgingAgent).toBeNull();
    expect(next.effects).toEqual([
      { type: 'release_agent', announce: false },
      { type: 'agent_unavailable', agentId: 'ann' },
      { type: 'claim_agent' },
    ]);
  });

  it('abandons a caller whose wait ran out: out of the queue, then the message; once', () => {
    const next = step(waiting(), { type: 'wait_over', reason: 'max_wait' });
    expect(next.state.abandonReason).toBe('max_wait');
    expect(next.effects).toEqual([{ type: 'leave_waiting' }, { type: 'play_abandon_message' }]);
    expect(types(next.state, { type: 'wait_over', reason: 'max_wait' })).toEqual([]);
    expect(
      types(answered({ status: 'connected', connectedAgent: 'ann' }), { type: 'wait_over', reason: 'max_wait' }),
    ).toEqual([]);
    // An agent served to a caller being abandoned goes straight back.
    expect(types(next.state, { type: 'served', agentId: 'bob' })).toEqual(['release_agent']);
    expect(types(next.state, { type: 'agent_claimed', agentId: 'bob' })).toEqual(['release_agent']);
  });

  it('orders a hang-up or a detection result that came after the wait ran out behind the wait, before its timer fired', () => {
    // A predictive dial answered at T0 with a connect threshold of 2 s: the deadline is T0 + 2 s.
    const deadline = { at: T0.getTime() + 2_000, reason: 'no_agent_within_threshold' as const };
    const hungUpAt = (at: Date): ContactEvent => ({ type: 'ended', cause: 'normal_clearing', sipCode: 200, at });
    const caller = waiting({ predictive: true });
    /** What the executor drives: the wait's end first when it was overdue, then the event; the end's outcome. */
    const outcomeOf = (event: ContactEvent) => {
      const first = waitOverBefore(deadline, event);
      let state = caller;
      const effects = [];
      for (const next of first ? [first, event] : [event]) {
        const stepped = step(state, next);
        effects.push(...stepped.effects);
        state = stepped.state;
      }
      const end = effects.find((e) => e.type === 'end');
      return end?.type === 'end' ? end.outcome : null;
    };
    // Hung up after the threshold (T1 = T0 + 5 s) while the answer's step still ran: the threshold
    // abandoned the caller, and the end says so.
    expect(outcomeOf(hungUpAt(T1))).toEqual({ status: 'abandoned', reason: 'no_agent_within_threshold' });
    // Hung up within the threshold: their own patience ran out.
    expect(outcomeOf(hungUpAt(new Date(T0.getTime() + 1_000)))).toEqual({
      status: 'abandoned',
      reason: 'caller_hung_up_waiting',
    });
    // A detection result after the threshold is ordered the same way; an agent taking the call,
    // or an event without an instant, never is.
    expect(waitOverBefore(deadline, { type: 'detected', result: 'machine', at: T1 })).toEqual({
      type: 'wait_over',
      reason: 'no_agent_within_threshold',
    });
    expect(waitOverBefore(deadline, { type: 'connected', at: T1 })).toBeNull();
    expect(waitOverBefore(deadline, { type: 'agent_failed' })).toBeNull();
    expect(waitOverBefore(undefined, hungUpAt(T1))).toBeNull();
  });

  it('never connects an agent whose phone picked up after the abandon message began', () => {
    // The agent was ringing when the wait ran out: the message plays, the caller is abandoned.
    const ringing = waiting({ bridgingAgent: 'ann' });
    const over = step(ringing, { type: 'wait_over', reason: 'max_wait' });
    const late = step(over.state, { type: 'connected', at: T1 });
    expect(late.state.status).toBe('waiting');
    expect(late.state.connectedAgent).toBeNull();
    expect(late.state.bridgingAgent).toBeNull();
    // The agent is free again at once (and their pools woken), not put on a call being abandoned.
    expect(late.effects).toEqual([{ type: 'release_agent', announce: true }]);
  });

  it('serves a waiting caller the agent handed to them', () => {
    expect(step(waiting(), { type: 'served', agentId: 'bob' }).effects).toEqual([
      { type: 'assign_agent', agentId: 'bob' },
    ]);
  });

  it('keeps the first reason an end was asked for, and hangs up', () => {
    const first = step(answered(), { type: 'end_requested', reason: 'ended_by_supervisor' });
    expect(first.effects).toEqual([{ type: 'hang_up' }]);
    const again = step(first.state, { type: 'end_requested', reason: 'autocall_cancelled' });
    expect(again.state.endRequested).toBe('ended_by_supervisor');
  });

  it('ends with the outcome, a retry when the policy wants one, the line and the agent freed', () => {
    const connected = answered({ status: 'connected', connectedAgent: 'ann' });
    expect(step(connected, { type: 'ended', cause: 'normal_clearing', sipCode: 200, at: T2 })).toEqual({
      state: { ...connected, status: 'ended' },
      effects: [
        { type: 'stop_wait_timer' },
        {
          type: 'end',
          cause: 'normal_clearing',
          sipCode: 200,
          at: T2,
          outcome: { status: 'completed', reason: 'completed' },
          retryAfterSeconds: null,
        },
        { type: 'release_line' },
        { type: 'agent_off_call', agentId: 'ann', wrapUp: true },
        { type: 'announce' },
        { type: 'forget', outcome: 'completed' },
      ],
    });
    const retried = step(fresh({ retry: { noAnswer: { maxAttempts: 3, delaySeconds: 600 } } }), {
      type: 'ended',
      cause: 'no_answer',
      sipCode: 408,
      at: T2,
    });
    expect(retried.effects[1]).toMatchObject({ outcome: { status: 'no_answer' }, retryAfterSeconds: 600 });
    expect(retried.effects.map((e) => e.type)).not.toContain('agent_off_call');
    // The last attempt allowed: no retry.
    const last = step(fresh({ attempt: 3, retry: { noAnswer: { maxAttempts: 3, delaySeconds: 600 } } }), {
      type: 'ended',
      cause: 'no_answer',
      sipCode: 408,
      at: T2,
    });
    expect(last.effects[1]).toMatchObject({ retryAfterSeconds: null });
  });

  it('after an engine error, hangs up (best effort) and ends failed, or completed if an agent had the call', () => {
    expect(step(waiting(), { type: 'engine_error' }).effects).toEqual([
      { type: 'stop_wait_timer' },
      { type: 'hang_up', bestEffort: true },
      { type: 'end_after_error', outcomes: ['failed', 'completed'] },
      { type: 'release_line' },
      { type: 'announce' },
      { type: 'forget', outcome: 'failed' },
    ]);
    const onCall = step(answered({ status: 'connected', connectedAgent: 'ann' }), { type: 'engine_error' });
    expect(onCall.effects).toContainEqual({ type: 'end_after_error', outcomes: ['completed', 'failed'] });
    expect(onCall.effects).toContainEqual({ type: 'agent_off_call', agentId: 'ann', wrapUp: false });
  });

  it('does nothing once ended, but gives back an agent handed to it', () => {
    const ended = fresh({ status: 'ended' });
    const events: ContactEvent[] = [
      { type: 'ringing', at: T0 },
      { type: 'answered', answeredBy: 'human', at: T0 },
      { type: 'connected', at: T0 },
      { type: 'agent_failed' },
      { type: 'wait_over', reason: 'max_wait' },
      { type: 'end_requested', reason: 'x' },
      { type: 'ended', cause: 'normal_clearing', sipCode: 200, at: T0 },
      { type: 'engine_error' },
      { type: 'agent_claimed', agentId: null },
    ];
    for (const event of events) expect(step(ended, event)).toEqual({ state: ended, effects: [] });
    expect(types(ended, { type: 'served', agentId: 'ann' })).toEqual(['release_agent']);
  });

  it('never changes the state it is given (a failed step is retried from the same state)', () => {
    for (const status of CONTACT_STATUSES) {
      const state = Object.freeze(answered({ status, bridgingAgent: 'ann' }));
      expect(() => step(state, { type: 'ended', cause: 'busy', sipCode: 486, at: T1 })).not.toThrow();
      expect(() => step(state, { type: 'connected', at: T1 })).not.toThrow();
    }
  });

  it('plays a whole call: dial, ring, answer, wait, served, connected, ended', () => {
    const { state, effects } = play(fresh(), [
      { type: 'ringing', at: T0 },
      { type: 'answered', answeredBy: 'human', at: T0 },
      { type: 'agent_claimed', agentId: null },
      { type: 'served', agentId: 'ann' },
      { type: 'agent_assigned', agentId: 'ann', result: 'assigned', endpoint: 'sip:ann' },
      { type: 'connected', at: T1 },
      { type: 'ended', cause: 'normal_clearing', sipCode: 200, at: T2 },
    ]);
    expect(state.status).toBe('ended');
    expect(effects).toEqual([
      'record',
      'record',
      'claim_agent',
      'wait_for_agent',
      'time_wait',
      'assign_agent',
      'ring_agent',
      'stop_wait_timer',
      'record',
      'release_agent',
      'stop_wait_timer',
      'end',
      'release_line',
      'agent_off_call',
      'announce',
      'forget',
    ]);
  });

  describe('a dial the trunk sent back (503, or nothing answered the INVITE)', () => {
    const overloaded = (retryAfterSeconds: number | null = 2): ContactEvent => ({
      type: 'ended',
      cause: 'trunk_overloaded',
      sipCode: 503,
      at: T0,
      retryAfterSeconds,
    });

    it('returns the target to its trunk uncharged, frees the line, and wakes the pool', () => {
      const next = step(fresh(), overloaded());
      expect(next.state.status).toBe('ended');
      expect(next.effects).toEqual([
        { type: 'stop_wait_timer' },
        { type: 'return_to_trunk', sipCode: 503, at: T0, retryAfterSeconds: 2 },
        { type: 'release_line' },
        { type: 'announce' },
        { type: 'forget', outcome: 'pending' },
      ]);
      expect(types(fresh(), overloaded(null))).toContain('return_to_trunk');
    });

    it('keeps what a call ended on purpose or lost with its worker means', () => {
      expect(types(fresh({ endRequested: 'ended_by_supervisor' }), overloaded())).not.toContain('return_to_trunk');
      expect(types(fresh({ lost: true }), overloaded())).not.toContain('return_to_trunk');
      const cancelled = step(fresh({ endRequested: 'autocall_cancelled' }), overloaded()).effects.find(
        (e) => e.type === 'end',
      );
      expect(cancelled).toMatchObject({ outcome: { status: 'cancelled', reason: 'autocall_cancelled' } });
    });

    it("a number's own answers keep their meaning", () => {
      for (const cause of ['busy', 'unreachable', 'no_answer', 'rejected'] as const)
        expect(types(fresh(), { type: 'ended', cause, sipCode: 486, at: T0 })).not.toContain('return_to_trunk');
    });
  });
});

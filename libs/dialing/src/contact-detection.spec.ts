import { contactOutcome, ContactEvent, ContactState, dialingContact, MachinePolicy, step } from './contact-lifecycle';

const T0 = new Date('2026-03-01T10:00:00Z');
const T3 = new Date('2026-03-01T10:00:03Z');

const contact = (policy: Partial<MachinePolicy> = {}, predictive = false): ContactState => ({
  ...dialingContact({
    predictive,
    attempt: 1,
    retry: {},
    machinePolicy: { machine: 'hangup', detectionWaitSeconds: 3, ...policy },
  }),
  status: 'ringing',
});

/** Runs events one after the other; the effects of each step, flattened. */
function play(state: ContactState, events: ContactEvent[]) {
  const effects: { type: string }[] = [];
  for (const event of events) {
    const next = step(state, event);
    effects.push(...next.effects);
    state = next.state;
  }
  return { state, effects, types: effects.map((e) => e.type) };
}

const pending: ContactEvent = { type: 'answered', answeredBy: null, at: T0 };

describe('the contact state machine: answering-machine detection', () => {
  it('applies the machine policy to a result on the answer itself: hang up, or the message', () => {
    const hangup = step(contact(), { type: 'answered', answeredBy: 'machine', detection: 'machine', at: T0 });
    expect(hangup.effects).toEqual([
      { type: 'record', to: 'answered', at: T0, answeredBy: 'machine', detection: 'machine', releaseAgent: true },
      { type: 'release_agent', announce: true },
      { type: 'hang_up' },
    ]);
    const message = step(contact({ machine: 'message' }), {
      type: 'answered',
      answeredBy: 'machine',
      detection: 'machine',
      at: T0,
    });
    expect(message.effects.map((e) => e.type)).toEqual(['record', 'release_agent', 'play_machine_message']);
    expect(message.state.machineMessage).toBe(true);
    const ended = step(message.state, { type: 'ended', cause: 'normal_clearing', sipCode: 200, at: T3 });
    expect(ended.effects).toContainEqual(
      expect.objectContaining({ type: 'end', outcome: { status: 'machine', reason: 'answering_machine_message' } }),
    );
  });

  it('waits for a result signalled later, timed from the answer, keeping the reserved agent', () => {
    const { state, effects } = play(contact(), [pending]);
    expect(state).toMatchObject({ status: 'answered', answeredBy: null, detection: 'pending', timed: true });
    expect(effects).toEqual([
      { type: 'record', to: 'answered', at: T0, detection: 'pending' },
      { type: 'time_detection', seconds: 3, answeredAt: T0 },
      { type: 'time_wait', limit: 'max_wait', answeredAt: T0 },
    ]);
    // Predictive: the abandon clock (the connect threshold) starts at the answer, detection or not.
    expect(play(contact({}, true), [pending]).effects).toContainEqual({
      type: 'time_wait',
      limit: 'connect_threshold',
      answeredAt: T0,
    });
  });

  it('hangs up on a machine detected later, and lets its agent go', () => {
    const { state, effects } = play(contact(), [pending, { type: 'detected', result: 'machine', at: T3 }]);
    expect(state.answeredBy).toBe('machine');
    expect(effects.slice(3)).toEqual([
      { type: 'record_detection', result: 'machine', at: T3, answeredBy: 'machine', releaseAgent: true },
      { type: 'stop_wait_timer' },
      { type: 'release_agent', announce: true },
      { type: 'hang_up' },
    ]);
    const over = play(state, [{ type: 'ended', cause: 'normal_clearing', sipCode: 200, at: T3 }]);
    expect(over.effects).toContainEqual(
      expect.objectContaining({ type: 'end', outcome: { status: 'machine', reason: 'answering_machine' } }),
    );
  });

  it('gives a person, or a callee detection cannot tell (unknown), an agent', () => {
    for (const result of ['human', 'unknown'] as const) {
      const { state, effects } = play(contact(), [pending, { type: 'detected', result, at: T3 }]);
      expect(state).toMatchObject({ answeredBy: 'human', detection: result });
      expect(effects.slice(3)).toEqual([
        { type: 'record_detection', result, at: T3, answeredBy: 'human' },
        { type: 'claim_agent' },
      ]);
    }
  });

  it('treats a callee as a person when the wait runs out, and only records a later result', () => {
    const { state, effects } = play(contact(), [pending, { type: 'detection_over' }]);
    expect(state.answeredBy).toBe('human');
    expect(effects.slice(3)).toEqual([
      { type: 'record_detection', result: null, at: T0, answeredBy: 'human' },
      { type: 'claim_agent' },
    ]);
    const late = play(state, [{ type: 'detected', result: 'machine', at: T3 }]);
    expect(late.effects).toEqual([{ type: 'record_detection', result: 'machine', at: T3 }]);
    expect(late.state).toMatchObject({ answeredBy: 'human', detection: 'machine' });
  });

  it('with no wait, treats the callee as a person at once (detection runs on, recorded only)', () => {
    const { state, effects } = play(contact({ detectionWaitSeconds: 0 }), [pending]);
    expect(state).toMatchObject({ answeredBy: 'human', detection: 'pending' });
    expect(effects).toEqual([
      { type: 'record', to: 'answered', at: T0, detection: 'pending', answeredBy: 'human' },
      { type: 'claim_agent' },
    ]);
  });

  it('abandons a callee still being detected when the connect threshold runs out: a person, by the rule', () => {
    const { state, effects } = play(contact({}, true), [
      pending,
      { type: 'wait_over', reason: 'no_agent_within_threshold' },
    ]);
    expect(effects.slice(3).map((e) => e.type)).toEqual([
      'record_detection',
      'release_agent',
      'leave_waiting',
      'play_abandon_message',
    ]);
    expect(state.answeredBy).toBe('human');
    // The detector's result after that changes nothing but the record.
    const late = play(state, [
      { type: 'detected', result: 'human', at: T3 },
      { type: 'detection_over' },
      { type: 'ended', cause: 'normal_clearing', sipCode: 200, at: T3 },
    ]);
    expect(late.types).not.toContain('claim_agent');
    expect(late.effects).toContainEqual(
      expect.objectContaining({ type: 'end', outcome: { status: 'abandoned', reason: 'no_agent_within_threshold' } }),
    );
  });

  it('counts a callee who hangs up while being detected as an abandoned person', () => {
    const { effects } = play(contact(), [pending, { type: 'ended', cause: 'normal_clearing', sipCode: 200, at: T3 }]);
    expect(effects).toContainEqual(
      expect.objectContaining({
        type: 'end',
        answeredBy: 'human',
        outcome: { status: 'abandoned', reason: 'caller_hung_up_waiting' },
      }),
    );
    expect(contactOutcome({ ...contact(), answeredAt: T0 }, 'normal_clearing').status).toBe('abandoned');
  });

  it('ignores a result with no detection pending, and a wait that runs out after a result', () => {
    const person = step(contact(), { type: 'answered', answeredBy: 'human', at: T0 }).state;
    expect(step(person, { type: 'detected', result: 'machine', at: T3 }).effects).toEqual([]);
    const detected = play(contact(), [pending, { type: 'detected', result: 'human', at: T3 }]).state;
    expect(step(detected, { type: 'detection_over' }).effects).toEqual([]);
  });
});

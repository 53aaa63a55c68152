import { engineAgentMove, OffCallMoves } from '../../libs/agents/src/agent-moves';
import { callRecordsSuite, insertAnsweredCall } from '../support/call-records-suite';

/**
 * An agent's moves with the call they take are the contact's statements: the agent is on the call,
 * with its history row, exactly when the contact is connected, and off it exactly when it ends. A
 * repeat of the step writes nothing and reads the agent back as it is; a contact whose move is
 * refused (another worker holds the call) moves no agent; an agent who logged out meanwhile is not
 * put on the call, which connects all the same. At the end, the statement that decides whether the
 * call awaits its disposition takes the agent into that call's wrap-up, or, with none awaited (or
 * one set during the call), as the telephony says.
 */
describe('an agent moved with the call', () => {
  const suite = callRecordsSuite('agent_moves_with_calls');

  /** An answered call of worker-a, its agent ann available and assigned to it. */
  async function answeredCall(agentState = 'available') {
    const { tenantId, contactId } = await insertAnsweredCall(suite.client, { holder: 'worker-a', agentId: 'ann' });
    if (agentState !== 'available')
      await suite.client.query(`UPDATE agents SET state = $2::agent_state WHERE tenant_id = $1`, [
        tenantId,
        agentState,
      ]);
    return { tenantId, contactId };
  }

  const connect = (call: { tenantId: string; contactId: string }, holder = 'worker-a') =>
    suite.records.record({
      contactId: call.contactId,
      to: 'connected',
      at: new Date('2026-06-01T12:00:00Z'),
      agentId: 'ann',
      target: { to: 'connected' },
      holder,
      agentMove: engineAgentMove(call.tenantId, 'ann', { type: 'connect_call' }, `call:${call.contactId}`, null),
    });
  const agentOf = async (tenantId: string) =>
    (
      await suite.client.query(
        `SELECT a.state::text, a.state_reason, (SELECT count(*)::int FROM agent_state_changes h WHERE h.tenant_id = a.tenant_id) AS history
         FROM agents a WHERE a.tenant_id = $1`,
        [tenantId],
      )
    ).rows[0];
  const contactStatus = async (contactId: string) =>
    (await suite.client.query(`SELECT status::text FROM contacts WHERE id = $1`, [contactId])).rows[0].status;

  it('puts the agent on the call in the statement that connects it, once', async () => {
    const call = await answeredCall();
    const first = await connect(call);
    expect(first).toMatchObject({ contactMoved: true, targetMoved: true });
    expect(first.agentMoved).toMatchObject({ moved: true, agent: { id: 'ann', state: 'on_call' } });
    expect(first.agentMoved?.agent.stateReason).toBe(`call:${call.contactId}`);
    expect(await agentOf(call.tenantId)).toEqual({
      state: 'on_call',
      state_reason: `call:${call.contactId}`,
      history: 1,
    });
    // The step again (its first try committed, its answer was lost): nothing more is written, and
    // the agent is read back on this very call.
    const again = await connect(call);
    expect(again).toMatchObject({ contactMoved: false, agentMoved: { moved: false, agent: { state: 'on_call' } } });
    expect(await agentOf(call.tenantId)).toEqual({
      state: 'on_call',
      state_reason: `call:${call.contactId}`,
      history: 1,
    });
  });

  it('moves no agent when the contact’s own move is refused', async () => {
    const call = await answeredCall();
    const refused = await connect(call, 'worker-b');
    expect(refused).toMatchObject({ contactMoved: false, agentMoved: { moved: false, agent: { state: 'available' } } });
    expect(await agentOf(call.tenantId)).toEqual({ state: 'available', state_reason: null, history: 0 });
    expect(await contactStatus(call.contactId)).toBe('answered');
  });

  it('connects the call without an agent who logged out meanwhile', async () => {
    const call = await answeredCall('logged_out');
    const connected = await connect(call);
    expect(connected).toMatchObject({
      contactMoved: true,
      agentMoved: { moved: false, agent: { state: 'logged_out' } },
    });
    expect(await contactStatus(call.contactId)).toBe('connected');
    expect(await agentOf(call.tenantId)).toMatchObject({ state: 'logged_out', history: 0 });
  });
  /** The moves that take ann off the call, as AgentSessionsService.offCallMoves makes them. */
  const offCall = (tenantId: string, contactId: string, wrapUp: boolean): OffCallMoves => {
    const off = (after: boolean | 'disposition') =>
      engineAgentMove(
        tenantId,
        'ann',
        { type: 'end_call', wrapUp: after !== false },
        after === 'disposition' ? `wrap_up:${contactId}` : after ? 'wrap_up' : 'call_ended',
        `call:${contactId}`,
      );
    return { awaiting: off('disposition'), disposed: off(false), otherwise: off(wrapUp) };
  };
  const end = (call: { tenantId: string; contactId: string }, wrapUp: boolean) =>
    suite.records.record({
      contactId: call.contactId,
      to: 'ended',
      at: new Date('2026-06-01T12:01:00Z'),
      cause: 'normal_clearing',
      sipCode: 200,
      target: { to: 'completed', reason: 'completed' },
      holder: 'worker-a',
      awaitDisposition: { defaultWrapUpSeconds: 30, timeScale: 1 },
      agentOffCall: offCall(call.tenantId, call.contactId, wrapUp),
    });
  async function connectedCall() {
    const call = await answeredCall();
    expect((await connect(call)).agentMoved?.moved).toBe(true);
    return call;
  }

  it('takes the agent off the call in the statement that ends it, as the telephony says', async () => {
    const call = await connectedCall();
    const ended = await end(call, true);
    expect(ended).toMatchObject({ contactMoved: true, awaitingDisposition: null });
    expect(ended.agentMoved).toMatchObject({ moved: true, agent: { state: 'wrap_up', stateReason: 'wrap_up' } });
    expect(await agentOf(call.tenantId)).toEqual({ state: 'wrap_up', state_reason: 'wrap_up', history: 2 });
    // Again (its answer lost): nothing more.
    expect(await end(call, true)).toMatchObject({ contactMoved: false, agentMoved: { moved: false } });
    expect(await agentOf(call.tenantId)).toMatchObject({ history: 2 });

    const noWrapUp = await connectedCall();
    await end(noWrapUp, false);
    expect(await agentOf(noWrapUp.tenantId)).toEqual({ state: 'available', state_reason: 'call_ended', history: 2 });
  });

  it('takes the agent into the wrap-up of the call that awaits its disposition, decided by the same statement', async () => {
    const call = await connectedCall();
    await suite.client.query(
      `INSERT INTO disposition_codes (tenant_id, code, label, kind, is_default) VALUES ($1, 'done', 'Done', 'final', true)`,
      [call.tenantId],
    );
    const ended = await end(call, false);
    expect(ended.awaitingDisposition?.wrapUpSeconds).toBe(30);
    expect(await agentOf(call.tenantId)).toEqual({
      state: 'wrap_up',
      state_reason: `wrap_up:${call.contactId}`,
      history: 2,
    });
    // The end again (a storage error after its statement, the step retried), with 12 s of the
    // wrap-up left: nothing more is written, and the answer still says the call awaits its
    // disposition, for the time left (read back, not the 30 s decided at first).
    await suite.client.query(`UPDATE contacts SET wrap_up_until = now() + interval '12 seconds' WHERE id = $1`, [
      call.contactId,
    ]);
    const again = await end(call, false);
    expect(again).toMatchObject({ contactMoved: false, agentMoved: { moved: false } });
    expect(again.awaitingDisposition?.wrapUpSeconds).toBeGreaterThan(0);
    expect(again.awaitingDisposition?.wrapUpSeconds).toBeLessThanOrEqual(12);
    expect(await agentOf(call.tenantId)).toMatchObject({ history: 2 });
    // Once the disposition is applied (its deadline cleared), a repeat no longer says so.
    await suite.client.query(`UPDATE contacts SET wrap_up_until = NULL WHERE id = $1`, [call.contactId]);
    expect((await end(call, false)).awaitingDisposition).toBeNull();

    // A disposition set during the call: it is applied at once, so no wrap-up waits for it.
    const disposed = await connectedCall();
    await suite.client.query(
      `INSERT INTO disposition_codes (tenant_id, code, label, kind, is_default) VALUES ($1, 'done', 'Done', 'final', true)`,
      [disposed.tenantId],
    );
    await suite.client.query(`UPDATE contacts SET disposition = 'done', disposition_at = now() WHERE id = $1`, [
      disposed.contactId,
    ]);
    await end(disposed, true);
    expect(await agentOf(disposed.tenantId)).toEqual({ state: 'available', state_reason: 'call_ended', history: 2 });
  });

  it('leaves an agent who is no longer on this call where they are', async () => {
    const call = await connectedCall();
    await suite.client.query(`UPDATE agents SET state_reason = 'call:another' WHERE tenant_id = $1`, [call.tenantId]);
    expect(await end(call, true)).toMatchObject({ contactMoved: true, agentMoved: { moved: false } });
    expect(await agentOf(call.tenantId)).toEqual({ state: 'on_call', state_reason: 'call:another', history: 1 });
  });
});

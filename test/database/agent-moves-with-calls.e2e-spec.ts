import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { engineAgentMove } from '../../libs/agents/src/agent-moves';
import type { AppConfig } from '../../libs/config/src';
import { CallRecords } from '../../libs/dialing/src/call-records';
import { createSuiteDatabase, dropDatabase } from '../support/databases';

/**
 * A call's connection and its agent's move onto it are one statement (the contact's): the agent is
 * on the call, with its history row, exactly when the contact is connected. A repeat of the step
 * writes nothing and reads the agent back as it is (on this call); a contact whose move is refused
 * (another worker holds the call) moves no agent; an agent who logged out meanwhile is not put on it,
 * and the call connects all the same.
 */
describe('a call connected with its agent', () => {
  let db: { name: string; url: string };
  let client: Client;
  let records: CallRecords;

  beforeAll(async () => {
    db = await createSuiteDatabase('connect_with_agent');
    client = new Client({ connectionString: db.url });
    await client.connect();
    records = new CallRecords({ get: () => db.url } as unknown as AppConfig);
  });
  afterAll(async () => {
    await records.onModuleDestroy();
    await client.end();
    await dropDatabase(db.name);
  });

  /** An answered call of worker-a, its agent ann available and assigned to it. */
  async function answeredCall(agentState = 'available') {
    const tenantId = randomUUID();
    const autocallId = randomUUID();
    const targetId = randomUUID();
    const contactId = randomUUID();
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'connect')`, [tenantId]);
    await client.query(`INSERT INTO line_settings (tenant_id, capacity) VALUES ($1, 2)`, [tenantId]);
    await client.query(
      `INSERT INTO agents (tenant_id, id, name, skills, endpoint, state, state_changed_at)
       VALUES ($1, 'ann', 'Ann', '{sales}', 'sip:ann@pbx', 'available', now())`,
      [tenantId],
    );
    await client.query(
      `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count)
       VALUES ($1, $2, 'sequential', 'sales', '{"freeLines":{"reserve":0},"freeAgents":{"reserve":0},"callStop":false}', 30, '{}', 1)`,
      [autocallId, tenantId],
    );
    await client.query(
      `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
       VALUES ($1, $2, $3, 0, '+441632960001', 'answered')`,
      [targetId, tenantId, autocallId],
    );
    await client.query(
      `INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, placed_by, status, agent_id)
       VALUES ($1, $2, $3, $4, 1, 'sales', '+441632960001', 'worker-a', 'answered', 'ann')`,
      [contactId, tenantId, autocallId, targetId],
    );
    if (agentState !== 'available')
      await client.query(`UPDATE agents SET state = $2::agent_state WHERE tenant_id = $1`, [tenantId, agentState]);
    return { tenantId, contactId };
  }

  const connect = (call: { tenantId: string; contactId: string }, holder = 'worker-a') =>
    records.record({
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
      await client.query(
        `SELECT a.state::text, a.state_reason, (SELECT count(*)::int FROM agent_state_changes h WHERE h.tenant_id = a.tenant_id) AS history
         FROM agents a WHERE a.tenant_id = $1`,
        [tenantId],
      )
    ).rows[0];
  const contactStatus = async (contactId: string) =>
    (await client.query(`SELECT status::text FROM contacts WHERE id = $1`, [contactId])).rows[0].status;

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
});

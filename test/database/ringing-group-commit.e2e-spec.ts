import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { AppConfig } from '../../libs/config/src';
import { CallRecords } from '../../libs/dialing/src/call-records';
import { createSuiteDatabase, dropDatabase } from '../support/databases';

/**
 * Ringing, the one move every dial makes, is group-committed (issue 20, item 2): the ringing of
 * calls that ring at about the same time is written by one statement, each call's move guarded as
 * on its own (its status, its holder), and each call is answered for itself, only after the
 * statement has returned.
 */
describe('ringing written for many calls in one statement', () => {
  let db: { name: string; url: string };
  let client: Client;
  let records: CallRecords;
  let statements: string[] = [];
  let names: string[] = [];

  beforeAll(async () => {
    db = await createSuiteDatabase('ringing_group_commit');
    client = new Client({ connectionString: db.url });
    await client.connect();
    records = new CallRecords({ get: () => db.url } as unknown as AppConfig);
    // The statements CallRecords sends, to count them (prepared ones come as {name, text, values}).
    const pool = (records as unknown as { pool: Pool }).pool;
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
      const sent = args[0] as string | { name?: string; text: string };
      statements.push(typeof sent === 'string' ? sent : sent.text);
      if (typeof sent !== 'string' && sent.name) names.push(sent.name);
      return query(...args);
    };
  });
  afterAll(async () => {
    await records.onModuleDestroy();
    await client.end();
    await dropDatabase(db.name);
  });

  /** A tenant with `n` calls just dialed by worker-a. */
  async function dialing(n: number) {
    const tenantId = randomUUID();
    const autocallId = randomUUID();
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'ringing')`, [tenantId]);
    await client.query(`INSERT INTO line_settings (tenant_id, capacity) VALUES ($1, 50)`, [tenantId]);
    await client.query(
      `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count)
       VALUES ($1, $2, 'sequential', 'sales', '{"freeLines":{"reserve":0},"freeAgents":null,"callStop":false}', 30, '{}', $3)`,
      [autocallId, tenantId, n],
    );
    const calls: { targetId: string; contactId: string }[] = [];
    for (let i = 0; i < n; i++) {
      const targetId = randomUUID();
      const phoneNumber = `+44163296${String(1000 + i)}`;
      await client.query(
        `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
         VALUES ($1, $2, $3, $4, $5, 'pending')`,
        [targetId, tenantId, autocallId, i, phoneNumber],
      );
      const contactId = randomUUID();
      const dialed = await records.startDial({
        contactId,
        tenantId,
        autocallId,
        targetId,
        attempt: 1,
        skill: 'sales',
        phoneNumber,
        callerId: null,
        agentId: null,
        placedBy: 'worker-a',
      });
      expect(dialed.result).toBe('dialing');
      calls.push({ targetId, contactId });
    }
    return { autocallId, calls };
  }

  const ringing = (contactId: string, at: Date, holder = 'worker-a') =>
    records.record({ contactId, to: 'ringing', at, target: { to: 'ringing' }, holder });

  it('sends a statement of the same shape prepared, under one name, whatever its values', async () => {
    const first = await dialing(1);
    const second = await dialing(1);
    names = [];
    await ringing(first.calls[0].contactId, new Date(Date.UTC(2026, 5, 1, 12, 0, 0)));
    await ringing(second.calls[0].contactId, new Date(Date.UTC(2026, 5, 1, 12, 0, 1)), 'worker-a');
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^cr_[0-9a-f]{16}$/);
    expect(names[1]).toBe(names[0]);
    // PostgreSQL holds it prepared on the connection that ran it (the pool lends the one released last).
    const pool = (records as unknown as { pool: Pool }).pool;
    const connection = await pool.connect();
    try {
      const { rows } = await connection.query(`SELECT name FROM pg_prepared_statements`);
      expect(rows.map((r) => r.name)).toContain(names[0]);
    } finally {
      connection.release();
    }
  });

  it('writes the ringing of calls that ring together in one statement, each with its own time and events', async () => {
    const { autocallId, calls } = await dialing(20);
    const at = (i: number) => new Date(Date.UTC(2026, 5, 1, 12, 0, i));
    statements = [];
    const results = await Promise.all(calls.map((call, i) => ringing(call.contactId, at(i))));

    expect(statements.filter((sql) => /UPDATE contacts/.test(sql))).toHaveLength(1);
    expect(results.every((r) => r.contactMoved && r.targetMoved && r.autocallId === autocallId)).toBe(true);
    const { rows } = await client.query(
      `SELECT c.id, c.status::text AS contact, c.ringing_at, t.status::text AS target, t.last_contact_id,
              (SELECT count(*)::int FROM contact_events e WHERE e.contact_id = c.id AND e.status = 'ringing' AND e.at = c.ringing_at) AS contact_events,
              (SELECT count(*)::int FROM target_events e WHERE e.target_id = t.id AND e.from_status = 'dialing'
                 AND e.to_status = 'ringing' AND e.contact_id = c.id AND e.at = c.ringing_at) AS target_events
       FROM contacts c JOIN targets t ON t.id = c.target_id WHERE c.autocall_id = $1`,
      [autocallId],
    );
    const byContact = new Map(rows.map((row) => [row.id, row]));
    calls.forEach((call, i) =>
      expect(byContact.get(call.contactId)).toEqual({
        id: call.contactId,
        contact: 'ringing',
        ringing_at: at(i),
        target: 'ringing',
        last_contact_id: call.contactId,
        contact_events: 1,
        target_events: 1,
      }),
    );
  });

  it("moves a call's target with it only when its step says so, whatever the batch's first step says", async () => {
    const { calls } = await dialing(2);
    const at = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
    const results = await Promise.all([
      records.record({ contactId: calls[0].contactId, to: 'ringing', at, holder: 'worker-a' }),
      ringing(calls[1].contactId, at),
    ]);
    expect(results.map((r) => [r.contactMoved, r.targetMoved])).toEqual([
      [true, false],
      [true, true],
    ]);
    const { rows } = await client.query(`SELECT id, status::text AS status FROM targets WHERE id = ANY($1::uuid[])`, [
      calls.map((c) => c.targetId),
    ]);
    const byTarget = new Map(rows.map((row) => [row.id, row.status]));
    expect(calls.map((c) => byTarget.get(c.targetId))).toEqual(['dialing', 'ringing']);
  });

  it('guards each call of a statement on its own: a call already ringing, or held by another worker, is not moved', async () => {
    const { calls } = await dialing(4);
    const at = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
    await ringing(calls[0].contactId, at);
    statements = [];
    const results = await Promise.all([
      ringing(calls[0].contactId, at), // a retry of a write that committed
      ringing(calls[1].contactId, at, 'worker-b'), // not its holder
      ringing(calls[2].contactId, at),
      ringing(calls[3].contactId, at),
    ]);
    expect(statements.filter((sql) => /UPDATE contacts/.test(sql))).toHaveLength(1);
    expect(results.map((r) => r.contactMoved)).toEqual([false, false, true, true]);
    const { rows } = await client.query(
      `SELECT c.id, c.status::text AS status,
              (SELECT count(*)::int FROM contact_events e WHERE e.contact_id = c.id AND e.status = 'ringing') AS events
       FROM contacts c WHERE c.id = ANY($1::uuid[])`,
      [calls.map((c) => c.contactId)],
    );
    const byContact = new Map(rows.map((row) => [row.id, row]));
    expect(calls.map((c) => byContact.get(c.contactId))).toEqual([
      { id: calls[0].contactId, status: 'ringing', events: 1 },
      { id: calls[1].contactId, status: 'dialing', events: 0 },
      { id: calls[2].contactId, status: 'ringing', events: 1 },
      { id: calls[3].contactId, status: 'ringing', events: 1 },
    ]);
  });
});

import { randomUUID } from 'node:crypto';
import { callRecordsSuite } from '../support/call-records-suite';

/**
 * Fencing: a worker writes a call's moves as its holder (contacts.placed_by). When another worker
 * takes the call over (its holder's heartbeat expired), the claim moves to it in one statement, and
 * from then on the old holder's writes are refused, should it come back: it cannot overwrite what
 * its successor recorded.
 */
describe('a call taken over from its holder', () => {
  const suite = callRecordsSuite('call_records_fencing');

  async function answeredCallOf(holder: string): Promise<string> {
    const tenantId = randomUUID();
    const autocallId = randomUUID();
    const targetId = randomUUID();
    const contactId = randomUUID();
    await suite.client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'fencing')`, [tenantId]);
    await suite.client.query(`INSERT INTO line_settings (tenant_id, capacity) VALUES ($1, 2)`, [tenantId]);
    await suite.client.query(
      `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count)
       VALUES ($1, $2, 'sequential', 'sales', '{"freeLines":{"reserve":0},"freeAgents":null,"callStop":false}', 30, '{}', 1)`,
      [autocallId, tenantId],
    );
    await suite.client.query(
      `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
       VALUES ($1, $2, $3, 0, '+441632960000', 'answered')`,
      [targetId, tenantId, autocallId],
    );
    await suite.client.query(
      `INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, placed_by, status)
       VALUES ($1, $2, $3, $4, 1, 'sales', '+441632960000', $5, 'answered')`,
      [contactId, tenantId, autocallId, targetId, holder],
    );
    return contactId;
  }
  const statusOf = async (contactId: string) =>
    (await suite.client.query(`SELECT status::text, placed_by FROM contacts WHERE id = $1`, [contactId])).rows[0];
  const end = (contactId: string, holder: string, reason: string) =>
    suite.records.record({
      contactId,
      to: 'ended',
      at: new Date(),
      cause: 'normal_clearing',
      sipCode: 200,
      target: { to: 'abandoned', reason },
      holder,
    });

  it("refuses the old holder's writes once the call is taken over, and lets the new holder write", async () => {
    const contactId = await answeredCallOf('worker-a');
    // Not the holder: nothing written.
    expect(await end(contactId, 'worker-b', 'by_b')).toMatchObject({ contactMoved: false, targetMoved: false });
    expect(await suite.records.waitForAgent(contactId, new Date(), 'worker-b')).toBe(false);

    expect(await suite.records.takeOver(contactId, 'worker-a', 'worker-b')).toBe(true);
    // A second taker (another keeper at the same time) loses.
    expect(await suite.records.takeOver(contactId, 'worker-a', 'worker-c')).toBe(false);
    // The old holder comes back: refused.
    expect(await suite.records.waitForAgent(contactId, new Date(), 'worker-a')).toBe(false);
    expect(await end(contactId, 'worker-a', 'by_a')).toMatchObject({ contactMoved: false });
    expect(await statusOf(contactId)).toEqual({ status: 'answered', placed_by: 'worker-b' });

    expect(await end(contactId, 'worker-b', 'by_b')).toMatchObject({ contactMoved: true, targetMoved: true });
    expect(await statusOf(contactId)).toEqual({ status: 'ended', placed_by: 'worker-b' });
    const { rows } = await suite.client.query(
      `SELECT reason FROM targets t JOIN contacts c ON c.target_id = t.id WHERE c.id = $1`,
      [contactId],
    );
    expect(rows[0].reason).toBe('by_b');
    // An ended call is nobody's to take over.
    expect(await suite.records.takeOver(contactId, 'worker-b', 'worker-c')).toBe(false);
  });
});

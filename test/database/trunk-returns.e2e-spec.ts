import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { callRecordsSuite } from '../support/call-records-suite';

/**
 * A dial its trunk sent back (503, or nothing answered the INVITE), in one statement
 * (CallRecords.returnToTrunk): the contact ends uncharged, the target goes back to pending with
 * its attempts as they were (or failed after the tenant's bound, or cancelled with its AutoCall),
 * the trunk pauses by PostgreSQL's clock, and its channel and the line are freed.
 */
describe('a dial returned to its trunk', () => {
  const suite = callRecordsSuite('trunk_returns');

  async function tenantWithTrunk(maxTrunkReturns?: number) {
    const tenantId = randomUUID();
    const autocallId = randomUUID();
    const trunkId = randomUUID();
    await suite.client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'returns')`, [tenantId]);
    await suite.client.query(`INSERT INTO line_settings (tenant_id, capacity) VALUES ($1, 5)`, [tenantId]);
    if (maxTrunkReturns)
      await suite.client.query(`INSERT INTO tenant_settings (tenant_id, settings) VALUES ($1, $2)`, [
        tenantId,
        JSON.stringify({ maxTrunkReturns }),
      ]);
    await suite.client.query(
      `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count)
       VALUES ($1, $2, 'sequential', 'sales', '{"freeLines":{"reserve":0},"freeAgents":null,"callStop":false}', 30, '{}', 1)`,
      [autocallId, tenantId],
    );
    await suite.client.query(
      `INSERT INTO trunks (id, tenant_id, name, target, channels, calls_per_second, overload_pause_seconds)
       VALUES ($1, $2, 'carrier', 'carrier.example', 5, 100, 7)`,
      [trunkId, tenantId],
    );
    const targetId = randomUUID();
    await suite.client.query(
      `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
       VALUES ($1, $2, $3, 0, '+441632960000', 'pending')`,
      [targetId, tenantId, autocallId],
    );
    return { tenantId, autocallId, trunkId, targetId };
  }

  type Setup = Awaited<ReturnType<typeof tenantWithTrunk>>;
  async function dial(s: Setup, attempt: number): Promise<string> {
    const contactId = randomUUID();
    const dialed = await suite.records.startDial({
      contactId,
      tenantId: s.tenantId,
      autocallId: s.autocallId,
      targetId: s.targetId,
      attempt,
      skill: 'sales',
      phoneNumber: '+441632960000',
      callerId: null,
      agentId: null,
      placedBy: 'worker-a',
    });
    expect(dialed).toEqual({ result: 'dialing', trunkId: s.trunkId });
    return contactId;
  }
  const giveBack = (contactId: string, pauseSeconds: number | null, holder = 'worker-a') =>
    suite.records.returnToTrunk({
      contactId,
      at: new Date(),
      sipCode: 503,
      pauseSeconds,
      holder,
      defaultMaxReturns: 5,
    });
  const target = async (s: Setup) =>
    (
      await suite.client.query(
        `SELECT status::text, reason, attempts, trunk_returns, next_attempt_at IS NOT NULL AS due FROM targets WHERE id = $1`,
        [s.targetId],
      )
    ).rows[0];
  const trunk = async (s: Setup) =>
    (
      await suite.client.query(
        `SELECT channels_in_use, overloads, round(extract(epoch FROM paused_until - now()))::int AS paused_for
         FROM trunks WHERE id = $1`,
        [s.trunkId],
      )
    ).rows[0];

  it('does not wait for a dial of the tenant, and takes the row of ends before the trunk, as an end does: no deadlock', async () => {
    const s = await tenantWithTrunk();
    const first = await dial(s, 1);
    const other = new Client({ connectionString: suite.db.url });
    await other.connect();
    const waiting = async () =>
      (
        await suite.client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      ).rows[0].n as number;
    try {
      // A dial of the tenant half-way through its statement holds the tenant's line row
      // (contacts_take_line): a return, like any end, does not take turns with it.
      await other.query('BEGIN');
      await other.query('UPDATE line_settings SET outbound_taken = outbound_taken WHERE tenant_id = $1', [s.tenantId]);
      expect(await giveBack(first, 1)).toMatchObject({ target: 'pending', trunkId: s.trunkId });
      await other.query('COMMIT');
      // The return paused the trunk; the next dial does not wait for the pause here.
      await suite.client.query('UPDATE trunks SET paused_until = NULL WHERE id = $1', [s.trunkId]);
      const second = await dial(s, 1);

      // Another end of the tenant half-way through its statement holds the row of ends: the return
      // waits for it...
      await other.query('BEGIN');
      await other.query('UPDATE line_frees SET outbound_freed = outbound_freed WHERE tenant_id = $1', [s.tenantId]);
      const returned = giveBack(second, 1);
      for (let waited = 0; (await waiting()) === 0; waited += 20) {
        if (waited > 10_000) throw new Error('the return never waited for the row of ends');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // ...without holding the trunk's: the end takes it at once (the other order is a deadlock
      // PostgreSQL breaks by failing one of them).
      await other.query('SELECT 1 FROM trunks WHERE id = $1 FOR UPDATE NOWAIT', [s.trunkId]);
      await other.query('COMMIT');
      expect(await returned).toMatchObject({ target: 'pending', trunkId: s.trunkId });
    } finally {
      await other.end();
    }
  });
  it('ends the contact uncharged, the target pending again, the trunk paused for Retry-After; only its holder may', async () => {
    const s = await tenantWithTrunk();
    const contactId = await dial(s, 1);
    expect(await target(s)).toMatchObject({ status: 'dialing', attempts: 1 });
    expect((await trunk(s)).channels_in_use).toBe(1);

    expect(await giveBack(contactId, 2, 'worker-b')).toEqual({ target: null, trunkId: null, attempts: 0 });
    expect(await giveBack(contactId, 30)).toEqual({ target: 'pending', trunkId: s.trunkId, attempts: 0 });
    expect(await target(s)).toEqual({
      status: 'pending',
      reason: 'trunk_busy',
      attempts: 0,
      trunk_returns: 1,
      due: true,
    });
    expect(await trunk(s)).toEqual({ channels_in_use: 0, overloads: 1, paused_for: 30 });
    const { rows } = await suite.client.query(
      `SELECT status::text, cause, sip_code, trunk_returned FROM contacts WHERE id = $1`,
      [contactId],
    );
    expect(rows[0]).toEqual({ status: 'ended', cause: 'trunk_overloaded', sip_code: 503, trunk_returned: true });
    // Again: nothing more (the contact has ended).
    expect((await giveBack(contactId, 2)).target).toBeNull();
    expect((await target(s)).trunk_returns).toBe(1);

    // The next call reuses the attempt number the returned one did not use up.
    await suite.client.query(`UPDATE trunks SET paused_until = NULL WHERE id = $1`, [s.trunkId]);
    await dial(s, 1);
    expect(await target(s)).toMatchObject({ status: 'dialing', attempts: 1 });
  });

  it("pauses for the trunk's own overload pause without Retry-After, and ends the target failed after the bound", async () => {
    const s = await tenantWithTrunk(2);
    expect((await giveBack(await dial(s, 1), null)).target).toBe('pending');
    expect((await trunk(s)).paused_for).toBe(7);
    await suite.client.query(`UPDATE trunks SET paused_until = NULL WHERE id = $1`, [s.trunkId]);
    expect((await giveBack(await dial(s, 1), null)).target).toBe('failed');
    expect(await target(s)).toEqual({
      status: 'failed',
      reason: 'trunk_unavailable',
      attempts: 0,
      trunk_returns: 2,
      due: false,
    });
    const { rows } = await suite.client.query(`SELECT status::text FROM autocalls WHERE id = $1`, [s.autocallId]);
    expect(rows[0].status).toBe('completed');
  });

  it('cancels the target of an AutoCall cancelled meanwhile (it would never be dialed again)', async () => {
    const s = await tenantWithTrunk();
    const contactId = await dial(s, 1);
    await suite.client.query(`UPDATE autocalls SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [
      s.autocallId,
    ]);
    expect((await giveBack(contactId, 2)).target).toBe('cancelled');
    expect(await target(s)).toMatchObject({ status: 'cancelled', reason: 'autocall_cancelled', attempts: 0 });
  });
});

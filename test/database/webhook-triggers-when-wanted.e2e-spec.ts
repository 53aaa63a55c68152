import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createSuiteDatabase, dropDatabase } from '../support/databases';

/**
 * The webhook triggers on a call's hot tables (target_events, contact_events, autocalls) run their
 * statement only while some enabled endpoint subscribes to their event type (migration
 * webhook_triggers_when_subscribed): with webhooks off a call's changes cost PostgreSQL no webhook
 * work. Whether a tenant gets the event is still decided per tenant inside the function. Seen
 * through pg_stat_xact_user_functions: how often the trigger's function ran in the transaction.
 */
describe('webhook triggers fire only while an endpoint wants their events', () => {
  let db: { name: string; url: string };
  let client: Client;

  beforeAll(async () => {
    db = await createSuiteDatabase('webhook_triggers_wanted');
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await dropDatabase(db.name);
  });

  async function tenant(): Promise<string> {
    const id = randomUUID();
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'wanted')`, [id]);
    return id;
  }

  async function endpoint(tenantId: string, eventTypes: string[] | null, enabled = true): Promise<string> {
    const id = randomUUID();
    await client.query(
      `INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, enabled, secret, updated_at)
       VALUES ($1, $2, 'http://127.0.0.1:9/hook', $3::varchar[], $4, 'whsec_test', now())`,
      [id, tenantId, eventTypes, enabled],
    );
    return id;
  }

  /** Ends one pending target of a new AutoCall of the tenant: how often the trigger ran, and the events written. */
  async function endATarget(tenantId: string): Promise<{ runs: number; events: number }> {
    const autocallId = randomUUID();
    const targetId = randomUUID();
    await client.query(
      `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count)
       VALUES ($1, $2, 'sequential', 'sales', '{}', 30, '{}', 1)`,
      [autocallId, tenantId],
    );
    await client.query(
      `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
       VALUES ($1, $2, $3, 0, '+441632960000', 'pending')`,
      [targetId, tenantId, autocallId],
    );
    // Counts of earlier transactions still waiting to be reported would show here too: reported first.
    await client.query('SELECT pg_stat_force_next_flush()');
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL track_functions = 'all'`);
      await client.query(
        `INSERT INTO target_events (target_id, from_status, to_status, reason) VALUES ($1, 'pending', 'busy', 'busy')`,
        [targetId],
      );
      const { rows } = await client.query(
        `SELECT coalesce(sum(calls), 0)::int AS runs FROM pg_stat_xact_user_functions
         WHERE funcname = 'webhook_on_target_events'`,
      );
      await client.query('COMMIT');
      const events = await client.query(
        `SELECT count(*)::int AS n FROM webhook_events WHERE autocall_id = $1 AND type = 'autocall.target.completed'`,
        [autocallId],
      );
      return { runs: rows[0].runs, events: events.rows[0].n };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  beforeEach(() => client.query('DELETE FROM webhook_endpoints'));

  it('does not run without an enabled endpoint anywhere', async () => {
    const quiet = await tenant();
    expect(await endATarget(quiet)).toEqual({ runs: 0, events: 0 });
    await endpoint(quiet, null, false); // disabled
    expect(await endATarget(quiet)).toEqual({ runs: 0, events: 0 });
  });

  it('does not run for endpoints that take other event types only', async () => {
    const other = await tenant();
    await endpoint(other, ['contact.status_changed', 'autocall.completed']);
    expect(await endATarget(other)).toEqual({ runs: 0, events: 0 });
  });

  it("runs while another tenant's endpoint wants the event, and writes one only for a tenant that wants it", async () => {
    const subscriber = await tenant();
    const quiet = await tenant();
    await endpoint(subscriber, ['autocall.target.completed']);
    expect(await endATarget(quiet)).toEqual({ runs: 1, events: 0 });
    expect(await endATarget(subscriber)).toEqual({ runs: 1, events: 1 });
  });

  it('runs for an endpoint that takes every event type (none listed, or an empty list)', async () => {
    const everything = await tenant();
    await endpoint(everything, []);
    expect(await endATarget(everything)).toEqual({ runs: 1, events: 1 });
    await client.query('DELETE FROM webhook_endpoints');
    await endpoint(everything, null);
    expect(await endATarget(everything)).toEqual({ runs: 1, events: 1 });
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createSuiteDatabase, dropDatabase } from '../support/databases';

/**
 * The webhook triggers on a call's hot tables (target_events, contact_events, autocalls, callbacks)
 * run their statement only while some enabled endpoint subscribes to their event type (migrations
 * webhook_triggers_when_subscribed, callback_triggers_by_row): with webhooks off a call's changes
 * cost PostgreSQL no webhook work. Whether a tenant gets the event is still decided per tenant
 * inside the function. A callback follows its target's end by a row trigger on the events that end
 * a target only. Seen through pg_stat_xact_user_functions: how often each trigger's function ran
 * in the transaction.
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

  /**
   * Moves one pending target of a new AutoCall of the tenant (to busy: its end, unless said): how
   * often the target webhook trigger ran, and the events written.
   */
  async function endATarget(tenantId: string, to = 'busy'): Promise<{ runs: number; events: number }> {
    const { runs, events } = await moveATarget(tenantId, to);
    return { runs: runs.webhook_on_target_events ?? 0, events };
  }

  async function moveATarget(
    tenantId: string,
    to: string,
    callback = false,
  ): Promise<{ runs: Record<string, number>; events: number; callback?: { status: string; outcome: string } }> {
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
    const callbackId = randomUUID();
    if (callback)
      await client.query(
        `INSERT INTO callbacks (id, tenant_id, status, skill, scheduled_at, autocall_id, target_id)
         VALUES ($1, $2, 'queued', 'sales', now(), $3, $4)`,
        [callbackId, tenantId, autocallId, targetId],
      );
    // Counts of earlier transactions still waiting to be reported would show here too: reported first.
    await client.query('SELECT pg_stat_force_next_flush()');
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL track_functions = 'all'`);
      await client.query(
        `INSERT INTO target_events (target_id, from_status, to_status, reason)
         VALUES ($1, 'pending', $2::target_status, $2)`,
        [targetId, to],
      );
      const { rows } = await client.query(`SELECT funcname, calls::int FROM pg_stat_xact_user_functions`);
      await client.query('COMMIT');
      const events = await client.query(
        `SELECT count(*)::int AS n FROM webhook_events WHERE autocall_id = $1 AND type = 'autocall.target.completed'`,
        [autocallId],
      );
      const followed = callback
        ? (await client.query(`SELECT status::text, outcome FROM callbacks WHERE id = $1`, [callbackId])).rows[0]
        : undefined;
      return {
        runs: Object.fromEntries(rows.map((r) => [r.funcname, r.calls])),
        events: events.rows[0].n,
        ...(followed ? { callback: followed } : {}),
      };
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

  it("ends a callback with its target, by a trigger that runs for a target's end only", async () => {
    const quiet = await tenant();
    const ended = await moveATarget(quiet, 'busy', true);
    expect(ended.callback).toEqual({ status: 'failed', outcome: 'busy' });
    expect(ended.runs.callbacks_follow_targets).toBe(1);
    // No endpoint wants callback events: the callback's change runs no webhook statement.
    expect(ended.runs.webhook_on_callbacks_update).toBeUndefined();
    const completed = await moveATarget(quiet, 'completed', true);
    expect(completed.callback).toEqual({ status: 'completed', outcome: 'completed' });

    const dialing = await moveATarget(quiet, 'dialing', true);
    expect(dialing.callback).toEqual({ status: 'queued', outcome: null });
    expect(dialing.runs.callbacks_follow_targets).toBeUndefined();
  });

  it("runs the callbacks' webhook trigger while an endpoint wants callback events", async () => {
    const subscriber = await tenant();
    await endpoint(subscriber, ['callback.completed']);
    const ended = await moveATarget(subscriber, 'completed', true);
    expect(ended.runs.webhook_on_callbacks_update).toBe(1);
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM webhook_events WHERE tenant_id = $1 AND type = 'callback.completed'`,
      [subscriber],
    );
    expect(rows[0].n).toBe(1);
  });
});

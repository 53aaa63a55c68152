import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { AppConfig, ConfigModule } from '@autocall/config';
import { DatabaseModule } from '@autocall/database';
import { RedisModule } from '@autocall/redis';
import { RetentionModule, RetentionPassResult, RetentionService, RetentionStore } from '@autocall/retention';
import { SecretsModule } from '@autocall/secrets';
import { TERMINAL_STATUSES } from '../../libs/dialing/src/target-status';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { AppProcess, waitFor } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

/** Retention's pass in this process, on the suite's database: what a worker runs, called directly. */
@Module({})
class RetentionRunner {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RetentionRunner,
      imports: [ConfigModule.forRoot(config), DatabaseModule, SecretsModule, RedisModule, RetentionModule],
    };
  }
}

/** One tenant's history: two finished AutoCalls, three callbacks, webhooks delivered. */
interface History {
  tenant: TestTenant;
  days: number;
  /** Finished; its even positions ended just past the period, its odd ones just within it. */
  halfPast: string;
  /** Finished just past the period, every target. */
  allPast: string;
  /** Cancelled just past the period; cancelled just within it; scheduled (open) and created long ago. */
  callbacks: { past: string; within: string; open: string };
  /** The Idempotency-Key of halfPast's submission (its stored answer is past the period). */
  pastKey: string;
}

type Rows = Map<string, string>;

const SHIFT = `interval '1 hour'`;
const past = (days: number) => `now() - make_interval(days => ${days}) - ${SHIFT}`;
const within = (days: number) => `now() - make_interval(days => ${days}) + ${SHIFT}`;

/**
 * Retention end to end: two tenants with different periods, rows backdated by SQL to an hour past
 * and an hour within each period (relative to PostgreSQL's now), a pass run while another AutoCall
 * dials on a real worker, and every row of the history compared before and after.
 */
describe('retention', () => {
  let engine: EngineHarness;
  let receiver: WebhookReceiver;
  let context: INestApplicationContext;
  let retention: RetentionService;
  let db: Client;
  let us: History;
  let uk: History;

  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await db.query(sql, params)).rows as T[];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    receiver.behaviour = () => ({ status: 200, body: 'received by the CRM' });
    const env = { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', RETENTION_BATCH_SIZE: '4', RETENTION_BATCH_PAUSE_MS: '0' };
    engine = await EngineHarness.start('retention', env, 0);
    // The worker's schedule is a week: it runs its first pass at boot and none during the tests,
    // which run theirs here (RETENTION_INTERVAL_MINUTES 60).
    await engine.startWorker({ RETENTION_INTERVAL_MINUTES: '10080' });
    context = await NestFactory.createApplicationContext(RetentionRunner.forRoot(engine.api.config), {
      logger: false,
    });
    retention = context.get(RetentionService);
    db = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await context?.close();
    await engine?.stop();
    await receiver?.close();
  });

  const admin = (tenant: TestTenant) => bearer(tenant.adminKey);

  async function submit(tenant: TestTenant, body: object, key: string) {
    const response = await engine
      .http()
      .post('/v1/autocalls')
      .set(admin(tenant))
      .set('Idempotency-Key', key)
      .send(body);
    expect(response.status).toBe(202);
    return response.body as { id: string };
  }

  async function detail(tenant: TestTenant, autocallId: string) {
    return (await engine.http().get(`/v1/autocalls/${autocallId}`).set(admin(tenant)).expect(200)).body;
  }

  /** A tenant that dialed two AutoCalls (callers abandoned and connected) and was told of it by webhooks. */
  async function historyOf(prefix: string, settings: object, days: number): Promise<History> {
    const tenant = await engine.tenantWithAgents({ lines: 40, skill: 'sales', agents: 2, prefix });
    await engine.http().put('/v1/settings').set(admin(tenant)).send(settings).expect(200);
    await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(admin(tenant))
      .send({ url: receiver.url(`/${prefix}`) })
      .expect(201);
    // Immediate, without the free-agent check: every number is dialed at once and two agents take
    // what they can, so some callers are connected and others abandoned.
    const list = (count: number, country: string) =>
      numbers(count, country).map((target, i) => ({ ...target, data: { customer: `customer-${i}` } }));
    const pastKey = `${prefix}-half-past`;
    const halfPast = await submit(
      tenant,
      { mode: 'immediate', skill: 'sales', targets: list(12, '+8170'), checks: { freeAgents: null } },
      pastKey,
    );
    await engine.finished(tenant, halfPast.id);
    const allPast = await submit(
      tenant,
      { mode: 'immediate', skill: 'sales', targets: list(16, '+8180'), checks: { freeAgents: null } },
      `${prefix}-all-past`,
    );
    await engine.finished(tenant, allPast.id);
    const callback = async () =>
      (
        await engine
          .http()
          .post('/v1/callbacks')
          .set(admin(tenant))
          .send({ phoneNumber: '+81312345678', skill: 'sales', data: { note: 'call back about the invoice' } })
          .expect(201)
      ).body.id as string;
    const callbacks = { past: await callback(), within: await callback(), open: await callback() };
    for (const id of [callbacks.past, callbacks.within])
      await engine.http().post(`/v1/callbacks/${id}/cancel`).set(admin(tenant)).expect(200);
    await waitFor(
      `every webhook of ${prefix} delivered`,
      async () => {
        const [row] = await query<{ pending: number; completed: number }>(
          `SELECT count(*) FILTER (WHERE d.status = 'pending')::int AS pending,
                  count(*) FILTER (WHERE e.type = 'autocall.completed' AND d.status = 'delivered')::int AS completed
           FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.tenant_id = $1`,
          [tenant.tenantId],
        );
        return row.pending === 0 && row.completed === 2;
      },
      30_000,
    );
    return { tenant, days, halfPast: halfPast.id, allPast: allPast.id, callbacks, pastKey };
  }

  /**
   * Moves an AutoCall's history back in time: each target completed (and its contacts ended) an
   * hour past the period, or an hour within it for the odd positions when `half`; the AutoCall,
   * its webhook events, deliveries and attempts at its last target's instant.
   */
  async function backdate(autocallId: string, days: number, half: boolean): Promise<void> {
    await query(
      `UPDATE targets SET completed_at = CASE WHEN NOT $2 OR position % 2 = 0 THEN ${past(days)} ELSE ${within(days)} END,
              updated_at = CASE WHEN NOT $2 OR position % 2 = 0 THEN ${past(days)} ELSE ${within(days)} END,
              created_at = ${past(days)} - interval '1 minute'
       WHERE autocall_id = $1`,
      [autocallId, half],
    );
    await query(
      `UPDATE contacts c SET created_at = c.created_at + (t.completed_at - c.ended_at),
              ringing_at = c.ringing_at + (t.completed_at - c.ended_at),
              answered_at = c.answered_at + (t.completed_at - c.ended_at),
              connected_at = c.connected_at + (t.completed_at - c.ended_at), ended_at = t.completed_at
       FROM targets t WHERE t.id = c.target_id AND c.autocall_id = $1`,
      [autocallId],
    );
    await query(
      `UPDATE autocalls a SET created_at = s.first - interval '1 minute', completed_at = s.last
       FROM (SELECT min(created_at) AS first, max(completed_at) AS last FROM targets WHERE autocall_id = $1) s
       WHERE a.id = $1`,
      [autocallId],
    );
    await query(
      `UPDATE webhook_events e SET created_at = a.completed_at FROM autocalls a WHERE a.id = $1 AND e.autocall_id = $1`,
      [autocallId],
    );
    await query(
      `UPDATE webhook_deliveries d SET created_at = e.created_at, delivered_at = e.created_at + interval '1 second'
       FROM webhook_events e WHERE e.id = d.event_id AND e.autocall_id = $1`,
      [autocallId],
    );
    await query(
      `UPDATE webhook_delivery_attempts x SET started_at = e.created_at + interval '1 second'
       FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
       WHERE d.id = x.delivery_id AND e.autocall_id = $1`,
      [autocallId],
    );
  }

  async function backdateTenant(history: History): Promise<void> {
    const { days, callbacks } = history;
    await backdate(history.halfPast, days, true);
    await backdate(history.allPast, days, false);
    await query(
      `UPDATE callbacks SET created_at = ${past(days)} - interval '1 day', ended_at = ${past(days)} WHERE id = $1`,
      [callbacks.past],
    );
    await query(`UPDATE callbacks SET ended_at = ${within(days)} WHERE id = $1`, [callbacks.within]);
    await query(`UPDATE callbacks SET created_at = ${past(days)} - interval '1 day' WHERE id = $1`, [callbacks.open]);
    await query(`UPDATE idempotent_requests SET created_at = ${past(days)} WHERE tenant_id = $1 AND key = $2`, [
      history.tenant.tenantId,
      history.pastKey,
    ]);
  }

  /**
   * Every row of the tenants' history, as PostgreSQL writes it, keyed by table and id; the rows of
   * `except` (an AutoCall dialing meanwhile) and its webhook events left out. An AutoCall's
   * retention bookkeeping is compared through what it reports instead (GET /v1/autocalls/{id}).
   */
  async function rowsOf(tenantIds: string[], except: string | null): Promise<Rows> {
    const rows = await query<{ key: string; row: string }>(
      `SELECT 'contacts/' || c.id AS key, row_to_json(c)::text AS row FROM contacts c
         WHERE c.tenant_id = ANY($1::uuid[]) AND c.autocall_id IS DISTINCT FROM $2::uuid
       UNION ALL SELECT 'contact_events/' || ce.id, row_to_json(ce)::text FROM contact_events ce
         JOIN contacts c ON c.id = ce.contact_id WHERE c.tenant_id = ANY($1) AND c.autocall_id IS DISTINCT FROM $2::uuid
       UNION ALL SELECT 'targets/' || t.id, row_to_json(t)::text FROM targets t
         WHERE t.tenant_id = ANY($1) AND t.autocall_id IS DISTINCT FROM $2::uuid
       UNION ALL SELECT 'target_events/' || te.id, row_to_json(te)::text FROM target_events te
         JOIN targets t ON t.id = te.target_id WHERE t.tenant_id = ANY($1) AND t.autocall_id IS DISTINCT FROM $2::uuid
       UNION ALL SELECT 'autocalls/' || a.id,
                        (to_jsonb(a) - 'removed_answered' - 'removed_abandoned' - 'anonymised_at')::text
         FROM autocalls a WHERE a.tenant_id = ANY($1) AND a.id IS DISTINCT FROM $2::uuid
       UNION ALL SELECT 'callbacks/' || b.id, row_to_json(b)::text FROM callbacks b WHERE b.tenant_id = ANY($1)
       UNION ALL SELECT 'webhook_events/' || e.id, row_to_json(e)::text FROM webhook_events e
         WHERE e.tenant_id = ANY($1) AND e.autocall_id IS DISTINCT FROM $2::uuid
       UNION ALL SELECT 'webhook_deliveries/' || d.id, row_to_json(d)::text FROM webhook_deliveries d
         JOIN webhook_events e ON e.id = d.event_id
         WHERE d.tenant_id = ANY($1) AND e.autocall_id IS DISTINCT FROM $2::uuid
       UNION ALL SELECT 'webhook_delivery_attempts/' || x.id, row_to_json(x)::text FROM webhook_delivery_attempts x
         JOIN webhook_deliveries d ON d.id = x.delivery_id JOIN webhook_events e ON e.id = d.event_id
         WHERE d.tenant_id = ANY($1) AND e.autocall_id IS DISTINCT FROM $2::uuid
       UNION ALL SELECT 'idempotent_requests/' || r.key, row_to_json(r)::text FROM idempotent_requests r
         WHERE r.tenant_id = ANY($1) AND r.key <> 'load'`,
      // (An id no AutoCall has when nothing is left out: events of no AutoCall are compared too.)
      [tenantIds, except ?? '00000000-0000-0000-0000-000000000000'],
    );
    return new Map(rows.map((r) => [r.key, r.row]));
  }

  /** The rows the test made past the period, by what retention must do to them. */
  async function pastRows(histories: History[]) {
    const allPast = histories.map((h) => h.allPast);
    const halfPast = histories.map((h) => h.halfPast);
    const ids = async (sql: string, params: unknown[]) => (await query<{ id: string }>(sql, params)).map((r) => r.id);
    const targets = await ids(
      `SELECT id FROM targets WHERE autocall_id = ANY($1::uuid[]) OR (autocall_id = ANY($2::uuid[]) AND position % 2 = 0)`,
      [allPast, halfPast],
    );
    const contacts = await ids(`SELECT id FROM contacts WHERE target_id = ANY($1::uuid[])`, [targets]);
    const contactEvents = await ids(`SELECT id::text FROM contact_events WHERE contact_id = ANY($1::uuid[])`, [
      contacts,
    ]);
    const events = await ids(`SELECT id FROM webhook_events WHERE autocall_id = ANY($1::uuid[])`, [allPast]);
    const deliveries = await ids(`SELECT id FROM webhook_deliveries WHERE event_id = ANY($1::uuid[])`, [events]);
    const attempts = await ids(`SELECT id::text FROM webhook_delivery_attempts WHERE delivery_id = ANY($1::uuid[])`, [
      deliveries,
    ]);
    return {
      targets,
      contacts,
      contactEvents,
      events,
      deliveries,
      attempts,
      callbacks: histories.map((h) => h.callbacks.past),
      keys: histories.map((h) => h.pastKey),
    };
  }

  it('runs a pass by itself on a worker, and one pass at a time', async () => {
    await waitFor(
      "the worker's first pass",
      async () => (await query(`SELECT id FROM retention_passes WHERE finished_at IS NOT NULL`)).length === 1,
      30_000,
    );
    // Not due: a pass finished within the hour.
    expect(await retention.runIfDue()).toBeNull();
    await query(`UPDATE retention_passes SET finished_at = now() - interval '61 minutes'`);
    // Due, but another process holds the pass: this one does not run.
    const store = context.get(RetentionStore);
    const elsewhere = (await store.open('try'))!;
    expect(elsewhere).not.toBeNull();
    expect(await store.open('try')).toBeNull();
    expect(await retention.runIfDue()).toBeNull();
    await store.close(elsewhere);
    expect(await retention.runIfDue()).not.toBeNull();
    expect(await retention.runIfDue()).toBeNull();
    const passes = await query<{ finished: boolean; removed: unknown }>(
      `SELECT finished_at IS NOT NULL AS finished, removed FROM retention_passes ORDER BY id`,
    );
    expect(passes).toEqual([
      { finished: true, removed: expect.objectContaining({ contacts: 0, targets: 0 }) },
      { finished: true, removed: expect.objectContaining({ contacts: 0, targets: 0 }) },
    ]);
  });

  describe('with two tenants, periods of 31 days (us) and 10 days (uk)', () => {
    let before: Rows;
    let after: Rows;
    let reported: Map<string, unknown>;
    let load: { id: string; tenant: TestTenant };
    let heldDelivery: { id: string; event_id: string };
    let keptOnLoad: { targetId: string; contactId: string | null };
    let passes: { result: RetentionPassResult; duringLoad: boolean; keptTheTarget: boolean | null }[];
    let pastIds: Awaited<ReturnType<typeof pastRows>>;

    beforeAll(async () => {
      us = await historyOf('us', { retentionDays: 31 }, 31);
      uk = await historyOf('uk', { complianceRegime: 'uk', retentionDays: 10 }, 10);
      for (const history of [us, uk]) await backdateTenant(history);
      // A delivery of a past event still waits for its next attempt (in a day): its event stays.
      [heldDelivery] = await query<{ id: string; event_id: string }>(
        `UPDATE webhook_deliveries SET status = 'pending', delivered_at = NULL, enqueued_at = now(),
                next_attempt_at = now() + interval '1 day', job_id = 'held-by-the-test'
         WHERE id = (SELECT d.id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                     WHERE e.autocall_id = $1 AND e.type = 'contact.status_changed' ORDER BY d.id LIMIT 1)
         RETURNING id, event_id`,
        [us.allPast],
      );
      pastIds = await pastRows([us, uk]);
      reported = new Map();
      for (const h of [us, uk]) for (const id of [h.halfPast, h.allPast]) reported.set(id, await detail(h.tenant, id));
      before = await rowsOf([us.tenant.tenantId, uk.tenant.tenantId], null);

      // Dialing load: a sequential AutoCall of the us tenant dials while the passes run.
      load = {
        tenant: us.tenant,
        id: (await submit(us.tenant, { mode: 'sequential', skill: 'sales', targets: numbers(400, '+8190') }, 'load'))
          .id,
      };
      // It has been dialing for longer than the period: one of its targets completed long ago, and
      // one of its live calls started long ago. An AutoCall still active keeps its targets, and a
      // live contact is never taken.
      await query(`UPDATE autocalls SET created_at = ${past(31)} - interval '1 day' WHERE id = $1`, [load.id]);
      keptOnLoad = await waitFor('the load to be dialing', async () => {
        const [target] = await query<{ id: string }>(
          `UPDATE targets SET completed_at = ${past(31)} WHERE id = (
             SELECT id FROM targets WHERE autocall_id = $1 AND status = ANY($2::target_status[]) ORDER BY position LIMIT 1)
           RETURNING id`,
          [load.id, [...TERMINAL_STATUSES]],
        );
        if (!target) return undefined;
        const [live] = await query<{ id: string }>(
          `UPDATE contacts SET created_at = ${past(31)} WHERE id = (
             SELECT id FROM contacts WHERE autocall_id = $1 AND status <> 'ended' LIMIT 1) RETURNING id`,
          [load.id],
        );
        return { targetId: target.id, contactId: live?.id ?? null };
      });
      passes = [];
      while ((await detail(load.tenant, load.id)).status === 'active') {
        const result = await retention.runPass();
        const duringLoad = (await detail(load.tenant, load.id)).status === 'active';
        // (Once the AutoCall has finished, its target completed long ago may go: checked after.)
        const [target] = await query<{ phone_number: string | null }>(
          `SELECT phone_number FROM targets WHERE id = $1`,
          [keptOnLoad.targetId],
        );
        passes.push({ result, duringLoad, keptTheTarget: duringLoad ? target.phone_number !== null : null });
      }
      after = await rowsOf([us.tenant.tenantId, uk.tenant.tenantId], load.id);
    }, 180_000);

    it('ran while the other AutoCall dialed', () => {
      expect(passes[0].duringLoad).toBe(true);
      const first = passes[0].result.removed;
      expect(first.contacts).toBe(pastIds.contacts.length);
      expect(first.targets).toBe(pastIds.targets.length);
      expect(first.callbacks).toBe(2);
      expect(first.webhook_events).toBe(pastIds.events.length - 1);
      // Each tenant at its own period.
      const days = new Map(passes[0].result.tenants.map((t) => [t.tenantId, t.days]));
      expect(days.get(us.tenant.tenantId)).toBe(31);
      expect(days.get(uk.tenant.tenantId)).toBe(10);
    });

    it('deletes the contacts that ended past the period, with their events, and nothing else', () => {
      expect(pastIds.contacts.length).toBeGreaterThan(10);
      for (const id of pastIds.contacts) expect(after.has(`contacts/${id}`)).toBe(false);
      for (const id of pastIds.contactEvents) expect(after.has(`contact_events/${id}`)).toBe(false);
    });

    it('removes the number, reference and data of the targets completed past the period, and nothing else of them', () => {
      for (const id of pastIds.targets) {
        const was = JSON.parse(before.get(`targets/${id}`)!);
        expect(was.phone_number).not.toBeNull();
        expect(JSON.parse(after.get(`targets/${id}`)!)).toEqual({
          ...was,
          phone_number: null,
          reference: null,
          data: null,
        });
      }
    });

    it('removes the number and data of the callbacks that ended past the period', () => {
      for (const id of pastIds.callbacks) {
        const was = JSON.parse(before.get(`callbacks/${id}`)!);
        expect(JSON.parse(after.get(`callbacks/${id}`)!)).toEqual({ ...was, phone_number: null, data: null });
      }
    });

    it('deletes the webhook events past the period once their deliveries are settled; a pending one keeps its event but not the answers', () => {
      for (const id of pastIds.events.filter((e) => e !== heldDelivery.event_id))
        expect(after.has(`webhook_events/${id}`)).toBe(false);
      expect(after.get(`webhook_events/${heldDelivery.event_id}`)).toBe(
        before.get(`webhook_events/${heldDelivery.event_id}`),
      );
      expect(after.get(`webhook_deliveries/${heldDelivery.id}`)).toBe(
        before.get(`webhook_deliveries/${heldDelivery.id}`),
      );
      const attempts = pastIds.attempts.filter((id) => after.has(`webhook_delivery_attempts/${id}`));
      expect(attempts).toHaveLength(1);
      const was = JSON.parse(before.get(`webhook_delivery_attempts/${attempts[0]}`)!);
      expect(was.response_excerpt).toBe('received by the CRM');
      expect(JSON.parse(after.get(`webhook_delivery_attempts/${attempts[0]}`)!)).toEqual({
        ...was,
        response_excerpt: null,
      });
    });

    it('deletes the stored answers past the period', () => {
      for (const key of pastIds.keys) expect(after.has(`idempotent_requests/${key}`)).toBe(false);
    });

    it('leaves every other row as it was, byte for byte', () => {
      const changed = new Set([
        ...pastIds.contacts.map((id) => `contacts/${id}`),
        ...pastIds.contactEvents.map((id) => `contact_events/${id}`),
        ...pastIds.targets.map((id) => `targets/${id}`),
        ...pastIds.callbacks.map((id) => `callbacks/${id}`),
        ...pastIds.events.map((id) => `webhook_events/${id}`),
        ...pastIds.deliveries.map((id) => `webhook_deliveries/${id}`),
        ...pastIds.attempts.map((id) => `webhook_delivery_attempts/${id}`),
        ...pastIds.keys.map((key) => `idempotent_requests/${key}`),
      ]);
      const kept = [...before.keys()].filter((key) => !changed.has(key));
      expect(kept.length).toBeGreaterThan(200);
      for (const key of kept) expect([key, after.get(key)]).toEqual([key, before.get(key)]);
      // Nothing new either, but for the load AutoCall's rows (left out of both).
      expect([...after.keys()].filter((key) => !before.has(key))).toEqual([]);
    });

    it('reports the same counts and abandon rate for every AutoCall after its contacts are deleted', async () => {
      for (const h of [us, uk])
        for (const id of [h.halfPast, h.allPast]) {
          const now = await detail(h.tenant, id);
          expect(now).toEqual(reported.get(id));
        }
      // The history is one the figures mean something for: people answered, some were connected
      // to an agent and some abandoned.
      const figures = [...reported.values()].map(
        (r) => (r as { abandon: { answered: number; abandoned: number } }).abandon,
      );
      const answered = figures.reduce((sum, f) => sum + f.answered, 0);
      const abandoned = figures.reduce((sum, f) => sum + f.abandoned, 0);
      expect(abandoned).toBeGreaterThan(0);
      expect(abandoned).toBeLessThan(answered);
    });

    it('answers every reader without the deleted contacts, within the contract', async () => {
      const tenant = us.tenant;
      const gone = pastIds.contacts.find((id) => after.has(`contacts/${id}`) === false)!;
      const contact = await engine.http().get(`/v1/contacts/${gone}`).set(admin(tenant)).expect(404);
      expect(contact.body.code).toBe('invalid_contact_id');
      const history = await engine.http().get(`/v1/contacts?autocallId=${us.allPast}`).set(admin(tenant)).expect(200);
      expect(history.body.items).toEqual([]);
      const half = await engine
        .http()
        .get(`/v1/contacts?autocallId=${us.halfPast}&limit=100`)
        .set(admin(tenant))
        .expect(200);
      expect(half.body.items.length).toBeGreaterThan(0);
      expect(half.body.items.every((c: { phoneNumber: string }) => c.phoneNumber.startsWith('+8170'))).toBe(true);

      const targets = await engine
        .http()
        .get(`/v1/autocalls/${us.halfPast}/targets?limit=100`)
        .set(admin(tenant))
        .expect(200);
      for (const target of targets.body.items) {
        if (target.position % 2 === 0) {
          expect(target).toMatchObject({ phoneNumber: null, reference: null, data: null });
          expect(target.lastContactId).not.toBeNull();
        } else expect(target).toMatchObject({ reference: `ref-${target.position}`, data: expect.any(Object) });
      }
      const callback = await engine.http().get(`/v1/callbacks/${us.callbacks.past}`).set(admin(tenant)).expect(200);
      expect(callback.body).toMatchObject({ status: 'cancelled', phoneNumber: null, data: null });
      const refused = await engine
        .http()
        .post('/v1/callbacks')
        .set(admin(tenant))
        .send({ contactId: gone, skill: 'sales' })
        .expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'contactId', code: 'unknown_contact' })]);

      const held = await engine.http().get(`/v1/webhook-deliveries/${heldDelivery.id}`).set(admin(tenant)).expect(200);
      expect(held.body.attemptLog.map((a: { responseExcerpt: string | null }) => a.responseExcerpt)).toEqual([null]);
      const deleted = pastIds.deliveries.find((id) => id !== heldDelivery.id)!;
      await engine.http().get(`/v1/webhook-deliveries/${deleted}`).set(admin(tenant)).expect(404);
    });

    it('lets the AutoCall that dialed meanwhile complete with right counts, its targets kept while it was active', async () => {
      const done = await detail(load.tenant, load.id);
      expect(done.status).toBe('completed');
      const counts = Object.values(done.counts as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(counts).toBe(400);
      expect(done.counts.pending + done.counts.dialing + done.counts.ringing).toBe(0);
      const [figures] = await query<{ contacts: number; attempts: number; answered: number; abandoned: number }>(
        `SELECT (SELECT count(*)::int FROM contacts WHERE autocall_id = $1) AS contacts,
                (SELECT sum(attempts)::int FROM targets WHERE autocall_id = $1) AS attempts,
                (SELECT count(*)::int FROM contacts WHERE autocall_id = $1 AND answered_by = 'human') AS answered,
                (SELECT count(*)::int FROM contacts WHERE autocall_id = $1 AND answered_by = 'human'
                   AND connected_at IS NULL AND status = 'ended') AS abandoned`,
        [load.id],
      );
      expect(figures.contacts).toBe(figures.attempts);
      expect(done.abandon).toMatchObject({ answered: figures.answered, abandoned: figures.abandoned });
      // Every pass that ended while it was active left its target completed long ago whole.
      const whileActive = passes.filter((p) => p.duringLoad).map((p) => p.keptTheTarget);
      expect(whileActive).toEqual(whileActive.map(() => true));
      if (keptOnLoad.contactId)
        expect(await query(`SELECT id FROM contacts WHERE id = $1`, [keptOnLoad.contactId])).toHaveLength(1);

      // Finished, its target completed past the period goes (at the pass that saw it finished, or
      // the next one); the rest stay.
      await retention.runPass();
      const left = await query<{ id: string }>(
        `SELECT id FROM targets WHERE autocall_id = $1 AND phone_number IS NOT NULL`,
        [load.id],
      );
      expect(left).toHaveLength(399);
      expect(left.map((t) => t.id)).not.toContain(keptOnLoad.targetId);
    });

    it('does nothing more when run again, by hand with `npm run cli -- retention:run`', async () => {
      const cli = AppProcess.spawn(
        'cli',
        { DATABASE_URL: engine.api.config.get('DATABASE_URL'), REDIS_URL: engine.api.config.get('REDIS_URL') },
        ['retention:run'],
      );
      expect(await cli.exited()).toBe(0);
      const again = JSON.parse(cli.output) as RetentionPassResult;
      expect(again.tenants.map((t) => t.tenantId)).toEqual(
        expect.arrayContaining([us.tenant.tenantId, uk.tenant.tenantId]),
      );
      expect(Object.values(again.removed).every((n) => n === 0)).toBe(true);
      expect(await rowsOf([us.tenant.tenantId, uk.tenant.tenantId], load.id)).toEqual(after);
    });
  });

  describe('the retentionDays setting', () => {
    let tenant: TestTenant;
    beforeAll(async () => {
      tenant = await engine.api.createTenant('settings', 1);
    });
    const put = (body: object) => engine.http().put('/v1/settings').set(bearer(tenant.adminKey)).send(body);

    it('is 90 days by default', async () => {
      expect(
        (await engine.http().get('/v1/settings').set(bearer(tenant.adminKey)).expect(200)).body.retentionDays,
      ).toBe(90);
    });

    it("is refused below the regime's minimum, naming it", async () => {
      const refused = await put({ retentionDays: 30 }).expect(400);
      expect(refused.body.code).toBe('invalid_request');
      expect(refused.body.errors).toEqual([
        {
          field: 'retentionDays',
          code: 'below_minimum_retention',
          message: expect.stringContaining('at least 31 days'),
        },
      ]);
      expect((await put({ retentionDays: 31 }).expect(200)).body.retentionDays).toBe(31);
      // A longer abandon-rate window of the tenant's own raises the minimum.
      const longer = await put({ compliance: { abandonWindowSeconds: 45 * 86_400 }, retentionDays: 40 }).expect(400);
      expect(longer.body.errors[0].message).toContain('at least 46 days');
    });

    it('is checked against the regime of the same change, and the longer period applies when the regime changes later', async () => {
      expect((await put({ complianceRegime: 'uk', retentionDays: 4 }).expect(200)).body.retentionDays).toBe(4);
      await put({ retentionDays: 3 }).expect(400);
      // Back to us: accepted, the setting kept as it is, and passes apply the us minimum.
      expect((await put({ complianceRegime: 'us' }).expect(200)).body.retentionDays).toBe(4);
      const pass = await retention.runPass();
      expect(pass.tenants.find((t) => t.tenantId === tenant.tenantId)?.days).toBe(31);
    });

    it('goes back to 90 days with null', async () => {
      expect((await put({ retentionDays: null }).expect(200)).body.retentionDays).toBe(90);
    });
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CallRecords, contactDetailSchema, contactPageSchema, PUBLIC_CONTACT_STATUSES } from '../../libs/dialing/src';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

/**
 * One status vocabulary for contacts (DESIGN §3): `abandoned`, a person answered and no agent took
 * the call, is a terminal status of its own, said the same way by the contact's API, its history's
 * filter, its timeline and the `contact.status_changed` webhook. The calls are ended through the
 * engine's own write path (CallRecords), on contacts stored as the engine stores them.
 */
describe('contact statuses', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let db: Client;

  beforeAll(async () => {
    api = await ApiHarness.start('contact_statuses', { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' });
    tenant = await api.createTenant('acme', 5);
    await api
      .http()
      .put('/v1/agents/ann')
      .set(bearer(tenant.adminKey))
      .send({ name: 'Ann', skills: ['sales'], endpoint: 'sip:ann@pbx' })
      .expect(201);
    await api
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(tenant.adminKey))
      .send({ url: 'http://127.0.0.1:9/hooks' })
      .expect(201);
    db = new Client({ connectionString: api.config.get('DATABASE_URL') });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await api.stop();
  });

  /** A contact the engine has put in `status`, its target with it. */
  async function contactOf(autocallId: string, position: number, status: 'answered' | 'ringing'): Promise<string> {
    const contactId = randomUUID();
    const { rowCount } = await db.query(
      `WITH t AS (UPDATE targets SET status = $3::text::target_status, attempts = 1, last_contact_id = $4
                  WHERE autocall_id = $1 AND position = $2 RETURNING id, tenant_id, phone_number)
       INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, status)
       SELECT $4, tenant_id, $1, id, 1, 'sales', phone_number, $3::text::contact_status FROM t`,
      [autocallId, position, status, contactId],
    );
    expect(rowCount).toBe(1);
    return contactId;
  }

  it('says abandoned for an answered caller no agent took, and ended for the rest', async () => {
    const admin = bearer(tenant.adminKey);
    const { body: autocall } = await api
      .http()
      .post('/v1/autocalls')
      .set(admin)
      .send({
        mode: 'sequential',
        skill: 'sales',
        targets: [{ phoneNumber: '+441632960001' }, { phoneNumber: '+441632960002' }],
      })
      .expect(202);
    const abandonedId = await contactOf(autocall.id, 0, 'answered');
    const endedId = await contactOf(autocall.id, 1, 'ringing');
    const records = api.app.get(CallRecords);
    const at = new Date('2026-11-30T12:00:00Z');
    await records.record({
      contactId: abandonedId,
      to: 'ended',
      at,
      cause: 'normal_clearing',
      target: { to: 'abandoned', reason: 'no_agent_within_threshold' },
    });
    await records.record({ contactId: endedId, to: 'ended', at, cause: 'no_answer', target: { to: 'no_answer' } });

    const { body: abandoned } = await api.http().get(`/v1/contacts/${abandonedId}`).set(admin).expect(200);
    // The answers are what the OpenAPI document says they are (strictly: no undocumented field).
    contactDetailSchema.strict().parse(abandoned);
    expect(abandoned.status).toBe('abandoned');
    expect(abandoned.timeline.at(-1).status).toBe('abandoned');
    expect(abandoned.target).toMatchObject({ status: 'abandoned', reason: 'no_agent_within_threshold' });
    const { body: ended } = await api.http().get(`/v1/contacts/${endedId}`).set(admin).expect(200);
    expect(ended.status).toBe('ended');

    const filtered = async (status: string) =>
      (
        await api.http().get(`/v1/contacts?autocallId=${autocall.id}&status=${status}`).set(admin).expect(200)
      ).body.items
        .map((c: { contactId: string }) => c.contactId)
        .sort();
    contactPageSchema
      .strict()
      .parse((await api.http().get(`/v1/contacts?autocallId=${autocall.id}`).set(admin).expect(200)).body);
    expect(await filtered('abandoned')).toEqual([abandonedId]);
    expect(await filtered('ended')).toEqual([endedId]);
    expect(await filtered('ended,abandoned')).toEqual([abandonedId, endedId].sort());

    // The webhook says the same of each.
    const { rows } = await db.query(
      `SELECT data->>'contactId' AS contact, data->>'status' AS status FROM webhook_events
       WHERE type = 'contact.status_changed' AND autocall_id = $1`,
      [autocall.id],
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { contact: abandonedId, status: 'abandoned' },
        { contact: endedId, status: 'ended' },
      ]),
    );
  });

  it('accepts as a filter every status a webhook can carry, and no other', async () => {
    // What contact.status_changed can say: the stored lifecycle states, and abandoned.
    const { rows } = await db.query(`SELECT unnest(enum_range(NULL::contact_status))::text AS status`);
    const webhookStatuses = [...rows.map((r: { status: string }) => r.status), 'abandoned'];
    expect([...PUBLIC_CONTACT_STATUSES].sort()).toEqual(webhookStatuses.sort());
    for (const status of webhookStatuses) {
      await api.http().get(`/v1/contacts?status=${status}`).set(bearer(tenant.adminKey)).expect(200);
    }
    const refused = await api.http().get('/v1/contacts?status=hung_up').set(bearer(tenant.adminKey)).expect(400);
    expect(refused.body.code).toBe('invalid_request');
  });
});

import { Client } from 'pg';
import { bearer, TestTenant } from '../support/api-harness';
import { columnsHolding } from '../support/database-search';
import { EVERY_CALL_ANSWERED, EngineHarness } from '../support/engine-harness';
import { waitFor } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

/** The person who asks to be forgotten, and the same number without its plus. */
const SUBJECT = '+442000000777';
const DIGITS = SUBJECT.slice(1);
const OTHER = '+442000000101';

/**
 * Erasure on request (POST /v1/data-subjects/erase): the number leaves every row of PostgreSQL
 * (searched over every text and JSON column), its held targets and callbacks are never dialed, the
 * AutoCalls that called it keep their figures, and a later submission of it is skipped
 * (do_not_call) without storing it: only a keyed hash of it stays, on the do-not-call list.
 */
describe('erasure of a data subject', () => {
  let engine: EngineHarness;
  let receiver: WebhookReceiver;
  let db: Client;
  let tenant: TestTenant;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    // The receiver's answer repeats the number: the attempt's response excerpt keeps it masked.
    receiver.behaviour = () => ({ status: 200, body: `noted ${SUBJECT}` });
    engine = await EngineHarness.start('erasure', {
      ...EVERY_CALL_ANSWERED,
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    });
    db = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await db.connect();
    tenant = await engine.tenantWithAgents({ lines: 4, skill: 'sales', agents: 2, prefix: 'er' });
    // National numbers are British here.
    await engine.http().put('/v1/settings').set(bearer(tenant.adminKey)).send({ defaultCountry: 'GB' }).expect(200);
    // A skill whose only agent is logged out: its targets stay held.
    await engine
      .http()
      .put('/v1/agents/er-care')
      .set(bearer(tenant.adminKey))
      .send({ name: 'care', skills: ['care'], endpoint: 'sip:er-care@pbx.test' })
      .expect(201);
  });
  afterAll(async () => {
    await db?.end();
    await engine?.stop();
    await receiver?.close();
  });

  const admin = () => bearer(tenant.adminKey);
  const erase = (phoneNumber: string) =>
    engine.http().post('/v1/data-subjects/erase').set(admin()).send({ phoneNumber });
  const targetsOf = async (autocallId: string) =>
    (await engine.http().get(`/v1/autocalls/${autocallId}/targets`).set(admin()).expect(200)).body.items as {
      phoneNumber: string | null;
      reference: string | null;
      data: Record<string, unknown> | null;
      status: string;
      reason: string | null;
      lastContactId: string | null;
    }[];

  it('removes the number from every row and keeps only its hash, so it is never dialed again', async () => {
    await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(admin())
      .send({ url: receiver.url('/hooks') })
      .expect(201);

    // Called once, with the CRM's data (which mentions the number), under an Idempotency-Key.
    const firstList = {
      mode: 'sequential',
      skill: 'sales',
      targets: [
        { phoneNumber: SUBJECT, reference: `crm-${DIGITS}`, data: { name: 'Ada', phone: SUBJECT } },
        { phoneNumber: OTHER, reference: 'crm-101', data: { name: 'Bob', referredBy: `call ${DIGITS} first` } },
      ],
    };
    const called = await engine
      .http()
      .post('/v1/autocalls')
      .set(admin())
      .set('Idempotency-Key', 'first-list')
      .send(firstList)
      .expect(202);
    const done = await engine.finished(tenant, called.body.id);
    // Held: its agent is logged out.
    const held = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'care',
      targets: [{ phoneNumber: SUBJECT }, { phoneNumber: OTHER }],
    });
    const callback = await engine
      .http()
      .post('/v1/callbacks')
      .set(admin())
      .send({ phoneNumber: SUBJECT, skill: 'sales', scheduledAt: new Date(Date.now() + 3_600_000).toISOString() })
      .expect(201);
    await engine.http().post('/v1/call-stops').set(admin()).send({ phoneNumber: SUBJECT, reason: 'asked' }).expect(201);
    // Its webhooks delivered, and the receiver's answers recorded.
    await waitFor('the completed AutoCall delivered', async () =>
      receiver.events((h) => h.envelope.type === 'autocall.completed').length > 0 ? true : undefined,
    );
    const holding = await columnsHolding(db, [DIGITS]);
    expect(holding).toEqual(
      expect.arrayContaining([
        'targets.phone_number',
        'targets.data',
        'contacts.phone_number',
        'callbacks.phone_number',
        'call_stops.phone_number',
        'webhook_events.data',
        'idempotent_requests.answer',
      ]),
    );

    expect(holding).not.toContain('webhook_delivery_attempts.response_excerpt');
    const { rows: excerpts } = await db.query(`SELECT DISTINCT response_excerpt FROM webhook_delivery_attempts`);
    expect(excerpts).toEqual([{ response_excerpt: 'noted +44********77' }]);

    const before = await targetsOf(called.body.id);
    const { body: erased } = await erase(SUBJECT).expect(200);

    expect(erased).toMatchObject({
      alreadyErased: false,
      targetsSkipped: 1,
      contactsEnded: 0,
      callbacksCancelled: 1,
      rowsErased: { callStops: 1, idempotentAnswers: 1, callbacks: 1 },
    });
    // The first list's two targets (one holds it, one mentions it) and the held one.
    expect(erased.rowsErased.targets).toBe(3);
    expect(erased.rowsErased.contacts).toBeGreaterThanOrEqual(1);
    expect(erased.rowsErased.webhookEvents).toBeGreaterThan(0);
    expect(await columnsHolding(db, [DIGITS])).toEqual([]);
    expect(JSON.stringify(erased)).not.toContain(DIGITS);

    // What it removed, seen through the API: the rows stay, without the number.
    const [first, second] = await targetsOf(called.body.id);
    expect(first).toEqual({ ...before[0], phoneNumber: null, data: null, reference: 'crm-[erased]' });
    expect(second).toMatchObject({ phoneNumber: OTHER, data: { name: 'Bob', referredBy: 'call [erased] first' } });
    const contact = await engine.http().get(`/v1/contacts/${first.lastContactId}`).set(admin()).expect(200);
    expect(contact.body).toMatchObject({ phoneNumber: null, endedAt: expect.any(String) });
    const after = await engine.http().get(`/v1/autocalls/${called.body.id}`).set(admin()).expect(200);
    expect({ counts: after.body.counts, abandon: after.body.abandon }).toEqual({
      counts: done.counts,
      abandon: done.abandon,
    });
    // Its held target will never be dialed; the other one still waits for its agent.
    expect(await targetsOf(held.id)).toMatchObject([
      { phoneNumber: null, status: 'skipped', reason: 'do_not_call' },
      { phoneNumber: OTHER, status: 'pending' },
    ]);
    const cancelled = await engine.http().get(`/v1/callbacks/${callback.body.id}`).set(admin()).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', phoneNumber: null });
    const stops = await engine.http().get('/v1/call-stops').set(admin()).expect(200);
    expect(stops.body.items).toEqual([]);
    // A replay of the keyed submission answers as before, without the number.
    const replay = await engine
      .http()
      .post('/v1/autocalls')
      .set(admin())
      .set('Idempotency-Key', 'first-list')
      .send(firstList)
      .expect(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.targets[0]).toMatchObject({ phoneNumber: null, reference: 'crm-[erased]' });

    // Submitted again (nationally written): skipped as do-not-call, and still stored nowhere.
    const again = await engine.submit(tenant, {
      mode: 'immediate',
      skill: 'sales',
      targets: [{ phoneNumber: '020 0000 0777', data: { name: 'Ada' } }, { phoneNumber: OTHER }],
    });
    expect(again.targets[0]).toMatchObject({ phoneNumber: null, status: 'skipped', reason: 'do_not_call' });
    await engine.finished(tenant, again.id);
    expect(await columnsHolding(db, [DIGITS])).toEqual([]);
    const [kept] = await targetsOf(again.id);
    expect(kept).toMatchObject({ phoneNumber: null, data: null, status: 'skipped' });

    // Nor can a callback bring it back.
    const refused = await engine
      .http()
      .post('/v1/callbacks')
      .set(admin())
      .send({ phoneNumber: SUBJECT, skill: 'sales' })
      .expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'phoneNumber', code: 'number_erased' })]);

    // Asked again: nothing more to remove.
    const { body: twice } = await erase(SUBJECT).expect(200);
    expect(twice).toMatchObject({
      alreadyErased: true,
      targetsSkipped: 0,
      contactsEnded: 0,
      callbacksCancelled: 0,
      rowsErased: {
        targets: 0,
        contacts: 0,
        callbacks: 0,
        callStops: 0,
        webhookEvents: 0,
        webhookDeliveryAttempts: 0,
        idempotentAnswers: 0,
      },
    });
  });

  it('never lets a submission racing the erasure store the number', async () => {
    const racer = '+442000000888';
    const submissions = Array.from({ length: 6 }, (_, i) =>
      engine.submit(tenant, {
        mode: 'sequential',
        skill: 'care',
        targets: [{ phoneNumber: racer, reference: `race-${i}` }],
      }),
    );
    const [erased] = await Promise.all([erase(racer).expect(200), ...submissions]);
    // Each submission was either stored before the erasure (and erased by it) or after (skipped).
    expect(erased.body.alreadyErased).toBe(false);
    expect(await columnsHolding(db, [racer.slice(1)])).toEqual([]);
    const { rows } = await db.query(
      `SELECT status::text, reason FROM targets WHERE tenant_id = $1 AND reference LIKE 'race-%'`,
      [tenant.tenantId],
    );
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row).toEqual({ status: 'skipped', reason: 'do_not_call' });
  });

  it('is for admins only, and refuses a number that is not one', async () => {
    const supervisor = await engine.api.createKey(tenant, 'supervisor');
    await engine
      .http()
      .post('/v1/data-subjects/erase')
      .set(bearer(supervisor))
      .send({ phoneNumber: SUBJECT })
      .expect(403);
    const invalid = await erase('not a number').expect(400);
    expect(invalid.body.errors).toEqual([
      expect.objectContaining({ field: 'phoneNumber', code: 'invalid_phone_number' }),
    ]);
    await engine.http().post('/v1/data-subjects/erase').set(admin()).send({}).expect(400);
  });
});

/**
 * Erasure of a number whose call is in progress (real time: answered after about a second, talks
 * for ten minutes): the call is ended at once as by End a Contact, its line and agent come back,
 * and the number is gone from the contact the worker still held.
 */
describe('erasure of a number on a call', () => {
  let engine: EngineHarness;
  let db: Client;

  beforeAll(async () => {
    engine = await EngineHarness.start('erasure_live', {
      ...EVERY_CALL_ANSWERED,
      SIMULATOR_TIME_SCALE: '1',
      SIMULATOR_RING_SECONDS_MEAN: '1',
      SIMULATOR_TALK_SECONDS_MEAN: '600',
      SIMULATOR_PATIENCE_SECONDS_MEAN: '600',
      SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
    });
    db = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await engine?.stop();
  });

  it('ends the call, frees its line and agent, and leaves the number nowhere', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 1, skill: 'sales', agents: 1, prefix: 'el' });
    const admin = bearer(tenant.adminKey);
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: [{ phoneNumber: SUBJECT }],
    });
    const contacts = async () =>
      (await engine.http().get(`/v1/contacts?autocallId=${submitted.id}`).set(admin).expect(200)).body.items as {
        contactId: string;
        status: string;
      }[];
    const connected = await waitFor('the call connected', async () =>
      (await contacts()).find((c) => c.status === 'connected'),
    );

    const { body: erased } = await engine
      .http()
      .post('/v1/data-subjects/erase')
      .set(admin)
      .send({ phoneNumber: SUBJECT })
      .expect(200);
    expect(erased).toMatchObject({ contactsEnded: 1, targetsSkipped: 0 });

    const done = await engine.finished(tenant, submitted.id, 20_000);
    expect(done.counts.completed).toBe(1);
    const [target] = (await engine.http().get(`/v1/autocalls/${submitted.id}/targets`).set(admin).expect(200)).body
      .items;
    expect(target).toMatchObject({ phoneNumber: null, status: 'completed', reason: 'erased' });
    const contact = await engine.http().get(`/v1/contacts/${connected.contactId}`).set(admin).expect(200);
    expect(contact.body).toMatchObject({ phoneNumber: null, status: 'ended' });
    await waitFor('the line and the agent back', async () => {
      const usage = (await engine.http().get('/v1/lines/usage').set(admin).expect(200)).body;
      const agent = (await engine.http().get('/v1/agents/el-0').set(admin).expect(200)).body;
      return usage.inUse.outbound === 0 && agent.state !== 'on_call' ? true : undefined;
    });
    expect(await columnsHolding(db, [DIGITS])).toEqual([]);
  });
});

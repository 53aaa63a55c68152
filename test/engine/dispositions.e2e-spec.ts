import { Client } from 'pg';
import { bearer, TestTenant } from '../support/api-harness';
import { columnsHolding } from '../support/database-search';
import { EngineHarness, EVERY_CALL_ANSWERED } from '../support/engine-harness';
import { waitFor } from '../support/processes';
import { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

/**
 * Dispositions end to end, through the API and a real worker on the simulator (300×: a network
 * minute is 0.2 s): each kind of code does what it says, the wrap-up ends with the default code
 * (also after the worker holding the timer died), requireDisposition holds, and the simulated
 * agents disposition from their configured shares.
 */
const CODES = {
  no_conclusion: { label: 'No conclusion', kind: 'final', isDefault: true },
  sale: { label: 'Sale', kind: 'final' },
  retry_later: { label: 'Try again later', kind: 'retry', retryDelaySeconds: 60, retryMaxAttempts: 3 },
  call_me: { label: 'Call me back', kind: 'callback' },
  dnc: { label: 'Do not call me', kind: 'do_not_call' },
};

describe('dispositions', () => {
  let engine: EngineHarness;
  let receiver: WebhookReceiver;
  let tenant: TestTenant;
  let agentKey: string;
  let supervisorKey: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    engine = await EngineHarness.start('dispositions', {
      ...EVERY_CALL_ANSWERED,
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      // Only the codes of the simulated-agents tenant: elsewhere a simulated agent's choice is unknown (400).
      SIMULATOR_DISPOSITIONS: 'sim_sale:0.5',
    });
    // One agent: every call of this tenant is d-0's, the agent key's.
    tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 1, prefix: 'd' });
    agentKey = await engine.api.createKey(tenant, 'agent', 'd-0');
    supervisorKey = await engine.api.createKey(tenant, 'supervisor');
    await defineCodes(tenant, CODES);
    // An hour of wrap-up (12 s here): the tests disposition long before it ends.
    await engine.http().put('/v1/settings').set(bearer(tenant.adminKey)).send({ wrapUpSeconds: 3600 }).expect(200);
    await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(tenant.adminKey))
      .send({ url: receiver.url('/d'), eventTypes: ['contact.disposition_set', 'autocall.target.completed'] })
      .expect(201);
  });
  afterAll(async () => {
    await engine.stop();
    await receiver.close();
  });

  async function defineCodes(owner: TestTenant, codes: Record<string, object>) {
    for (const [code, body] of Object.entries(codes))
      await engine.http().put(`/v1/dispositions/${code}`).set(bearer(owner.adminKey)).send(body).expect(201);
  }

  async function dial(owner: TestTenant, phoneNumber: string) {
    return (await engine.submit(owner, { mode: 'sequential', skill: 'sales', targets: [{ phoneNumber }] })) as {
      id: string;
    };
  }

  /** The AutoCall's contact of this attempt once its call has ended, awaiting its disposition. */
  async function awaiting(owner: TestTenant, autocallId: string, attempt = 1) {
    return waitFor(`attempt ${attempt} of ${autocallId} to await its disposition`, async () => {
      const { body } = await engine
        .http()
        .get(`/v1/contacts?autocallId=${autocallId}`)
        .set(bearer(owner.adminKey))
        .expect(200);
      return body.items.find(
        (c: { attempt: number; status: string; wrapUpUntil: string | null }) =>
          c.attempt === attempt && c.status === 'ended' && c.wrapUpUntil !== null,
      ) as { contactId: string; agentId: string; targetId: string } | undefined;
    });
  }

  const targetOf = async (owner: TestTenant, autocallId: string) =>
    (await engine.http().get(`/v1/autocalls/${autocallId}/targets`).set(bearer(owner.adminKey)).expect(200)).body
      .items[0];

  const agentState = async (owner: TestTenant, agentId: string) =>
    (await engine.http().get(`/v1/agents/${agentId}`).set(bearer(owner.adminKey)).expect(200)).body.state;

  const setDisposition = (key: string, contactId: string, body: object) =>
    engine.http().post(`/v1/contacts/${contactId}/disposition`).set(bearer(key)).send(body);

  it('a final code ends the target with it, once, and releases the agent from wrap-up', async () => {
    const autocall = await dial(tenant, '+81355510001');
    const contact = await awaiting(tenant, autocall.id);
    // The call is over, its outcome is not: the target waits for the agent's conclusion.
    expect((await targetOf(tenant, autocall.id)).status).toBe('connected');
    expect(await agentState(tenant, 'd-0')).toBe('wrap_up');

    const { body } = await setDisposition(agentKey, contact.contactId, {
      code: 'sale',
      notes: 'Gold plan from January',
    }).expect(201);
    expect(body).toMatchObject({ kind: 'final', applied: true, callbackId: null });
    expect(body.disposition).toMatchObject({ code: 'sale', notes: 'Gold plan from January', by: 'agent' });

    const done = await engine.finished(tenant, autocall.id);
    expect(done.dispositions).toEqual({ sale: 1 });
    expect(await targetOf(tenant, autocall.id)).toMatchObject({
      status: 'completed',
      reason: 'completed',
      disposition: 'sale',
    });
    // The live dashboard shows them per AutoCall.
    const { body: snapshot } = await engine
      .http()
      .get('/admin/dashboard/snapshot')
      .set('Authorization', `Basic ${Buffer.from(`ops:${tenant.adminKey}`).toString('base64')}`)
      .expect(200);
    const shown = snapshot.tenants[0].autocalls.find((a: { id: string }) => a.id === autocall.id);
    expect(shown.dispositions).toEqual({ sale: 1 });
    expect(await agentState(tenant, 'd-0')).toBe('available');
    const again = await setDisposition(supervisorKey, contact.contactId, { code: 'dnc' }).expect(409);
    expect(again.body.code).toBe('conflict');

    // Its events: contact.disposition_set, then the target's completion carrying the code.
    const hooks = await waitFor('the webhooks', async () => {
      const mine = receiver.received.filter(
        (h: ReceivedWebhook) =>
          h.envelope.data.contactId === contact.contactId || h.envelope.data.targetId === contact.targetId,
      );
      return mine.length >= 2 ? mine : undefined;
    });
    expect(hooks.map((h) => h.envelope.type)).toEqual(['contact.disposition_set', 'autocall.target.completed']);
    expect(hooks[0].envelope.data.disposition).toMatchObject({
      code: 'sale',
      label: 'Sale',
      kind: 'final',
      notes: 'Gold plan from January',
      by: 'agent',
    });
    expect(hooks[1].envelope.data).toMatchObject({ status: 'completed', disposition: 'sale' });
    expect(hooks[1].envelope.data.contact.disposition).toBe('sale');
  });

  it('a retry code sends the target back to pending: it is dialed again after its delay', async () => {
    const autocall = await dial(tenant, '+81355510002');
    const first = await awaiting(tenant, autocall.id, 1);
    // A supervisor sets it for the agent.
    await setDisposition(supervisorKey, first.contactId, { code: 'retry_later' }).expect(201);
    const second = await awaiting(tenant, autocall.id, 2);
    expect(second.contactId).not.toBe(first.contactId);
    await setDisposition(agentKey, second.contactId, { code: 'sale' }).expect(201);
    const done = await engine.finished(tenant, autocall.id);
    expect(done.dispositions).toEqual({ sale: 1 });
    expect(await targetOf(tenant, autocall.id)).toMatchObject({
      status: 'completed',
      attempts: 2,
      disposition: 'sale',
    });
    const { body: firstContact } = await engine
      .http()
      .get(`/v1/contacts/${first.contactId}`)
      .set(bearer(tenant.adminKey))
      .expect(200);
    expect(firstContact.disposition).toMatchObject({ code: 'retry_later', by: 'supervisor' });
  });

  it('a callback code schedules a callback to its owner, dialed at its time', async () => {
    const autocall = await dial(tenant, '+81355510003');
    const contact = await awaiting(tenant, autocall.id);
    const scheduledAt = new Date(Date.now() + 1_500).toISOString();
    const { body } = await setDisposition(agentKey, contact.contactId, {
      code: 'call_me',
      callback: { scheduledAt, owned: true },
    }).expect(201);
    expect(body.callbackId).toEqual(expect.any(String));
    expect(await targetOf(tenant, autocall.id)).toMatchObject({
      status: 'completed',
      reason: 'callback_scheduled',
      disposition: 'call_me',
    });
    const { body: callback } = await engine
      .http()
      .get(`/v1/callbacks/${body.callbackId}`)
      .set(bearer(tenant.adminKey))
      .expect(200);
    expect(callback).toMatchObject({
      status: 'scheduled',
      contactId: contact.contactId,
      phoneNumber: '+81355510003',
      ownerAgentId: 'd-0',
      skill: 'sales',
    });
    // At its time it is dialed, to its owner; its own call awaits a disposition too.
    const queued = await waitFor('the callback to be dialed', async () => {
      const { body: now } = await engine.http().get(`/v1/callbacks/${body.callbackId}`).set(bearer(tenant.adminKey));
      return now.autocallId ? now : undefined;
    });
    const callbackContact = await awaiting(tenant, queued.autocallId);
    expect(callbackContact.agentId).toBe('d-0');
    await setDisposition(agentKey, callbackContact.contactId, { code: 'sale' }).expect(201);
    const ended = await waitFor('the callback to complete', async () => {
      const { body: now } = await engine.http().get(`/v1/callbacks/${body.callbackId}`).set(bearer(tenant.adminKey));
      return now.status === 'completed' ? now : undefined;
    });
    expect(ended.outcome).toBe('completed');
  });

  it('a do_not_call code stops the number: it is never dialed again', async () => {
    const autocall = await dial(tenant, '+81355510004');
    const contact = await awaiting(tenant, autocall.id);
    await setDisposition(agentKey, contact.contactId, { code: 'dnc' }).expect(201);
    expect(await targetOf(tenant, autocall.id)).toMatchObject({
      status: 'completed',
      reason: 'do_not_call',
      disposition: 'dnc',
    });
    const { body: stops } = await engine.http().get('/v1/call-stops').set(bearer(tenant.adminKey)).expect(200);
    expect(stops.items).toEqual([expect.objectContaining({ phoneNumber: '+81355510004', reason: 'disposition:dnc' })]);

    const again = await dial(tenant, '+81355510004');
    await engine.finished(tenant, again.id);
    expect(await targetOf(tenant, again.id)).toMatchObject({ status: 'skipped', reason: 'do_not_call', attempts: 0 });
  });

  it('refuses an unknown code (400), a callback for another kind (400), another agent (403), another tenant (404)', async () => {
    const autocall = await dial(tenant, '+81355510005');
    const contact = await awaiting(tenant, autocall.id);
    const unknown = await setDisposition(agentKey, contact.contactId, { code: 'nope' }).expect(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'code', code: 'unknown_disposition_code' })]);
    const misplaced = await setDisposition(agentKey, contact.contactId, {
      code: 'sale',
      callback: { owned: true },
    }).expect(400);
    expect(misplaced.body.code).toBe('invalid_request');

    await engine
      .http()
      .put('/v1/agents/d-9')
      .set(bearer(tenant.adminKey))
      .send({ name: 'd-9', skills: ['sales'], endpoint: 'sip:d-9@pbx.test' })
      .expect(201);
    const otherAgent = await engine.api.createKey(tenant, 'agent', 'd-9');
    expect((await setDisposition(otherAgent, contact.contactId, { code: 'sale' }).expect(403)).body.code).toBe(
      'unauthorized',
    );
    const stranger = await engine.api.createTenant('stranger');
    await defineCodes(stranger, { sale: { label: 'Sale', kind: 'final', isDefault: true } });
    const foreign = await setDisposition(stranger.adminKey, contact.contactId, { code: 'sale' }).expect(404);
    expect(foreign.body.code).toBe('invalid_contact_id');
    // Nothing of the refusals stuck: the contact still awaits, and takes a disposition.
    await setDisposition(agentKey, contact.contactId, { code: 'sale' }).expect(201);
    await engine.finished(tenant, autocall.id);
  });

  it('requireDisposition: the agent cannot leave wrap-up before the call has a disposition', async () => {
    await engine.http().put('/v1/settings').set(bearer(tenant.adminKey)).send({ requireDisposition: true }).expect(200);
    try {
      const autocall = await dial(tenant, '+81355510006');
      const contact = await awaiting(tenant, autocall.id);
      // The agent is in this call's wrap-up from the statement that ended it on (one write): seen
      // still on the call here under load when the two were separate statements.
      const refused = await engine
        .http()
        .put('/v1/agents/d-0/state')
        .set(bearer(agentKey))
        .send({ state: 'available' })
        .expect(409);
      expect(refused.body.detail).toMatch(/disposition/);
      expect(await agentState(tenant, 'd-0')).toBe('wrap_up');
      await setDisposition(agentKey, contact.contactId, { code: 'sale' }).expect(201);
      expect(await agentState(tenant, 'd-0')).toBe('available');
      await engine.finished(tenant, autocall.id);
    } finally {
      await engine
        .http()
        .put('/v1/settings')
        .set(bearer(tenant.adminKey))
        .send({ requireDisposition: null })
        .expect(200);
    }
  });

  it('without requireDisposition an agent may leave wrap-up; the disposition is still taken until its end', async () => {
    const autocall = await dial(tenant, '+81355510007');
    const contact = await awaiting(tenant, autocall.id);
    await engine.http().put('/v1/agents/d-0/state').set(bearer(agentKey)).send({ state: 'available' }).expect(200);
    expect((await targetOf(tenant, autocall.id)).status).toBe('connected');
    await setDisposition(agentKey, contact.contactId, { code: 'sale' }).expect(201);
    await engine.finished(tenant, autocall.id);
  });

  it('an agent who never dispositions is available again at wrapUpSeconds, with the default code', async () => {
    const quick = await engine.tenantWithAgents({ lines: 1, skill: 'sales', agents: 1, prefix: 'q' });
    await defineCodes(quick, { gave_up: { label: 'Nobody said', kind: 'final', isDefault: true } });
    // 5 s of wrap-up: 17 ms here.
    await engine.http().put('/v1/settings').set(bearer(quick.adminKey)).send({ wrapUpSeconds: 5 }).expect(200);
    const autocall = await dial(quick, '+81355520001');
    const done = await engine.finished(quick, autocall.id);
    expect(done.dispositions).toEqual({ gave_up: 1 });
    const target = await targetOf(quick, autocall.id);
    const { body: contact } = await engine
      .http()
      .get(`/v1/contacts/${target.lastContactId}`)
      .set(bearer(quick.adminKey))
      .expect(200);
    expect(contact.disposition).toMatchObject({ code: 'gave_up', by: 'default', notes: null });
    expect(contact.wrapUpUntil).toBeNull();
    await waitFor('the agent to be available', async () => (await agentState(quick, 'q-0')) === 'available');
    const late = await setDisposition(quick.adminKey, contact.contactId, { code: 'gave_up' }).expect(409);
    expect(late.body.code).toBe('conflict');
  });

  it("erasure removes a disposition's notes with the number, and the number from others' notes", async () => {
    const subject = '+81355510008';
    const mine = await dial(tenant, subject);
    const subjectContact = await awaiting(tenant, mine.id);
    await setDisposition(agentKey, subjectContact.contactId, { code: 'sale', notes: 'Prefers Ms. Tanaka' }).expect(201);
    const other = await dial(tenant, '+81355510009');
    const otherContact = await awaiting(tenant, other.id);
    await setDisposition(agentKey, otherContact.contactId, {
      code: 'sale',
      notes: `Sister, reachable on ${subject}`,
    }).expect(201);
    await engine.finished(tenant, other.id);

    await engine
      .http()
      .post('/v1/data-subjects/erase')
      .set(bearer(tenant.adminKey))
      .send({ phoneNumber: subject })
      .expect(200);
    const notesOf = async (contactId: string) =>
      (await engine.http().get(`/v1/contacts/${contactId}`).set(bearer(tenant.adminKey)).expect(200)).body.disposition;
    expect(await notesOf(subjectContact.contactId)).toMatchObject({ code: 'sale', notes: null });
    expect(await notesOf(otherContact.contactId)).toMatchObject({
      code: 'sale',
      notes: 'Sister, reachable on [erased]',
    });
    // Nowhere else either: the contact.disposition_set events carried the notes.
    const db = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await db.connect();
    try {
      expect(await columnsHolding(db, [subject.slice(1), 'Tanaka'])).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('the simulated agents disposition from their shares; the rest time out to the default', async () => {
    const simulated = await engine.tenantWithAgents({ lines: 4, skill: 'sales', agents: 4, prefix: 's' });
    await defineCodes(simulated, {
      sim_none: { label: 'Forgot', kind: 'final', isDefault: true },
      sim_sale: { label: 'Sale', kind: 'final' },
    });
    // 300 s of wrap-up (1 s here): the simulated agents' own wrap-up (2.5 to 7.5 s) ends well before.
    await engine.http().put('/v1/settings').set(bearer(simulated.adminKey)).send({ wrapUpSeconds: 300 }).expect(200);
    const targets = Array.from({ length: 20 }, (_, i) => ({ phoneNumber: `+8135553${String(i).padStart(4, '0')}` }));
    const submitted = await engine.submit(simulated, { mode: 'sequential', skill: 'sales', targets });
    const done = await engine.finished(simulated, submitted.id);
    // Half of them on average, at random: each kind is there (one missing: 2 in a million).
    expect(done.dispositions.sim_sale + done.dispositions.sim_none).toBe(20);
    expect(done.dispositions.sim_sale).toBeGreaterThan(0);
    expect(done.dispositions.sim_none).toBeGreaterThan(0);
    const { body: contacts } = await engine
      .http()
      .get(`/v1/contacts?autocallId=${submitted.id}`)
      .set(bearer(simulated.adminKey))
      .expect(200);
    for (const contact of contacts.items)
      expect([contact.disposition.code, contact.disposition.by]).toEqual(
        contact.disposition.code === 'sim_sale' ? ['sim_sale', 'agent'] : ['sim_none', 'default'],
      );
  });

  it('the wrap-up ends with the default code even when the worker holding its timer dies', async () => {
    const crashing = await engine.tenantWithAgents({ lines: 1, skill: 'sales', agents: 1, prefix: 'c' });
    await defineCodes(crashing, { lost_track: { label: 'Nobody said', kind: 'final', isDefault: true } });
    // 600 s of wrap-up: 2 s here, time enough to kill the worker in it.
    await engine.http().put('/v1/settings').set(bearer(crashing.adminKey)).send({ wrapUpSeconds: 600 }).expect(200);
    const autocall = await dial(crashing, '+81355540001');
    await awaiting(crashing, autocall.id);
    await engine.workers[0].stop('SIGKILL');
    await engine.startWorker();
    const done = await engine.finished(crashing, autocall.id);
    expect(done.dispositions).toEqual({ lost_track: 1 });
    await waitFor('the agent to be available', async () => (await agentState(crashing, 'c-0')) === 'available');
  });
});

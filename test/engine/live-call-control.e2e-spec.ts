import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';

/**
 * End a Contact, waiting calls, cancel with hang-up and Terminate Agent Session on live calls.
 * Real time here (scale 1): every call is answered after about a second, talks for ten minutes,
 * and a caller waits for an agent for ten minutes, so each state lasts long enough to act in.
 */
describe('live call control', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;
  let supervisor: string;

  beforeAll(async () => {
    engine = await EngineHarness.start('live_control', {
      SIMULATOR_SEED: 'live-control',
      SIMULATOR_TIME_SCALE: '1',
      SIMULATOR_ANSWER_PROBABILITY: '1',
      SIMULATOR_BUSY_RATE: '0',
      SIMULATOR_FAILURE_RATE: '0',
      SIMULATOR_UNREACHABLE_RATE: '0',
      SIMULATOR_MACHINE_SHARE: '0',
      SIMULATOR_RING_SECONDS_MEAN: '1.5',
      SIMULATOR_TALK_SECONDS_MEAN: '600',
      SIMULATOR_PATIENCE_SECONDS_MEAN: '600',
      SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
      MAX_WAIT_SECONDS: '600',
    });
    tenant = await engine.api.createTenant('live', 1);
    supervisor = await engine.api.createKey(tenant, 'supervisor');
  });
  afterAll(() => engine.stop());

  const admin = () => bearer(tenant.adminKey);
  const contactsOf = async (autocallId: string) =>
    (await engine.http().get(`/v1/contacts?autocallId=${autocallId}`).set(admin()).expect(200)).body.items;
  const contactIn = (autocallId: string, status: string) =>
    waitFor(`a contact ${status}`, async () =>
      (await contactsOf(autocallId)).find((c: { status: string }) => c.status === status),
    );
  const endAndExpectNextDial = async (autocallId: string, contactId: string) => {
    const ended = await engine.http().post(`/v1/contacts/${contactId}/end`).set(bearer(supervisor)).expect(202);
    expect(ended.body).toMatchObject({ contactId, endRequested: true });
    // The line is freed at once, and the next held target takes it.
    await waitFor('the next target to be dialed', async () => (await contactsOf(autocallId)).length === 2);
    const contact = (await engine.http().get(`/v1/contacts/${contactId}`).set(admin()).expect(200)).body;
    expect(contact.status).toBe('ended');
    return contact;
  };

  it('ends a ringing contact: CANCEL, the target ends cancelled, the next target is dialed', async () => {
    await engine.http().put('/v1/lines').set(admin()).send({ capacity: 1 }).expect(200);
    const submitted = await engine
      .submit(tenant, {
        mode: 'sequential',
        skill: 'nobody',
        targets: numbers(2, '+8150'),
        checks: { freeAgents: null },
      })
      .catch((e) => e);
    expect(String(submitted)).toContain('unknown_skill');

    await engine
      .http()
      .put('/v1/agents/kai')
      .set(admin())
      .send({ name: 'Kai', skills: ['sales'], endpoint: 'sip:kai@pbx' })
      .expect(201);
    const autocall = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(2, '+8151'),
      checks: { freeAgents: null },
    });
    const ringing = await contactIn(autocall.id, 'ringing');
    const contact = await endAndExpectNextDial(autocall.id, ringing.contactId);
    expect(contact).toMatchObject({
      cause: 'cancelled',
      sipCode: 487,
      target: { status: 'cancelled', reason: 'ended_by_request' },
    });
    expect(contact.timeline.map((e: { status: string }) => e.status)).toEqual(['dialing', 'ringing', 'ended']);
    await engine.http().post(`/v1/autocalls/${autocall.id}/cancel`).set(admin()).send({ hangUp: true }).expect(200);
    await waitFor('the cancelled AutoCall to have no live contact', async () =>
      (await contactsOf(autocall.id)).every((c: { status: string }) => c.status === 'ended'),
    );
  });

  it('lists a caller waiting for an agent, in serving order, and ends it from there', async () => {
    const autocall = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(2, '+8152'),
      checks: { freeAgents: null },
    });
    const waiting = await contactIn(autocall.id, 'waiting');
    const queue = await engine.http().get('/v1/queues/sales/waiting').set(bearer(supervisor)).expect(200);
    expect(queue.body.items).toEqual([
      expect.objectContaining({
        position: 0,
        contactId: waiting.contactId,
        phoneNumber: waiting.phoneNumber,
        waitingMs: expect.any(Number),
      }),
    ]);
    const contact = await endAndExpectNextDial(autocall.id, waiting.contactId);
    expect(contact.target).toMatchObject({ status: 'cancelled', reason: 'ended_by_request' });
    expect(contact.durations.waitMs).toBeGreaterThanOrEqual(0);
    await engine.http().post(`/v1/autocalls/${autocall.id}/cancel`).set(admin()).send({ hangUp: true }).expect(200);
    await waitFor(
      'no caller waiting',
      async () => (await engine.http().get('/v1/queues/sales/waiting').set(admin())).body.items.length === 0,
    );
  });

  it('ends a connected contact: BYE, the target completes, the agent wraps up and is free again', async () => {
    await engine.http().post('/v1/agents/kai/session').set(admin()).send({ state: 'available' }).expect(201);
    const autocall = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(2, '+8153'),
      checks: { freeAgents: null },
    });
    const connected = await contactIn(autocall.id, 'connected');
    expect(connected.agentId).toBe('kai');
    const contact = await endAndExpectNextDial(autocall.id, connected.contactId);
    expect(contact).toMatchObject({
      cause: 'normal_clearing',
      target: { status: 'completed', reason: 'ended_by_request' },
    });
    expect(contact.durations.talkMs).toBeGreaterThanOrEqual(0);
    expect(contact.timeline.map((e: { status: string }) => e.status)).toEqual([
      'dialing',
      'ringing',
      'answered',
      'connected',
      'ended',
    ]);

    // Ending it again is accepted and changes nothing.
    const again = await engine
      .http()
      .post(`/v1/contacts/${connected.contactId}/end`)
      .set(bearer(supervisor))
      .expect(202);
    expect(again.body).toMatchObject({ status: 'ended', endRequested: false });
    await engine.http().post(`/v1/autocalls/${autocall.id}/cancel`).set(admin()).send({ hangUp: true }).expect(200);
    await waitFor(
      'kai free again',
      async () => (await engine.http().get('/v1/agents/kai').set(admin())).body.state === 'available',
    );
  });

  it('Terminate Agent Session ends the live call too when the tenant asks for it', async () => {
    await engine.http().put('/v1/settings').set(admin()).send({ terminateSessionLiveCall: 'end' }).expect(200);
    const autocall = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(1, '+8154') });
    const connected = await contactIn(autocall.id, 'connected');
    await engine.http().delete('/v1/agents/kai/session').set(bearer(supervisor)).expect(204);
    await waitFor('the call to end with the session', async () => {
      const { body } = await engine.http().get(`/v1/contacts/${connected.contactId}`).set(admin());
      return body.status === 'ended' && body.target.reason === 'agent_session_terminated';
    });
    expect((await engine.http().get('/v1/agents/kai').set(admin())).body.state).toBe('logged_out');
  });

  it('answers 404 invalid_contact_id, 401 and 403 as documented', async () => {
    const other = await engine.api.createTenant('other');
    const [someContact] = (await engine.http().get('/v1/contacts?limit=1').set(admin()).expect(200)).body.items;
    for (const id of ['01a1fc1d-0000-7000-8000-000000000000', 'not-an-id', someContact.contactId]) {
      const key = id === someContact.contactId ? other.adminKey : tenant.adminKey;
      expect((await engine.http().get(`/v1/contacts/${id}`).set(bearer(key)).expect(404)).body.code).toBe(
        'invalid_contact_id',
      );
      expect((await engine.http().post(`/v1/contacts/${id}/end`).set(bearer(key)).expect(404)).body.code).toBe(
        'invalid_contact_id',
      );
    }
    expect((await engine.http().post(`/v1/contacts/${someContact.contactId}/end`).expect(401)).body.code).toBe(
      'invalid_security_user',
    );
    const integrator = await engine.api.createKey(tenant, 'integrator');
    expect(
      (await engine.http().post(`/v1/contacts/${someContact.contactId}/end`).set(bearer(integrator)).expect(403)).body
        .code,
    ).toBe('unauthorized');
    expect((await engine.http().get('/v1/queues/astrology/waiting').set(admin()).expect(404)).body.code).toBe(
      'not_found',
    );
    expect((await engine.http().get('/v1/contacts').set(bearer(other.adminKey)).expect(200)).body.items).toEqual([]);
  });
});

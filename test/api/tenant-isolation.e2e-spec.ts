import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

/**
 * A second tenant's keys can neither see nor change the first tenant's agents, keys, lines or
 * settings: every such id answers 404 as if it did not exist, and lists never show it.
 */
describe('tenant isolation', () => {
  let api: ApiHarness;
  let first: TestTenant;
  let second: TestTenant;
  let firstKeyId: string;
  let firstEndpointId: string;
  let firstCallbackId: string;

  beforeAll(async () => {
    api = await ApiHarness.start('isolation', { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' });
    first = await api.createTenant('first', 7);
    second = await api.createTenant('second', 3);
    await api
      .http()
      .put('/v1/agents/shared-id')
      .set(bearer(first.adminKey))
      .send({ name: 'First', skills: ['sales'], endpoint: 'sip:first@pbx' })
      .expect(201);
    await api
      .http()
      .post('/v1/agents/shared-id/session')
      .set(bearer(first.adminKey))
      .send({ state: 'available' })
      .expect(201);
    await api.http().put('/v1/settings').set(bearer(first.adminKey)).send({ defaultCountry: 'JP' }).expect(200);
    const keys = await api.http().get('/v1/api-keys').set(bearer(first.adminKey)).expect(200);
    firstKeyId = keys.body.items[0].id;
    firstEndpointId = (
      await api
        .http()
        .post('/v1/webhook-endpoints')
        .set(bearer(first.adminKey))
        .send({ url: 'http://127.0.0.1:9/first' })
        .expect(201)
    ).body.id;
    await api
      .http()
      .put('/v1/dispositions/sale')
      .set(bearer(first.adminKey))
      .send({ label: 'Sale', kind: 'final', isDefault: true })
      .expect(201);
    firstCallbackId = (
      await api
        .http()
        .post('/v1/callbacks')
        .set(bearer(first.adminKey))
        .send({ phoneNumber: '+81312345678', skill: 'sales' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => api.stop());

  const asSecond = () => bearer(second.adminKey);

  it.each([
    ['GET', '/v1/agents/shared-id', undefined, 'invalid_agent_id'],
    ['POST', '/v1/agents/shared-id/session', {}, 'invalid_agent_id'],
    ['PUT', '/v1/agents/shared-id/state', { state: 'unavailable' }, 'invalid_agent_id'],
    ['DELETE', '/v1/agents/shared-id/session', undefined, 'invalid_agent_id'],
    ['DELETE', '/v1/api-keys/:firstKeyId', undefined, 'not_found'],
    ['GET', '/v1/webhook-endpoints/:endpoint', undefined, 'not_found'],
    ['PATCH', '/v1/webhook-endpoints/:endpoint', { enabled: false }, 'not_found'],
    ['POST', '/v1/webhook-endpoints/:endpoint/rotate-secret', {}, 'not_found'],
    ['DELETE', '/v1/webhook-endpoints/:endpoint', undefined, 'not_found'],
    ['GET', '/v1/callbacks/:callback', undefined, 'not_found'],
    ['PATCH', '/v1/callbacks/:callback', { callerName: 'x' }, 'not_found'],
    ['POST', '/v1/callbacks/:callback/cancel', {}, 'not_found'],
    ['DELETE', '/v1/dispositions/sale', undefined, 'not_found'],
  ])("%s %s with another tenant's id answers 404 %s", async (method, path, body, code) => {
    const url = path
      .replace(':firstKeyId', () => firstKeyId)
      .replace(':endpoint', () => firstEndpointId)
      .replace(':callback', () => firstCallbackId);
    const call = api.http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](url).set(asSecond());
    const response = await (body ? call.send(body) : call).expect(404);
    expect(response.body.code).toBe(code);
  });

  it("lists and reads only the caller's own agents, keys, lines and settings", async () => {
    expect((await api.http().get('/v1/agents').set(asSecond()).expect(200)).body.items).toEqual([]);
    const keys = (await api.http().get('/v1/api-keys').set(asSecond()).expect(200)).body.items;
    expect(keys.map((k: { id: string }) => k.id)).not.toContain(firstKeyId);
    expect((await api.http().get('/v1/lines/usage').set(asSecond()).expect(200)).body.capacity).toBe(3);
    expect((await api.http().get('/v1/settings').set(asSecond()).expect(200)).body.defaultCountry).toBeNull();
    expect((await api.http().get('/v1/webhook-endpoints').set(asSecond()).expect(200)).body.items).toEqual([]);
    expect((await api.http().get('/v1/callbacks').set(asSecond()).expect(200)).body.items).toEqual([]);
    expect((await api.http().get('/v1/webhook-deliveries').set(asSecond()).expect(200)).body.items).toEqual([]);
    expect((await api.http().get('/v1/dispositions').set(asSecond()).expect(200)).body.items).toEqual([]);
  });

  it("a code of the same name in another tenant is another code: neither changes the other's", async () => {
    await api
      .http()
      .put('/v1/dispositions/sale')
      .set(asSecond())
      .send({ label: 'Verkauf', kind: 'retry', retryDelaySeconds: 60 })
      .expect(201);
    const { body } = await api.http().get('/v1/dispositions').set(bearer(first.adminKey)).expect(200);
    expect(body.items).toEqual([
      expect.objectContaining({ code: 'sale', label: 'Sale', kind: 'final', isDefault: true }),
    ]);
  });

  it("changes only the caller's own agents, lines and settings", async () => {
    // The same agent id in the second tenant is a different agent.
    await api
      .http()
      .put('/v1/agents/shared-id')
      .set(asSecond())
      .send({ name: 'Second', skills: ['support'], endpoint: 'sip:second@pbx' })
      .expect(201);
    await api.http().put('/v1/lines').set(asSecond()).send({ capacity: 1 }).expect(200);
    await api.http().put('/v1/settings').set(asSecond()).send({ defaultCountry: 'US' }).expect(200);

    const agent = await api.http().get('/v1/agents/shared-id').set(bearer(first.adminKey)).expect(200);
    expect(agent.body).toMatchObject({ name: 'First', skills: ['sales'], state: 'available' });
    expect((await api.http().get('/v1/lines/usage').set(bearer(first.adminKey)).expect(200)).body.capacity).toBe(7);
    expect((await api.http().get('/v1/settings').set(bearer(first.adminKey)).expect(200)).body.defaultCountry).toBe(
      'JP',
    );
    // The first tenant's key still works: nothing of it was revoked.
    await api.http().get('/v1/api-keys').set(bearer(first.adminKey)).expect(200);
  });

  it("cannot create an agent key for another tenant's agent", async () => {
    await api
      .http()
      .put('/v1/agents/only-first')
      .set(bearer(first.adminKey))
      .send({ name: 'F', skills: ['sales'], endpoint: 'sip:f@pbx' })
      .expect(201);
    const response = await api
      .http()
      .post('/v1/api-keys')
      .set(asSecond())
      .send({ name: 'sneaky', role: 'agent', agentId: 'only-first' })
      .expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'agentId', code: 'unknown_agent' })]);
  });
});

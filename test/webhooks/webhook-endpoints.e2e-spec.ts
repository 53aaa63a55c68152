import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

/** The endpoint API: validation, the secret shown once, rotation, tenant isolation. */
describe('webhook endpoints', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    api = await ApiHarness.start('webhook_endpoints', { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' });
    tenant = await api.createTenant('acme');
    other = await api.createTenant('globex');
  });
  afterAll(() => api.stop());

  const create = (key: string, body: object) => api.http().post('/v1/webhook-endpoints').set(bearer(key)).send(body);

  it('shows the whsec_ secret once, at creation, and never in reads', async () => {
    const { body } = await create(tenant.adminKey, {
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['autocall.completed', 'autocall.completed', 'contact.status_changed'],
      description: 'CRM',
    }).expect(201);
    expect(body).toMatchObject({
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['autocall.completed', 'contact.status_changed'],
      enabled: true,
      description: 'CRM',
    });
    expect(body.secret).toMatch(/^whsec_/);
    const { body: read } = await api
      .http()
      .get(`/v1/webhook-endpoints/${body.id}`)
      .set(bearer(tenant.adminKey))
      .expect(200);
    const { body: list } = await api.http().get('/v1/webhook-endpoints').set(bearer(tenant.adminKey)).expect(200);
    expect(JSON.stringify([read, list])).not.toContain(body.secret.slice(6, 20));
    expect(read).not.toHaveProperty('secret');
  });

  it('refuses private, link-local and loopback destinations that configuration does not allow', async () => {
    for (const url of [
      'http://10.0.0.5/h',
      'http://169.254.169.254/latest',
      'http://[::1]/h',
      'http://192.168.0.10/h',
    ]) {
      const { body } = await create(tenant.adminKey, { url }).expect(400);
      expect(body).toMatchObject({ code: 'invalid_request', errors: [{ field: 'url', code: 'destination_refused' }] });
    }
  });

  it('refuses what is not a webhook URL or an event type', async () => {
    for (const body of [
      { url: 'ftp://127.0.0.1/x' },
      { url: 'http://user:pw@127.0.0.1/x' },
      { url: 'not a url' },
      { url: 'http://127.0.0.1/x', eventTypes: ['autocall.exploded'] },
      { url: 'http://127.0.0.1/x', surprise: true },
      { url: 'http://no-such-host.invalid/x' },
    ]) {
      const response = await create(tenant.adminKey, body);
      expect([JSON.stringify(body), response.status, response.body.code]).toEqual([
        JSON.stringify(body),
        400,
        'invalid_request',
      ]);
    }
    const { body: list } = await api.http().get('/v1/webhook-endpoints').set(bearer(tenant.adminKey)).expect(200);
    expect(list.items.every((e: { url: string }) => e.url === 'http://127.0.0.1:9/hooks')).toBe(true);
  });

  it('updates, disables, rotates and deletes; another tenant sees none of it', async () => {
    const { body: endpoint } = await create(tenant.adminKey, { url: 'http://127.0.0.1:9/two' }).expect(201);
    const path = `/v1/webhook-endpoints/${endpoint.id}`;
    for (const [method, suffix, payload] of [
      ['get', '', undefined],
      ['patch', '', { enabled: false }],
      ['delete', '', undefined],
      ['post', '/rotate-secret', {}],
    ] as const) {
      const { body } = await api
        .http()
        [method](path + suffix)
        .set(bearer(other.adminKey))
        .send(payload)
        .expect(404);
      expect(body.code).toBe('not_found');
    }
    const { body: disabled } = await api
      .http()
      .patch(path)
      .set(bearer(tenant.adminKey))
      .send({ enabled: false })
      .expect(200);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'by_request' });
    const { body: enabled } = await api
      .http()
      .patch(path)
      .set(bearer(tenant.adminKey))
      .send({ enabled: true, eventTypes: ['autocall.completed'] })
      .expect(200);
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, eventTypes: ['autocall.completed'] });
    await api.http().patch(path).set(bearer(tenant.adminKey)).send({}).expect(400);
    await api.http().patch(path).set(bearer(tenant.adminKey)).send({ url: 'http://10.1.1.1/' }).expect(400);

    const { body: rotated } = await api
      .http()
      .post(`${path}/rotate-secret`)
      .set(bearer(tenant.adminKey))
      .send({ previousSecretValidSeconds: 0 })
      .expect(200);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.previousSecretExpiresAt).toBeNull();

    await api.http().delete(path).set(bearer(tenant.adminKey)).expect(204);
    await api.http().get(path).set(bearer(tenant.adminKey)).expect(404);
    await api.http().get('/v1/webhook-endpoints/not-a-uuid').set(bearer(tenant.adminKey)).expect(404);
    const { body: others } = await api.http().get('/v1/webhook-endpoints').set(bearer(other.adminKey)).expect(200);
    expect(others.items).toEqual([]);
  });

  it('validates delivery filters and answers 404 for unknown deliveries', async () => {
    await api.http().get('/v1/webhook-deliveries?status=lost').set(bearer(tenant.adminKey)).expect(400);
    await api.http().get('/v1/webhook-deliveries?cursor=garbage').set(bearer(tenant.adminKey)).expect(400);
    const { body } = await api.http().get('/v1/webhook-deliveries').set(bearer(tenant.adminKey)).expect(200);
    expect(body).toEqual({ items: [], nextCursor: null });
    await api
      .http()
      .post('/v1/webhook-deliveries/01a1fc1d-0000-7000-8000-000000000000/retry')
      .set(bearer(tenant.adminKey))
      .expect(404);
  });
});

import { PrismaService } from '../../libs/database/src';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

describe('authentication and API keys', () => {
  let api: ApiHarness;
  let tenant: TestTenant;

  beforeAll(async () => {
    api = await ApiHarness.start('api_keys');
    tenant = await api.createTenant('acme');
  });
  afterAll(() => api.stop());

  describe('bearer keys', () => {
    it.each([
      ['no Authorization header', {}],
      ['an unknown key', bearer('ac_not_a_key_that_exists_anywhere_0000000')],
      ['a malformed header', { Authorization: 'Basic dXNlcjpwYXNz' }],
      ['an absurdly long key', bearer('a'.repeat(5000))],
    ])('answers 401 invalid_security_user for %s', async (_, headers) => {
      const response = await api.http().get('/v1/api-keys').set(headers).expect(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status: 401,
        code: 'invalid_security_user',
        title: 'Invalid security user',
      });
    });

    it('answers 401 for a revoked key, at once', async () => {
      const key = await api.createKey(tenant, 'supervisor');
      await api.http().get('/v1/lines/usage').set(bearer(key)).expect(200);
      const { body } = await api.http().get('/v1/api-keys').set(bearer(tenant.adminKey)).expect(200);
      const id = body.items.find((k: { keyPrefix: string }) => k.keyPrefix === key.slice(0, 10)).id;
      await api.http().delete(`/v1/api-keys/${id}`).set(bearer(tenant.adminKey)).expect(204);
      const response = await api.http().get('/v1/lines/usage').set(bearer(key)).expect(401);
      expect(response.body.code).toBe('invalid_security_user');
    });
  });

  describe('POST /v1/api-keys', () => {
    it('shows the key once and stores only its hash', async () => {
      const created = await api
        .http()
        .post('/v1/api-keys')
        .set(bearer(tenant.adminKey))
        .send({ name: 'crm integration', role: 'integrator' })
        .expect(201);
      expect(created.body).toMatchObject({ name: 'crm integration', role: 'integrator', agentId: null });
      expect(created.body.key).toMatch(/^ac_[A-Za-z0-9_-]{43}$/);

      const listed = await api.http().get('/v1/api-keys').set(bearer(tenant.adminKey)).expect(200);
      const entry = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
      expect(entry).toMatchObject({ keyPrefix: created.body.key.slice(0, 10), role: 'integrator' });
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

      const row = await api.app.get(PrismaService).apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(created.body.key.slice(10));
    });

    it('refuses bad input with field errors', async () => {
      const response = await api
        .http()
        .post('/v1/api-keys')
        .set(bearer(tenant.adminKey))
        .send({ name: '', role: 'root', extra: true })
        .expect(400);
      expect(response.body.code).toBe('invalid_request');
      const fields = response.body.errors.map((e: { field: string }) => e.field).sort();
      expect(fields).toEqual(['extra', 'name', 'role']);
    });

    it('needs an existing agent for an agent key, and only for an agent key', async () => {
      const missing = await api
        .http()
        .post('/v1/api-keys')
        .set(bearer(tenant.adminKey))
        .send({ name: 'a', role: 'agent' })
        .expect(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'agentId', code: 'required' })]);
      const unknown = await api
        .http()
        .post('/v1/api-keys')
        .set(bearer(tenant.adminKey))
        .send({ name: 'a', role: 'agent', agentId: 'ghost' })
        .expect(400);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'agentId', code: 'unknown_agent' })]);
      const misplaced = await api
        .http()
        .post('/v1/api-keys')
        .set(bearer(tenant.adminKey))
        .send({ name: 'a', role: 'supervisor', agentId: 'ghost' })
        .expect(400);
      expect(misplaced.body.errors).toEqual([expect.objectContaining({ field: 'agentId', code: 'not_allowed' })]);
    });

    it.each(['supervisor', 'integrator'] as const)('is closed to %s keys (403 unauthorized)', async (role) => {
      const key = await api.createKey(tenant, role);
      const response = await api
        .http()
        .post('/v1/api-keys')
        .set(bearer(key))
        .send({ name: 'x', role: 'admin' })
        .expect(403);
      expect(response.body.code).toBe('unauthorized');
      await api.http().get('/v1/api-keys').set(bearer(key)).expect(403);
    });
  });

  describe('DELETE /v1/api-keys/{id}', () => {
    it('answers 404 not_found for unknown ids and ids that are not ids', async () => {
      const unknown = await api
        .http()
        .delete('/v1/api-keys/01a1fc1d-0000-7000-8000-000000000000')
        .set(bearer(tenant.adminKey))
        .expect(404);
      expect(unknown.body.code).toBe('not_found');
      await api.http().delete('/v1/api-keys/not-a-uuid').set(bearer(tenant.adminKey)).expect(404);
    });

    it('never revokes the last active admin key (409), so a tenant cannot lock itself out', async () => {
      const lonely = await api.createTenant('lonely');
      const { body } = await api.http().get('/v1/api-keys').set(bearer(lonely.adminKey)).expect(200);
      const response = await api
        .http()
        .delete(`/v1/api-keys/${body.items[0].id}`)
        .set(bearer(lonely.adminKey))
        .expect(409);
      expect(response.body.code).toBe('conflict');

      const second = await api.createKey(lonely, 'admin');
      await api.http().delete(`/v1/api-keys/${body.items[0].id}`).set(bearer(second)).expect(204);
      await api.http().delete(`/v1/api-keys/${body.items[0].id}`).set(bearer(second)).expect(204); // idempotent
    });
  });

  it('serves the OpenAPI document and interactive docs without a key', async () => {
    const document = await api.http().get('/openapi.json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/v1/api-keys', '/v1/agents/{agentId}/session', '/v1/lines/usage', '/v1/settings']),
    );
    expect(
      document.body.paths['/v1/agents/{agentId}'].put.requestBody.content['application/json'].schema,
    ).toMatchObject({
      required: expect.arrayContaining(['name', 'skills', 'endpoint']),
    });
    await api.http().get('/docs').expect(200);
  });

  it('answers unknown routes and malformed JSON with problem+json', async () => {
    const unknown = await api.http().get('/v1/nothing-here').set(bearer(tenant.adminKey)).expect(404);
    expect(unknown.body).toMatchObject({ code: 'not_found', status: 404 });
    const malformed = await api
      .http()
      .put('/v1/lines')
      .set(bearer(tenant.adminKey))
      .set('Content-Type', 'application/json')
      .send('{"capacity": ')
      .expect(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(malformed.body.code).toBe('invalid_request');
  });
});

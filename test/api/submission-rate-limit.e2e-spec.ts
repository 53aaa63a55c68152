import request from 'supertest';
import type { Server } from 'node:http';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

/** AutoCall submissions are limited per tenant (429 with Retry-After), across replicas. */
describe('submission rate limit', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    api = await ApiHarness.start('submission_limit', { SUBMISSION_LIMIT: '3', SUBMISSION_WINDOW_SECONDS: '60' });
    tenant = await api.createTenant('busy', 2);
    other = await api.createTenant('calm', 2);
    for (const t of [tenant, other]) {
      await api
        .http()
        .put('/v1/agents/a1')
        .set(bearer(t.adminKey))
        .send({ name: 'a1', skills: ['sales'], endpoint: 'sip:a1@pbx' })
        .expect(201);
    }
  });
  afterAll(() => api.stop());

  const submit = (t: TestTenant, server: Server = api.app.getHttpServer()) =>
    request(server)
      .post('/v1/autocalls')
      .set(bearer(t.adminKey))
      .send({ mode: 'sequential', skill: 'sales', targets: [{ phoneNumber: '+81312345678' }] });

  it('answers 429 too_many_requests with Retry-After past the limit, counted across replicas, per tenant', async () => {
    const replica = await api.replica();
    try {
      const answers = [];
      for (const server of [
        api.app.getHttpServer(),
        replica.getHttpServer(),
        api.app.getHttpServer(),
        replica.getHttpServer(),
      ]) {
        answers.push(await submit(tenant, server));
      }
      expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 429]);
      const limited = answers[3];
      expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(limited.body.code).toBe('too_many_requests');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Nothing was stored for the refused one; another tenant is not affected.
      const { body } = await api.http().get('/v1/autocalls').set(bearer(tenant.adminKey)).expect(200);
      expect(body.items).toHaveLength(3);
      expect((await submit(other)).status).toBe(202);
    } finally {
      await replica.close();
    }
  });
});

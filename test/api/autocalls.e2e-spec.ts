import { ApiHarness, bearer, TestTenant } from '../support/api-harness';
import { numbers } from '../support/engine-harness';

/** Submission, results and control of AutoCalls through the API (no worker: nothing is dialed). */
describe('AutoCalls API', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let integrator: string;
  let supervisor: string;
  let agentKey: string;

  beforeAll(async () => {
    api = await ApiHarness.start('autocalls_api');
    tenant = await api.createTenant('acme', 10);
    await api
      .http()
      .put('/v1/agents/ann')
      .set(bearer(tenant.adminKey))
      .send({ name: 'Ann', skills: ['sales'], endpoint: 'sip:ann@pbx' })
      .expect(201);
    integrator = await api.createKey(tenant, 'integrator');
    supervisor = await api.createKey(tenant, 'supervisor');
    agentKey = await api.createKey(tenant, 'agent', 'ann');
  });
  afterAll(() => api.stop());

  const submit = (body: object, key = integrator) => api.http().post('/v1/autocalls').set(bearer(key)).send(body);

  describe('POST /v1/autocalls', () => {
    it('accepts a sequential AutoCall (202) and holds every target', async () => {
      const response = await submit({ mode: 'sequential', skill: 'sales', targets: numbers(5) }).expect(202);
      expect(response.body).toMatchObject({ mode: 'sequential', skill: 'sales', status: 'active', targetCount: 5 });
      expect(response.body.counts.pending).toBe(5);
      expect(response.body.targets[0]).toMatchObject({
        position: 0,
        phoneNumber: '+81310000000',
        reference: 'ref-0',
        status: 'pending',
      });
      expect(response.body.checks).toEqual({ freeLines: { reserve: 0 }, freeAgents: { reserve: 0 }, callStop: false });
    });

    it('reads national numbers with the default country and refuses what is not a phone number', async () => {
      const bad = await submit({
        mode: 'sequential',
        skill: 'sales',
        targets: [
          { phoneNumber: '03-1234-5678' },
          { phoneNumber: '+81312345678' },
          { phoneNumber: "'; DROP TABLE targets;--" },
        ],
      }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'targets[0].phoneNumber',
        'targets[2].phoneNumber',
      ]);

      await api.http().put('/v1/settings').set(bearer(tenant.adminKey)).send({ defaultCountry: 'JP' }).expect(200);
      const ok = await submit({
        mode: 'sequential',
        skill: 'sales',
        targets: [{ phoneNumber: '03-1234-5678' }],
      }).expect(202);
      expect(ok.body.targets[0].phoneNumber).toBe('+81312345678');
      await api.http().put('/v1/settings').set(bearer(tenant.adminKey)).send({ defaultCountry: null }).expect(200);
    });

    it('refuses an unknown skill, the call-stop check in immediate mode, and out-of-range values', async () => {
      const response = await submit({
        mode: 'immediate',
        skill: 'astrology',
        targets: numbers(1),
        checks: { callStop: true },
        ringTimeoutSeconds: 1,
        priority: 101,
      }).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'priority',
        'ringTimeoutSeconds',
      ]);
      const semantic = await submit({
        mode: 'immediate',
        skill: 'astrology',
        targets: numbers(1),
        checks: { callStop: true },
      }).expect(400);
      expect(semantic.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
        ['checks.callStop', 'not_available'],
        ['skill', 'unknown_skill'],
      ]);
    });

    it('limits an AutoCall to 10,000 targets and refuses an empty list', async () => {
      const tooMany = await submit({ mode: 'sequential', skill: 'sales', targets: numbers(10_001) }).expect(400);
      expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'targets' })]);
      await submit({ mode: 'sequential', skill: 'sales', targets: [] }).expect(400);
    });

    it('ends a number repeated in the list and a number on the do-not-call list as skipped', async () => {
      await api
        .http()
        .post('/v1/call-stops')
        .set(bearer(integrator))
        .send({ phoneNumber: '+81399999999', reason: 'asked' })
        .expect(201);
      const response = await submit({
        mode: 'sequential',
        skill: 'sales',
        targets: [{ phoneNumber: '+81311111111' }, { phoneNumber: '+81399999999' }, { phoneNumber: '+81311111111' }],
      }).expect(202);
      expect(response.body.targets.map((t: { status: string; reason: string | null }) => [t.status, t.reason])).toEqual(
        [
          ['pending', null],
          ['skipped', 'do_not_call'],
          ['skipped', 'duplicate_in_list'],
        ],
      );
    });

    it('honours Idempotency-Key: the same body replays the first answer, another body is a conflict', async () => {
      const body = { mode: 'sequential', skill: 'sales', targets: numbers(3, '+4420') };
      const send = (payload: object) =>
        api.http().post('/v1/autocalls').set(bearer(integrator)).set('Idempotency-Key', 'order-42').send(payload);
      const first = await send(body).expect(202);
      const second = await send(body).expect(202);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      const list = await api.http().get('/v1/autocalls?limit=200').set(bearer(integrator)).expect(200);
      expect(list.body.items.filter((a: { id: string }) => a.id === first.body.id)).toHaveLength(1);

      const conflict = await send({ ...body, priority: 9 }).expect(409);
      expect(conflict.body.code).toBe('idempotency_key_reused');
    });

    it('is for integrators and admins (403 for supervisors and agents, 401 without a key)', async () => {
      const body = { mode: 'sequential', skill: 'sales', targets: numbers(1) };
      expect((await submit(body, supervisor).expect(403)).body.code).toBe('unauthorized');
      await submit(body, agentKey).expect(403);
      await api.http().post('/v1/autocalls').send(body).expect(401);
    });

    it('accepts 10,000 targets in one submission', async () => {
      const response = await submit({ mode: 'sequential', skill: 'sales', targets: numbers(10_000, '+1212') }).expect(
        202,
      );
      expect(response.body.counts.pending).toBe(10_000);
      expect(response.body.targets).toHaveLength(10_000);
    });
  });

  describe('results and cancel', () => {
    let autocallId: string;

    beforeAll(async () => {
      const response = await submit({ mode: 'sequential', skill: 'sales', targets: numbers(25, '+3312') }).expect(202);
      autocallId = response.body.id;
    });

    it('pages the targets in list order and filters by status', async () => {
      const first = await api
        .http()
        .get(`/v1/autocalls/${autocallId}/targets?limit=10`)
        .set(bearer(integrator))
        .expect(200);
      expect(first.body.items.map((t: { position: number }) => t.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const second = await api
        .http()
        .get(`/v1/autocalls/${autocallId}/targets?limit=10&cursor=${first.body.nextCursor}`)
        .set(bearer(integrator))
        .expect(200);
      expect(second.body.items[0].position).toBe(10);
      const filtered = await api
        .http()
        .get(`/v1/autocalls/${autocallId}/targets?status=completed,busy`)
        .set(bearer(integrator))
        .expect(200);
      expect(filtered.body.items).toEqual([]);
      const bad = await api
        .http()
        .get(`/v1/autocalls/${autocallId}/targets?status=happy`)
        .set(bearer(integrator))
        .expect(400);
      expect(bad.body.errors[0].field).toBe('query.status');
    });

    it('cancels the held targets at once, and a second cancel is a conflict', async () => {
      const cancelled = await api
        .http()
        .post(`/v1/autocalls/${autocallId}/cancel`)
        .set(bearer(supervisor))
        .send({})
        .expect(200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        counts: expect.objectContaining({ cancelled: 25, pending: 0 }),
      });
      expect(cancelled.body.cancelledAt).toEqual(expect.any(String));
      const again = await api
        .http()
        .post(`/v1/autocalls/${autocallId}/cancel`)
        .set(bearer(supervisor))
        .send({})
        .expect(409);
      expect(again.body.code).toBe('conflict');
    });

    it("answers 404 for unknown ids and for another tenant's AutoCall", async () => {
      const other = await api.createTenant('other');
      for (const path of [
        `/v1/autocalls/${autocallId}`,
        `/v1/autocalls/${autocallId}/targets`,
        '/v1/autocalls/not-an-id',
      ]) {
        const response = await api.http().get(path).set(bearer(other.adminKey)).expect(404);
        expect(response.body.code).toBe('not_found');
      }
      await api.http().post(`/v1/autocalls/${autocallId}/cancel`).set(bearer(other.adminKey)).send({}).expect(404);
      const list = await api.http().get('/v1/autocalls').set(bearer(other.adminKey)).expect(200);
      expect(list.body.items).toEqual([]);
    });
  });

  describe('call stops', () => {
    it('adds, lists and removes numbers; refuses bad ones', async () => {
      await api.http().post('/v1/call-stops').set(bearer(integrator)).send({ phoneNumber: '+81300000001' }).expect(201);
      const list = await api.http().get('/v1/call-stops').set(bearer(integrator)).expect(200);
      expect(list.body.items.map((c: { phoneNumber: string }) => c.phoneNumber)).toContain('+81300000001');
      await api.http().delete('/v1/call-stops/+81300000001').set(bearer(integrator)).expect(204);
      await api.http().delete('/v1/call-stops/+81300000001').set(bearer(integrator)).expect(404);
      const bad = await api
        .http()
        .post('/v1/call-stops')
        .set(bearer(integrator))
        .send({ phoneNumber: '0312345678', expiresAt: '2001-01-01T00:00:00Z' })
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['expiresAt', 'phoneNumber']);
      await api.http().post('/v1/call-stops').set(bearer(agentKey)).send({ phoneNumber: '+81300000002' }).expect(403);
    });
  });
});

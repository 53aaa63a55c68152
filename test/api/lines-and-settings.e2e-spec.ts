import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

describe('lines and settings', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let supervisor: string;
  let integrator: string;

  beforeAll(async () => {
    api = await ApiHarness.start('lines_settings');
    tenant = await api.createTenant('acme', 4);
    supervisor = await api.createKey(tenant, 'supervisor');
    integrator = await api.createKey(tenant, 'integrator');
  });
  afterAll(() => api.stop());

  const admin = () => bearer(tenant.adminKey);

  describe('lines', () => {
    it('reports usage with capacity, in use, reserved and free', async () => {
      const usage = await api.http().get('/v1/lines/usage').set(bearer(integrator)).expect(200);
      expect(usage.body).toEqual({ capacity: 4, inUse: { total: 0, outbound: 0, inbound: 0 }, reserved: 0, free: 4 });
    });

    it('sets the capacity (admin) and the live usage follows', async () => {
      const set = await api.http().put('/v1/lines').set(admin()).send({ capacity: 30 }).expect(200);
      expect(set.body).toMatchObject({ capacity: 30, free: 30 });
      const usage = await api.http().get('/v1/lines/usage').set(bearer(supervisor)).expect(200);
      expect(usage.body.capacity).toBe(30);
    });

    it('keeps the last capacity when many changes race', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.http().put('/v1/lines').set(admin()).send({ capacity: i }).expect(200),
        ),
      );
      await api.http().put('/v1/lines').set(admin()).send({ capacity: 12 }).expect(200);
      expect((await api.http().get('/v1/lines/usage').set(admin()).expect(200)).body.capacity).toBe(12);
    });

    it('refuses a bad capacity with a field error, and non-admins with 403', async () => {
      for (const body of [{ capacity: -1 }, { capacity: 1.5 }, { capacity: '10' }, {}]) {
        const response = await api.http().put('/v1/lines').set(admin()).send(body).expect(400);
        expect(response.body.errors).toEqual([expect.objectContaining({ field: 'capacity' })]);
      }
      await api.http().put('/v1/lines').set(bearer(supervisor)).send({ capacity: 1 }).expect(403);
    });

    it('rebuilds the usage from PostgreSQL when Redis has lost it', async () => {
      const prefix = api.config.get('REDIS_KEY_PREFIX');
      const keys = await api.redis.keys(`${prefix}:{${tenant.tenantId}}:*`);
      await api.redis.del(...keys);
      expect((await api.http().get('/v1/lines/usage').set(admin()).expect(200)).body.capacity).toBe(12);
    });
  });

  describe('settings', () => {
    // The test tenant's compliance keeps the regime's defaults but for an all-day calling window.
    const CALLBACK_DEFAULTS = {
      callbackOwnershipWindowSeconds: 86_400,
      callbackOwnedMaxAheadSeconds: 2_592_000,
      complianceRegime: 'us',
      compliance: {
        callingWindow: { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
        minRingSeconds: null,
        redialAfterAbandonSeconds: null,
        maxAttemptsPerNumberPerDay: null,
        abandonWindowSeconds: null,
        connectThresholdSeconds: null,
        abandonMessage: null,
        fallbackTimeZone: null,
      },
      pacing: { maxAbandonRate: 0.03, targetAbandonRate: 0.02, maxLinesPerAgent: 3, minDialSamples: 50, minAgents: 3 },
      pacingBySkill: {},
    };

    it('reads the defaults', async () => {
      const settings = await api.http().get('/v1/settings').set(bearer(supervisor)).expect(200);
      expect(settings.body).toEqual({
        defaultCountry: null,
        callStopCheck: null,
        terminateSessionLiveCall: 'finish',
        ...CALLBACK_DEFAULTS,
      });
    });

    it('merges changes and resets a field set to null', async () => {
      const check = { url: 'https://crm.example.com/call-stop', timeoutMs: 1500, onError: 'dial' };
      await api.http().put('/v1/settings').set(admin()).send({ callStopCheck: check }).expect(200);
      const both = await api.http().put('/v1/settings').set(admin()).send({ defaultCountry: 'JP' }).expect(200);
      expect(both.body).toEqual({
        defaultCountry: 'JP',
        callStopCheck: { ...check, hasSecret: false },
        terminateSessionLiveCall: 'finish',
        ...CALLBACK_DEFAULTS,
      });
      const reset = await api.http().put('/v1/settings').set(admin()).send({ callStopCheck: null }).expect(200);
      expect(reset.body).toEqual({
        defaultCountry: 'JP',
        callStopCheck: null,
        terminateSessionLiveCall: 'finish',
        ...CALLBACK_DEFAULTS,
      });
      expect((await api.http().get('/v1/settings').set(admin()).expect(200)).body).toEqual(reset.body);
    });

    it('keeps the call-stop check secret and never shows it again', async () => {
      const secret = 'a-secret-of-enough-length';
      const set = await api
        .http()
        .put('/v1/settings')
        .set(admin())
        .send({ callStopCheck: { url: 'https://crm.example.com/check', secret } })
        .expect(200);
      expect(set.body.callStopCheck).toEqual({
        url: 'https://crm.example.com/check',
        timeoutMs: 2000,
        onError: 'skip',
        hasSecret: true,
      });
      const read = await api.http().get('/v1/settings').set(admin()).expect(200);
      expect(JSON.stringify(read.body)).not.toContain(secret);
      await api.http().put('/v1/settings').set(admin()).send({ callStopCheck: null }).expect(200);
    });

    it('refuses bad settings with field errors and changes nothing', async () => {
      const response = await api
        .http()
        .put('/v1/settings')
        .set(admin())
        .send({ defaultCountry: 'japan', callStopCheck: { url: 'ftp://x', timeoutMs: 5, onError: 'panic' }, colour: 1 })
        .expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'callStopCheck.onError',
        'callStopCheck.timeoutMs',
        'callStopCheck.url',
        'colour',
        'defaultCountry',
      ]);
      expect((await api.http().get('/v1/settings').set(admin()).expect(200)).body.defaultCountry).toBe('JP');
    });

    it('is changed by admins only (403) and read by supervisors, not integrators', async () => {
      await api.http().put('/v1/settings').set(bearer(supervisor)).send({ defaultCountry: 'US' }).expect(403);
      await api.http().get('/v1/settings').set(bearer(integrator)).expect(403);
      await api.http().get('/v1/settings').expect(401);
    });
  });
});

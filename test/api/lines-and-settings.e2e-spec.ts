import request from 'supertest';
import { PrismaService } from '../../libs/database/src';
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

    it('agrees with PostgreSQL after concurrent changes through two replicas', async () => {
      const replica = await api.replica();
      const prisma = api.app.get(PrismaService);
      try {
        for (let round = 0; round < 5; round++) {
          await Promise.all(
            Array.from({ length: 16 }, (_, i) =>
              request(i % 2 ? replica.getHttpServer() : api.app.getHttpServer())
                .put('/v1/lines')
                .set(admin())
                .send({ capacity: 40 + round * 16 + i })
                .expect(200),
            ),
          );
          // No change after these: the live view must hold what PostgreSQL holds, not a loser.
          const stored = await prisma.lineSettings.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } });
          const live = (await api.http().get('/v1/lines/usage').set(admin()).expect(200)).body.capacity;
          expect([round, live]).toEqual([round, stored.capacity]);
        }
      } finally {
        await replica.close();
      }
    });

    it('counts inbound calls the PBX reports until the report expires, and refuses bad reports', async () => {
      await api.http().put('/v1/lines').set(admin()).send({ capacity: 10 }).expect(200);
      const inbound = (body: object) => api.http().put('/v1/lines/inbound').set(admin()).send(body);
      expect((await inbound({ inUse: 4, ttlSeconds: 1 }).expect(200)).body).toEqual({
        capacity: 10,
        inUse: { total: 4, outbound: 0, inbound: 4 },
        reserved: 0,
        free: 6,
      });
      // Not refreshed: the reporter went silent, its calls stop holding lines.
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      expect((await api.http().get('/v1/lines/usage').set(admin()).expect(200)).body.inUse.inbound).toBe(0);
      // Refreshed with zero: nothing held.
      await inbound({ inUse: 2 }).expect(200);
      expect((await inbound({ inUse: 0 }).expect(200)).body.inUse.inbound).toBe(0);
      for (const [body, field] of [
        [{ inUse: -1 }, 'inUse'],
        [{ inUse: 1.5 }, 'inUse'],
        [{ inUse: 1, ttlSeconds: 0 }, 'ttlSeconds'],
        [{ inUse: 1, ttlSeconds: 601 }, 'ttlSeconds'],
      ] as const) {
        const refused = await inbound(body).expect(400);
        expect(refused.body.errors[0]).toMatchObject({ field });
      }
      await api.http().put('/v1/lines/inbound').set(bearer(supervisor)).send({ inUse: 1 }).expect(403);
    });

    it('takes the later change, even after a change made by an API whose clock ran an hour ahead', async () => {
      // Only Date is shifted (as on a replica with a skewed clock); timers and the servers are real.
      jest.useFakeTimers({
        now: Date.now() + 3_600_000,
        doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate'].concat([
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ]) as never,
      });
      try {
        await api.http().put('/v1/lines').set(admin()).send({ capacity: 50 }).expect(200);
      } finally {
        jest.useRealTimers();
      }
      await api.http().put('/v1/lines').set(admin()).send({ capacity: 20 }).expect(200);
      expect((await api.http().get('/v1/lines/usage').set(admin()).expect(200)).body.capacity).toBe(20);
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
        abandonScope: null,
      },
      pacing: { maxAbandonRate: 0.03, targetAbandonRate: 0.02, maxLinesPerAgent: 3, minDialSamples: 50, minAgents: 3 },
      pacingBySkill: {},
      retentionDays: 90,
      wrapUpSeconds: 60,
      requireDisposition: false,
      maxTrunkReturns: 5,
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

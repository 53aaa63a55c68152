import { PrismaService } from '../../libs/database/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { auditTenant, BoundsSampler, expectNoDoubleDial, sleep, workerCounter } from '../support/fault-audit';
import { RedisServer, waitFor } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

const LINES = 10;
const AGENTS = 6;
const TARGETS = 300;
const WAITING_LIST = 20;
const OUTAGE_MS = 3_000;

/**
 * Redis killed (SIGKILL) in the middle of dialing and started again EMPTY a few seconds later, as a
 * Redis without persistence comes back from a crash: the queues of held targets, the live agent
 * view, the line and agent reservations, the answered callers waiting for an agent, the placing
 * claims and the delayed jobs of callbacks and webhook deliveries are all gone. PostgreSQL is the
 * truth: everything is rebuilt from it.
 *
 * The load: a sequential list of 300 numbers (an agent reserved for each dial), and a second list
 * of another skill dialed on lines alone whose answered callers wait for the one agent of that
 * skill, who is away until Redis is back: their calls hold lines across the outage, so the lines
 * they take and their places in the waiting queue must be rebuilt before anything else is dialed
 * (an immediate AutoCall submitted through the API the moment Redis is back tries exactly that).
 * Two callbacks are due, one during the outage and one after it.
 *
 * Asserted: the bounds at every sample and over the recorded history, every target terminal once,
 * nothing dialed twice, the waiting callers served (not abandoned), each callback fired once, every
 * webhook event delivered, and the audit.
 */
describe('Redis killed and restarted empty mid-dialing', () => {
  let redisServer: RedisServer;
  let engine: EngineHarness;
  let receiver: WebhookReceiver;
  let tenant: TestTenant;
  let prisma: PrismaService;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    redisServer = await RedisServer.start();
    engine = await EngineHarness.start('redis_restart', {
      REDIS_URL: redisServer.url,
      SIMULATOR_SEED: 'redis-restart',
      SIMULATOR_TIME_SCALE: '100',
      // Answered callers wait up to 36 s (real time) for an agent, and are about that patient.
      MAX_WAIT_SECONDS: '3600',
      SIMULATOR_PATIENCE_SECONDS_MEAN: '3600',
      // The worker notices the loss within two seconds (the API restores lines as soon as it needs them).
      LIVE_VIEW_CHECK_INTERVAL_MS: '2000',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      WEBHOOK_RETRY_SCHEDULE: '0,200ms,500ms,1s,1s,2s,2s,2s,2s,2s,2s,2s',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: AGENTS, prefix: 'rr' });
    prisma = engine.api.app.get(PrismaService);
    const admin = bearer(tenant.adminKey);
    await engine
      .http()
      .put('/v1/agents/rr-care')
      .set(admin)
      .send({ name: 'care', skills: ['care'], endpoint: 'sip:care@pbx.test' })
      .expect(201);
    await engine.http().post('/v1/agents/rr-care/session').set(admin).send({ state: 'unavailable' }).expect(201);
    await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(admin)
      .send({ url: receiver.url('/redis-restart') })
      .expect(201);
  });
  afterAll(async () => {
    await engine?.stop();
    await redisServer?.stop();
    await receiver?.close();
  });

  it('rebuilds everything from PostgreSQL, loses nothing and dials nothing twice', async () => {
    const admin = bearer(tenant.adminKey);
    const tag = `${engine.api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}`;
    const sampler = new BoundsSampler(engine, tenant, engine.api.redis, { capacity: LINES, agentBound: true });
    const callbacks: { id: string; phoneNumber: string }[] = [];
    let list = { id: '' };
    let waitingList = { id: '' };
    let waitingAcrossOutage = 0;
    let immediate = { id: '', targets: [] as { status: string }[] };
    try {
      list = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(TARGETS, '+4420') });
      await waitFor(
        'dialing under way',
        async () => (await prisma.contact.count({ where: { autocallId: list.id } })) >= 40,
        30_000,
      );
      waitingList = await engine.submit(tenant, {
        mode: 'sequential',
        skill: 'care',
        targets: numbers(WAITING_LIST, '+4430'),
        checks: { freeAgents: null },
      });
      // Two callbacks whose delayed jobs go with Redis: one due during the outage, one after it.
      for (const [i, dueInMs] of [1_500, OUTAGE_MS + 2_000].entries()) {
        const phoneNumber = `+4420999000${i}`;
        const { body } = await engine
          .http()
          .post('/v1/callbacks')
          .set(admin)
          .send({ phoneNumber, skill: 'sales', scheduledAt: new Date(Date.now() + dueInMs).toISOString() })
          .expect(201);
        callbacks.push({ id: body.id, phoneNumber });
      }
      // Answered callers of the second list hold lines while they wait.
      await waitFor(
        'callers waiting on held lines',
        async () => (await prisma.contact.count({ where: { autocallId: waitingList.id, status: 'waiting' } })) >= 5,
        30_000,
      );

      await engine.api.redis.set('sentinel', 'before the crash');
      await redisServer.kill();
      const killedAt = Date.now();
      waitingAcrossOutage = await prisma.contact.count({ where: { autocallId: waitingList.id, status: 'waiting' } });
      await sleep(OUTAGE_MS - (Date.now() - killedAt));
      expect(engine.workers[0].exitCode()).toBeNull(); // the processes stay up through the outage
      await redisServer.restart();
      // Empty (the clients reconnect by themselves and start writing again at once).
      expect(await engine.api.redis.get('sentinel')).toBeNull();
      // As soon as the API is connected again, before the worker has noticed: an immediate AutoCall,
      // dialed on lines alone. Only lines that calls in progress do not hold may be taken.
      await waitFor('the API to reconnect', async () => (await engine.http().get('/health/ready')).status === 200);
      immediate = await engine.submit(tenant, {
        mode: 'immediate',
        skill: 'care',
        targets: numbers(LINES, '+4440'),
        checks: { freeAgents: null },
      });
      const dialedAtOnce = immediate.targets.filter((t) => t.status === 'dialing').length;
      expect(dialedAtOnce).toBeLessThanOrEqual(LINES - waitingAcrossOutage);

      // The live view is rebuilt from PostgreSQL: agents, line capacity, the calls in progress.
      await waitFor('the live view rebuilt', async () => (await engine.api.redis.exists(`${tag}:live`)) === 1, 10_000);
      expect(await engine.api.redis.hget(`${tag}:lines`, 'capacity')).toBe(String(LINES));
      expect(await engine.api.redis.scard(`${tag}:agents`)).toBe(AGENTS + 1);
      const stillWaiting = await prisma.contact.findMany({
        where: { autocallId: waitingList.id, status: 'waiting' },
        select: { id: true },
      });
      const live = await engine.api.redis.zrange(`${tag}:contacts`, '0', '-1');
      expect(stillWaiting.filter((c) => !live.includes(c.id))).toEqual([]);

      // The care agent comes back: the callers who waited across the outage are served.
      await engine.http().put('/v1/agents/rr-care/state').set(admin).send({ state: 'available' }).expect(200);

      await engine.finished(tenant, list.id, 90_000);
      await engine.finished(tenant, waitingList.id, 60_000);
      await engine.finished(tenant, immediate.id, 60_000);
      for (const cb of callbacks) {
        await waitFor(
          `callback ${cb.id} to end`,
          async () => {
            const { body } = await engine.http().get(`/v1/callbacks/${cb.id}`).set(admin);
            return ['completed', 'failed'].includes(body.status) ? body : undefined;
          },
          45_000,
        );
      }
    } finally {
      await sampler.stop();
    }

    // Bounds at every sample (several hundred, some of them 503 during the outage).
    expect(sampler.violations).toEqual([]);
    expect(sampler.samples).toBeGreaterThan(100);
    expect(sampler.unavailable).toBeGreaterThan(0);
    expect(sampler.maxLinesUsed).toBeGreaterThan(AGENTS);
    expect(waitingAcrossOutage).toBeGreaterThanOrEqual(5);

    // Every target of the lists is terminal; the counts add up.
    for (const [id, count] of [
      [list.id, TARGETS],
      [waitingList.id, WAITING_LIST],
      [immediate.id, LINES],
    ] as const) {
      const { body } = await engine.http().get(`/v1/autocalls/${id}`).set(admin).expect(200);
      expect(Object.values(body.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(count);
    }
    // The callers who waited were served by the care agent once it was back, none abandoned.
    const waited = await prisma.target.findMany({
      where: { autocallId: waitingList.id, status: 'abandoned' },
      select: { reason: true },
    });
    expect(waited).toEqual([]);

    // Nothing dialed twice: one contact per target at most (no retry policy), and the worker (never
    // restarted) placed exactly as many calls as PostgreSQL has contacts.
    await expectNoDoubleDial(engine, tenant);
    const contacts = await prisma.contact.count({ where: { tenantId: tenant.tenantId } });
    expect(await workerCounter(engine.workerUrl(engine.workers[0]), 'autocall_dials_total', tenant.tenantId)).toBe(
      contacts,
    );

    // Each callback fired exactly once: one AutoCall, one target, one call.
    for (const cb of callbacks) {
      expect(await prisma.target.count({ where: { reference: `callback:${cb.id}` } })).toBe(1);
      expect(await prisma.contact.count({ where: { phoneNumber: cb.phoneNumber } })).toBe(1);
    }

    await auditTenant(engine, tenant, { lines: LINES, webhooks: true });

    // Every event written to the outbox reached the receiver (at least once), among them one
    // autocall.target.completed per target and one callback.due per callback.
    const events = await prisma.webhookEvent.findMany({
      where: { tenantId: tenant.tenantId },
      select: { id: true, type: true },
    });
    const unique = receiver.events();
    expect(unique.map((h) => h.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(unique.filter((h) => h.envelope.type === 'autocall.target.completed')).toHaveLength(
      TARGETS + WAITING_LIST + LINES + callbacks.length,
    );
    expect(unique.filter((h) => h.envelope.type === 'callback.due')).toHaveLength(callbacks.length);
    expect(await prisma.webhookDelivery.count({ where: { tenantId: tenant.tenantId, status: 'delivered' } })).toBe(
      events.length,
    );
  });
});

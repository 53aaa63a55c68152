import { PrismaService } from '../../libs/database/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { auditTenant, BoundsSampler, expectNoDoubleDial } from '../support/fault-audit';
import { waitFor } from '../support/processes';
import { onRedisCluster } from '../support/redis-cluster';

const LINES = 8;
const AGENTS = 5;
const TARGETS = 300;

const { cluster } = onRedisCluster();

/**
 * Every master of the Redis Cluster fails over in turn (CLUSTER FAILOVER on its replica: the
 * replica takes its slots, the old master becomes its replica) while two workers dial a few
 * hundred targets one by one and a predictive AutoCall dials ahead of its agents. Afterwards, from
 * PostgreSQL: every target ended exactly once, no target dialed twice (one contact per target), no
 * more calls at once than lines over the whole history and no agent on two calls at once; and the
 * lines and agents sampled all along never passed their bounds.
 */
describe('a failover of every master while dialing', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;

  beforeAll(async () => {
    engine = await EngineHarness.start(
      'cluster_failover',
      { SIMULATOR_SEED: 'cluster-failover', PACING_TICK_MS: '50', PACING_CONTROL_INTERVAL_MS: '500' },
      2,
    );
    tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: AGENTS, prefix: 'fo' });
    const admin = bearer(tenant.adminKey);
    for (let i = 0; i < 3; i++) {
      await engine
        .http()
        .put(`/v1/agents/pd-${i}`)
        .set(admin)
        .send({ name: `pd-${i}`, skills: ['pred'], endpoint: `sip:pd-${i}@pbx.test` })
        .expect(201);
      await engine.http().post(`/v1/agents/pd-${i}/session`).set(admin).send({ state: 'available' }).expect(201);
    }
    await engine
      .http()
      .put('/v1/settings')
      .set(admin)
      .send({ pacing: { minDialSamples: 20, minAgents: 2 } })
      .expect(200);
  });
  afterAll(() => engine?.stop());

  it('loses no target, dials nothing twice and passes no bound', async () => {
    const prisma = engine.api.app.get(PrismaService);
    const sampler = new BoundsSampler(engine, tenant, engine.api.redis, {
      capacity: LINES,
      agentBound: true,
      intervalMs: 25,
    });
    const failedOver: { master: number; promoted: number; contactsBefore: number }[] = [];
    let sequential: { id: string };
    let predictive: { id: string };
    try {
      sequential = await engine.submit(tenant, {
        mode: 'sequential',
        skill: 'sales',
        targets: numbers(TARGETS, '+3380'),
      });
      predictive = await engine.submit(tenant, {
        mode: 'predictive',
        skill: 'pred',
        targets: numbers(60, '+3381'),
        ringTimeoutSeconds: 20,
      });
      await waitFor(
        'dialing under way',
        async () => (await prisma.contact.count({ where: { tenantId: tenant.tenantId } })) >= 20,
        30_000,
      );
      // Each master in turn, while the sequential AutoCall is still dialing.
      for (const master of await cluster().masters()) {
        const contactsBefore = await prisma.contact.count({ where: { autocallId: sequential.id } });
        const promoted = await cluster().failover(master);
        failedOver.push({ master, promoted, contactsBefore });
      }
      await engine.finished(tenant, sequential.id, 90_000);
      await engine.finished(tenant, predictive.id, 60_000);
    } finally {
      await sampler.stop();
    }

    expect(failedOver).toHaveLength(3);
    // Every failover happened in the middle of dialing: before the last target was dialed.
    expect(failedOver.every((f) => f.contactsBefore < TARGETS)).toBe(true);
    expect(new Set(await cluster().masters())).toEqual(new Set(failedOver.map((f) => f.promoted)));

    expect(sampler.violations).toEqual([]);
    expect(sampler.samples).toBeGreaterThan(20);
    expect(await prisma.contact.count({ where: { autocallId: sequential!.id } })).toBe(TARGETS);
    await expectNoDoubleDial(engine, tenant);
    await auditTenant(engine, tenant, { lines: LINES, webhooks: false });
  });
});

import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../libs/database/src';
import { bearer } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { auditTenant, BoundsSampler, sleep } from '../support/fault-audit';

const MOST_LINES = 6;

/**
 * The tenant's line capacity changed again and again through two API replicas at once, sixteen
 * changes a round, while two workers dial (engine review, defect 9: the capacity's version was the
 * application's clock, so concurrent changes could leave Redis with the losing value for good).
 * After each round Redis's capacity must be PostgreSQL's; the calls in progress never outnumber the
 * most lines ever set; and once the capacity is lowered for the last time and the calls above it
 * have ended, no new call takes the tenant above it again. Ends with the shared audit.
 */
describe('line capacity changed concurrently through two replicas while dialing', () => {
  let engine: EngineHarness;
  let replica: INestApplication;

  beforeAll(async () => {
    engine = await EngineHarness.start(
      'lines_changed',
      { SIMULATOR_SEED: 'lines-changed', SIMULATOR_TIME_SCALE: '100' },
      2,
    );
    replica = await engine.api.replica();
  });
  afterAll(async () => {
    await replica?.close();
    await engine?.stop();
  });

  it('keeps Redis equal to PostgreSQL and the calls within the lines', async () => {
    const prisma = engine.api.app.get(PrismaService);
    const tenant = await engine.tenantWithAgents({ lines: MOST_LINES, skill: 'sales', agents: 4, prefix: 'lc' });
    const admin = bearer(tenant.adminKey);
    const apis = [() => engine.http(), () => request(replica.getHttpServer())];
    const liveCalls = async () =>
      prisma.contact.count({ where: { tenantId: tenant.tenantId, status: { not: 'ended' } } });
    const sampler = new BoundsSampler(engine, tenant, engine.api.redis, { capacity: MOST_LINES, agentBound: true });

    const withAgents = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(80, '+4420'),
    });
    const linesAlone = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      checks: { freeLines: { reserve: 0 }, freeAgents: null, callStop: false },
      targets: numbers(80, '+4421'),
    });

    let peak = 0;
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          apis[i % 2]()
            .put('/v1/lines')
            .set(admin)
            .send({ capacity: 2 + ((i * 7 + round) % (MOST_LINES - 1)) })
            .expect(200),
        ),
      );
      const stored = await prisma.lineSettings.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } });
      const live = (await engine.http().get('/v1/lines/usage').set(admin).expect(200)).body.capacity;
      expect([round, live]).toEqual([round, stored.capacity]);
      peak = Math.max(peak, await liveCalls());
      await sleep(300);
    }

    // The last change lowers the capacity to 2: once the calls above it have ended, it holds.
    await apis[1]().put('/v1/lines').set(admin).send({ capacity: 2 }).expect(200);
    let withinSince: number | null = null;
    let afterLowered = 0;
    const finished = Promise.all([
      engine.finished(tenant, withAgents.id, 120_000),
      engine.finished(tenant, linesAlone.id, 120_000),
    ]);
    let done = false;
    void finished.finally(() => (done = true)).catch(() => undefined);
    while (!done) {
      const live = await liveCalls();
      peak = Math.max(peak, live);
      if (withinSince === null && live <= 2) withinSince = Date.now();
      else if (withinSince !== null) afterLowered = Math.max(afterLowered, live);
      await sleep(10);
    }
    await finished;
    await sampler.stop();

    expect(withinSince).not.toBeNull();
    expect(afterLowered).toBeLessThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(MOST_LINES);
    expect(sampler.violations).toEqual([]);
    expect(sampler.samples).toBeGreaterThan(0);
    await auditTenant(engine, tenant, { lines: MOST_LINES, webhooks: false });
  });
});

import { PrismaService } from '../../libs/database/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';

/**
 * A worker killed with SIGKILL in the middle of dispatching, then restarted: no target is lost
 * (every one ends terminal), no call is placed twice (the simulated carrier counts every call it
 * receives per number), and lines and agents come back.
 */
describe('worker killed mid-dispatch', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;

  beforeAll(async () => {
    engine = await EngineHarness.start('worker_crash', { SIMULATOR_SEED: 'crash', SIMULATOR_TIME_SCALE: '100' }, 2);
    tenant = await engine.tenantWithAgents({ lines: 10, skill: 'sales', agents: 8, prefix: 'crash' });
  });
  afterAll(() => engine.stop());

  it('loses no target and places no call twice', async () => {
    const prisma = engine.api.app.get(PrismaService);
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(120, '+4930'),
    });
    const immediate = await engine.submit(tenant, { mode: 'immediate', skill: 'sales', targets: numbers(5, '+4940') });

    // Kill a worker while calls are live and targets are still held: the one placing the most live
    // calls of the sequential AutoCall (one dispatcher takes each wake-up, so either may be idle).
    const victim = await waitFor(
      'calls in progress',
      async () => {
        if ((await prisma.contact.count({ where: { tenantId: tenant.tenantId } })) < 20) return undefined;
        const live = await prisma.contact.findMany({
          where: { autocallId: submitted.id, status: { not: 'ended' }, placedBy: { not: null } },
          select: { placedBy: true },
        });
        const held = (worker: (typeof engine.workers)[number]) =>
          live.filter((c) => c.placedBy!.includes(`-${worker.pid}-`)).length;
        const busiest = [...engine.workers].sort((a, b) => held(b) - held(a))[0];
        return held(busiest) >= 2 ? busiest : undefined;
      },
      30_000,
      20,
    );
    await victim.stop('SIGKILL');
    await engine.startWorker();

    const done = await engine.finished(tenant, submitted.id, 150_000);
    await engine.finished(tenant, immediate.id, 60_000);
    const open = ['pending', 'dialing', 'ringing', 'answered', 'connected'];
    expect(open.map((s) => done.counts[s])).toEqual([0, 0, 0, 0, 0]);

    // Without a retry policy a target has at most one contact, and the carrier saw each number at
    // most once: nothing was dialed twice.
    const perTarget = await prisma.contact.groupBy({
      by: ['targetId'],
      where: { tenantId: tenant.tenantId },
      _count: { _all: true },
    });
    expect(perTarget.filter((t) => t._count._all > 1)).toEqual([]);
    const prefix = engine.api.config.get('REDIS_KEY_PREFIX');
    const counters = await engine.api.redis.keys(`${prefix}:telephony:attempts:*`);
    const placed = await Promise.all(counters.map((key) => engine.api.redis.get(key)));
    expect(placed.filter((n) => Number(n) > 1)).toEqual([]);

    // Calls the dead worker held were ended (reason worker_lost); no contact stays open.
    expect(await prisma.target.count({ where: { autocallId: submitted.id, reason: 'worker_lost' } })).toBeGreaterThan(
      0,
    );
    expect(await prisma.contact.count({ where: { tenantId: tenant.tenantId, status: { not: 'ended' } } })).toBe(0);
    // A line the dead worker had just reserved (no contact yet) comes back once its heartbeat has
    // expired (15 s) and a janitor pass (every 5 s) has seen it.
    const usage = await waitFor(
      'lines to be free',
      async () => {
        const { body } = await engine.http().get('/v1/lines/usage').set(bearer(tenant.adminKey));
        return body.inUse.total === 0 && body.reserved === 0 ? body : undefined;
      },
      45_000,
    );
    expect(usage.free).toBe(10);
    const agents = await engine.http().get('/v1/agents').set(bearer(tenant.adminKey)).expect(200);
    await waitFor(
      'agents back from their calls',
      async () => {
        const { body } = await engine.http().get('/v1/agents?state=on_call').set(bearer(tenant.adminKey));
        return body.items.length === 0;
      },
      45_000,
    );
    expect(agents.body.items).toHaveLength(8);
  });
});

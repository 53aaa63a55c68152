import { PrismaService } from '../../libs/database/src';
import { bearer } from '../support/api-harness';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';

/**
 * Answered callers waiting for an agent come before new dials. A drain pass no longer asks Redis
 * for waiting callers before it does anything else (a round trip that nearly always found nobody):
 * its first reservation refuses while one waits with an agent free, the caller is served, and the
 * reservation is asked again. Here the pool has a target held behind two waiting callers, so the
 * pass that follows the agent's availability goes through that reservation, not the pass's
 * fallback for pools with nothing to dial.
 */
describe('callers waiting for an agent, with targets still held', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('callers_first', {
      ...EVERY_CALL_ANSWERED,
      SIMULATOR_SEED: 'callers-first',
      SIMULATOR_TIME_SCALE: '1',
      SIMULATOR_RING_SECONDS_MEAN: '0.2',
      // Long calls: nothing ends, so no line frees, while the test looks.
      SIMULATOR_TALK_SECONDS_MEAN: '600',
      SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
    });
  });
  afterAll(() => engine.stop());

  it('gives a freed agent to the longest-waiting caller, and the held target waits for a line', async () => {
    const prisma = engine.api.app.get(PrismaService);
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 1, prefix: 'cf' });
    const admin = bearer(tenant.adminKey);
    await engine.http().put('/v1/agents/cf-0/state').set(admin).send({ state: 'unavailable' }).expect(200);
    // Lines alone: both lines dial, both callers answer and wait; the third target stays held.
    const autocall = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      checks: { freeLines: { reserve: 0 }, freeAgents: null, callStop: false },
      targets: numbers(3, '+4420'),
    });
    const waiting = await waitFor('both callers to wait', async () => {
      const rows = await prisma.contact.findMany({
        where: { autocallId: autocall.id, status: 'waiting' },
        orderBy: { answeredAt: 'asc' },
      });
      return rows.length === 2 ? rows : undefined;
    });

    await engine.http().put('/v1/agents/cf-0/state').set(admin).send({ state: 'available' }).expect(200);
    const connected = await waitFor('a caller to be connected', async () =>
      prisma.contact.findFirst({ where: { autocallId: autocall.id, status: 'connected' } }),
    );
    expect(connected).toMatchObject({ id: waiting[0].id, agentId: 'cf-0' });
    const targets = await prisma.target.findMany({ where: { autocallId: autocall.id } });
    expect(targets.map((t) => t.status).sort()).toEqual(['answered', 'connected', 'pending']);
    expect(await prisma.contact.count({ where: { autocallId: autocall.id } })).toBe(2);

    await engine.http().post(`/v1/autocalls/${autocall.id}/cancel`).set(admin).send({ hangUp: true }).expect(200);
    await waitFor('every call of the cancelled AutoCall to end', async () =>
      (await prisma.contact.findMany({ where: { autocallId: autocall.id } })).every((c) => c.status === 'ended'),
    );
  });
});

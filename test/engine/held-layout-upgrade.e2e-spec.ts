import { PrismaService } from '../../libs/database/src';
import { Queues } from '../../libs/dialing/src';
import { bearer } from '../support/api-harness';
import { EngineHarness, NO_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { auditTenant } from '../support/fault-audit';
import { waitFor } from '../support/processes';

/**
 * An upgrade from the held queues named before 2026-12 (`held.<tenant>.<skill>` under their own
 * tag, jobs `t-<target>-<attempts>` carrying their ids and options in full): the engine leader
 * finds the old queue, holds its tenant's pending targets again from PostgreSQL in the new queue,
 * and removes the old one. The test makes the state a running deployment leaves: the targets'
 * jobs in the old queue only, written as the earlier release wrote them.
 */
describe('held targets left in the earlier queue layout', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('held_layout_upgrade', NO_CALL_ANSWERED);
  });
  afterAll(() => engine.stop());

  it('are held again from PostgreSQL, each dialed once, and the old queue goes', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 1, prefix: 'up' });
    const admin = bearer(tenant.adminKey);
    const prisma = engine.api.app.get(PrismaService);
    const queues = engine.api.app.get(Queues);
    const pool = { tenantId: tenant.tenantId, skill: 'sales' };
    // Nobody to take a call while the test moves the targets to the old layout.
    await engine.http().put('/v1/agents/up-0/state').set(admin).send({ state: 'unavailable' }).expect(200);
    const submitted = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(3, '+4427') });
    const targets = await prisma.target.findMany({ where: { autocallId: submitted.id }, orderBy: { position: 'asc' } });
    expect(targets.map((t) => t.status)).toEqual(['pending', 'pending', 'pending']);

    const held = queues.held(pool);
    await waitFor('the new held queue to be empty', async () => {
      await held.drain();
      return Object.values(await held.getJobCounts()).every((n) => n === 0);
    });
    const old = queues.oldHeld(pool);
    try {
      await old.addBulk(
        targets.map((t) => ({
          name: 'held-target',
          data: { tenantId: tenant.tenantId, autocallId: submitted.id, targetId: t.id },
          opts: {
            jobId: `t-${t.id}-0`,
            priority: 101,
            removeOnComplete: true,
            removeOnFail: { age: 7 * 86_400 },
          },
        })),
      );
      expect(await old.getJobCountByTypes('prioritized')).toBe(3);
    } finally {
      await old.close();
    }

    await waitFor(
      'the old queue to be moved',
      async () => (await queues.oldHeldQueuesPresent([pool])).length === 0 && (await held.count()) === 3,
      30_000,
    );
    await engine.http().put('/v1/agents/up-0/state').set(admin).send({ state: 'available' }).expect(200);
    const done = await engine.finished(tenant, submitted.id, 60_000);
    expect(done.counts.no_answer).toBe(3);
    expect(await prisma.contact.count({ where: { autocallId: submitted.id } })).toBe(3);
    await auditTenant(engine, tenant, { lines: 2, webhooks: false });
  });
});

import { Queues } from '../../libs/dialing/src';
import { PrismaService } from '../../libs/database/src';
import { EngineHarness, NO_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { auditTenant } from '../support/fault-audit';
import { waitFor } from '../support/processes';

/**
 * A retry lost between its commit and its enqueue (engine review, defect 2): `ended` commits the
 * target `pending` with its next attempt, then adds the retry job; a worker killed between the two,
 * or Redis answering READONLY/OOM/LOADING there, leaves the target pending with no job. The test
 * makes that state on purpose, exactly: it removes the retry job once the commit is in. The
 * AutoCall must still complete, the target retried once, not twice.
 */
describe('a retry lost between its commit and its enqueue', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('retry_lost', {
      ...NO_CALL_ANSWERED,
      RETRY_RECONCILE_GRACE_SECONDS: '2',
      // The live view's check rebuilds a tenant it has not seen yet, retries included: off here, so
      // that only the reconciler can find the lost retry.
      LIVE_VIEW_CHECK_INTERVAL_MS: '600000',
    });
  });
  afterAll(() => engine.stop());

  it('is held again from the target row, and its AutoCall completes', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 1, prefix: 'rl' });
    const prisma = engine.api.app.get(PrismaService);
    // No answer is retried once, after 3,000 s of the callee's time (10 s here).
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(1, '+4420'),
      retry: { noAnswer: { maxAttempts: 2, delaySeconds: 3_000 } },
    });
    const target = await waitFor('the first attempt to end, its retry committed', async () => {
      const row = await prisma.target.findFirst({ where: { autocallId: submitted.id } });
      return row?.status === 'pending' && row.attempts === 1 && row.nextAttemptAt ? row : undefined;
    });
    // The enqueue that follows the commit, undone: as if the worker had died in between.
    const retries = engine.api.app.get(Queues).retries();
    const jobId = `r-${target.id}-1`;
    await waitFor('the retry job', async () => (await retries.getJob(jobId)) !== undefined);
    expect(await retries.remove(jobId)).toBe(1);

    const done = await engine.finished(tenant, submitted.id, 60_000);
    expect(done.counts.no_answer).toBe(1);
    expect(await prisma.contact.count({ where: { autocallId: submitted.id } })).toBe(2);
    await auditTenant(engine, tenant, { lines: 2, webhooks: false });
  });
});

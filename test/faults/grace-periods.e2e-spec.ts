import { Queues } from '../../libs/dialing/src';
import { PrismaService } from '../../libs/database/src';
import { EngineHarness, NO_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { auditTenant } from '../support/fault-audit';
import { bearer } from '../support/api-harness';
import { waitFor } from '../support/processes';

/**
 * The keeper's grace periods, each judged by PostgreSQL's clock against a time PostgreSQL wrote
 * (no process's clock is compared). Each test makes the lost state exactly and ages its row in the
 * database rather than waiting out the grace.
 *
 * An AutoCall stored but never queued: the API replica commits the AutoCall and its targets, then
 * dies before it adds their held jobs. The keeper finds it by `queued_at IS NULL` and a grace judged
 * by PostgreSQL's own clock against the `created_at` it wrote (no process's clock is compared), and
 * holds the targets from their rows. The test makes that state exactly: it empties the pool's held
 * queue and clears `queued_at`, and ages the row in the database rather than waiting out the grace.
 */
describe('grace periods judged by the database', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('grace_periods', NO_CALL_ANSWERED);
  });
  afterAll(() => engine.stop());

  it('an AutoCall stored but never queued is queued from its rows, every target dialed once', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 1, prefix: 'nq' });
    const admin = bearer(tenant.adminKey);
    const prisma = engine.api.app.get(PrismaService);
    // Nobody to take a call: the targets stay held while the test undoes their queuing.
    await engine.http().put('/v1/agents/nq-0/state').set(admin).send({ state: 'unavailable' }).expect(200);
    const submitted = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(3, '+4420') });

    const held = engine.api.app.get(Queues).held({ tenantId: tenant.tenantId, skill: 'sales' });
    await waitFor('the held queue to be empty', async () => {
      await held.drain();
      const counts = await held.getJobCounts();
      return Object.values(counts).every((n) => n === 0);
    });
    const [row] = await prisma.$queryRaw<{ aged: boolean }[]>`
      UPDATE autocalls SET queued_at = NULL, created_at = now() - interval '1 minute'
      WHERE id = ${submitted.id}::uuid RETURNING queued_at IS NULL AS aged`;
    expect(row.aged).toBe(true);

    await waitFor(
      'the keeper to queue the AutoCall again',
      async () => {
        const autocall = await prisma.autoCall.findUnique({ where: { id: submitted.id } });
        return autocall?.queuedAt !== null;
      },
      30_000,
    );
    await engine.http().put('/v1/agents/nq-0/state').set(admin).send({ state: 'available' }).expect(200);

    const done = await engine.finished(tenant, submitted.id, 60_000);
    expect(done.counts.no_answer).toBe(3);
    expect(await prisma.contact.count({ where: { autocallId: submitted.id } })).toBe(3);
    await auditTenant(engine, tenant, { lines: 2, webhooks: false });
  });

  /**
   * A simulated agent's wrap-up ends on a timer of the worker that ended their call; if that worker
   * died, the agent would stay in wrap-up for good. The test puts an agent in that state directly:
   * wrap-up begun (by PostgreSQL's clock) well past three times the mean.
   */
  it("a simulated agent's wrap-up whose worker died is ended, and the agent free again", async () => {
    const tenant = await engine.tenantWithAgents({ lines: 1, skill: 'care', agents: 1, prefix: 'wu' });
    const admin = bearer(tenant.adminKey);
    const prisma = engine.api.app.get(PrismaService);
    const [row] = await prisma.$queryRaw<{ id: string }[]>`
      UPDATE agents SET state = 'wrap_up', state_changed_at = now() - interval '10 minutes'
      WHERE tenant_id = ${tenant.tenantId}::uuid AND id = 'wu-0' RETURNING id`;
    expect(row.id).toBe('wu-0');

    const agent = await waitFor(
      'the keeper to end the wrap-up',
      async () => {
        const { body } = await engine.http().get('/v1/agents/wu-0').set(admin).expect(200);
        return body.state === 'available' ? body : undefined;
      },
      30_000,
    );
    expect(agent.state).toBe('available');
    const change = await prisma.agentStateChange.findFirst({
      where: { tenantId: tenant.tenantId, agentId: 'wu-0', toState: 'available', reason: 'wrap_up_done' },
    });
    expect(change).not.toBeNull();
  });
});

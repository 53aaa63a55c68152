import { PrismaService } from '../../libs/database/src';
import { bearer } from '../support/api-harness';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { auditTenant } from '../support/fault-audit';
import { waitFor } from '../support/processes';

/**
 * A worker killed while its callers wait for an agent (engine review, defect 4). Agents go to the
 * longest-waiting caller of a skill, and only the worker holding a call can connect it; before, the
 * dead worker's callers stayed first in line until the keeper ended them (its heartbeat expired,
 * 15 s, plus a keeper pass), and nobody behind them was served meanwhile, however many agents were
 * free. Now a worker holds a short lease on its waiting callers (5 s, renewed every second), and a
 * caller whose worker's lease has ended is passed over.
 *
 * The test orders the facts so that the window is certain: worker A's two callers wait first; A is
 * killed; worker B's two callers wait behind them; then the one agent becomes available. B's first
 * caller must be connected before the keeper ends A's callers (both times come from worker B's
 * clock). Before the fix, that connection could only come after those ends.
 */
describe('a worker killed while its callers wait for an agent', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('waiting_worker_killed', {
      ...EVERY_CALL_ANSWERED,
      SIMULATOR_SEED: 'waiting-worker-killed',
      SIMULATOR_TIME_SCALE: '1',
      SIMULATOR_RING_SECONDS_MEAN: '0.5',
      SIMULATOR_TALK_SECONDS_MEAN: '1',
      SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
      SIMULATOR_PATIENCE_SECONDS_MEAN: '600',
      MAX_WAIT_SECONDS: '120',
      DISPATCH_SWEEP_INTERVAL_MS: '200',
    });
  });
  afterAll(() => engine.stop());

  it("does not hold up the skill: the other workers' callers are served first", async () => {
    const prisma = engine.api.app.get(PrismaService);
    const tenant = await engine.tenantWithAgents({ lines: 6, skill: 'sales', agents: 1, prefix: 'wk' });
    const admin = bearer(tenant.adminKey);
    await engine.http().put('/v1/agents/wk-0/state').set(admin).send({ state: 'unavailable' }).expect(200);
    // Lines alone: answered callers wait for the one agent.
    const linesAlone = { freeLines: { reserve: 0 }, freeAgents: null, callStop: false };
    const waitingOf = (autocallId: string) =>
      waitFor(`both callers of ${autocallId} to wait`, async () => {
        const rows = await prisma.contact.findMany({ where: { autocallId, status: 'waiting' } });
        return rows.length === 2 ? rows : undefined;
      });

    const [workerA] = engine.workers;
    const first = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      checks: linesAlone,
      targets: numbers(2, '+4420'),
    });
    const aCallers = await waitingOf(first.id);

    await engine.startWorker();
    await workerA.stop('SIGKILL');
    const second = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      checks: linesAlone,
      targets: numbers(2, '+4421'),
    });
    const bCallers = await waitingOf(second.id);
    expect(new Set(bCallers.map((c) => c.placedBy))).not.toContain(aCallers[0].placedBy);

    await engine.http().put('/v1/agents/wk-0/state').set(admin).send({ state: 'available' }).expect(200);
    const done = await engine.finished(tenant, second.id, 60_000);
    expect(done.counts.completed).toBe(2);
    await engine.finished(tenant, first.id, 60_000);

    // A's callers were ended by the keeper (their calls died with A), and only after B's first
    // caller had been connected: nobody waited behind them.
    const aEnded = await prisma.contact.findMany({ where: { autocallId: first.id } });
    expect(aEnded.map((c) => c.status)).toEqual(['ended', 'ended']);
    const aTargets = await prisma.target.findMany({ where: { autocallId: first.id } });
    expect(aTargets.map((t) => t.reason)).toEqual(['worker_lost', 'worker_lost']);
    const bConnected = await prisma.contact.findMany({ where: { autocallId: second.id } });
    const firstServed = Math.min(...bConnected.map((c) => c.connectedAt!.getTime()));
    const firstEnded = Math.min(...aEnded.map((c) => c.endedAt!.getTime()));
    expect(firstServed).toBeLessThan(firstEnded);

    await auditTenant(engine, tenant, { lines: 6, webhooks: false });
  });
});

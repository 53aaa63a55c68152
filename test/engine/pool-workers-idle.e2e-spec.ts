import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';

/**
 * Each pool (tenant + skill) has a BullMQ worker for its held targets: two Redis connections and a
 * stalled-jobs timer. A pool unused for POOL_WORKER_IDLE_MS has its worker closed, so that a worker
 * holds connections for the pools in use, not for every pool it has ever seen; the next list of
 * that pool makes it again.
 */
describe("idle pools' queue workers", () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('pool_workers_idle', {
      ...EVERY_CALL_ANSWERED,
      POOL_WORKER_IDLE_MS: '1000',
      DISPATCH_SWEEP_INTERVAL_MS: '200',
    });
  });
  afterAll(() => engine.stop());

  const poolWorkers = async () => {
    const text = await (await fetch(`${engine.workerUrl(engine.workers[0])}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('autocall_pool_queue_workers '));
    return Number(line?.split(' ')[1]);
  };

  it('are closed once unused, and made again for the next list', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 4, skill: 'sales', agents: 2, prefix: 'pw' });
    const first = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(4, '+4420') });
    // Made for the list (it stays at least POOL_WORKER_IDLE_MS after its last use).
    await waitFor('the pool worker', async () => (await poolWorkers()) === 1, 10_000);
    await engine.finished(tenant, first.id);
    await waitFor('the idle pool worker to close', async () => (await poolWorkers()) === 0, 20_000);

    const second = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(4, '+4421') });
    const done = await engine.finished(tenant, second.id);
    expect(done.counts.completed).toBe(4);
  });
});

import { PrismaService } from '../../libs/database/src';
import { Queues } from '../../libs/dialing/src';
import { TestTenant } from '../support/api-harness';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { auditTenant, sleep, workerCounter } from '../support/fault-audit';
import { waitFor } from '../support/processes';

const DUPLICATE_DIALS = 10;

/**
 * The engine review's suspected double dial: Redis loses a call's placing claim (restarted empty,
 * or failed over) and its dial is queued again (a restore later than the janitor's grace), while
 * the worker that placed it still holds the call, not yet ringing (its contact still `dialing`).
 * The simulator runs twenty times slower than real time here, so a call takes 6 to 30 s to ring.
 * Redis no longer keeps a placing claim at all (it was a cache of PostgreSQL's); here the simulated
 * carrier's own memory of the call is deleted on purpose, and the contact's dial is queued ten
 * times more, for two workers to take. Which worker places a contact is PostgreSQL's to say (contacts.placed_by):
 * none of them may place it again.
 */
describe('a placing claim lost while its call is up', () => {
  let engine: EngineHarness;
  let prisma: PrismaService;
  let tenant: TestTenant;

  beforeAll(async () => {
    engine = await EngineHarness.start(
      'placing_claim_lost',
      { ...EVERY_CALL_ANSWERED, SIMULATOR_TIME_SCALE: '0.05' },
      2,
    );
    prisma = engine.api.app.get(PrismaService);
    tenant = await engine.tenantWithAgents({ lines: 4, skill: 'sales', agents: 1, prefix: 'pl' });
  });
  afterAll(() => engine.stop());

  const dialsPlaced = async () => {
    let total = 0;
    for (const worker of engine.workers)
      total += await workerCounter(engine.workerUrl(worker), 'autocall_dials_total', tenant.tenantId);
    return total;
  };

  it('never places the call a second time', async () => {
    const submitted = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(1, '+4426') });
    const contact = await waitFor(
      'the call placed',
      async () => {
        const row = await prisma.contact.findFirst({ where: { autocallId: submitted.id, status: 'dialing' } });
        return row && (await dialsPlaced()) === 1 ? row : undefined;
      },
      10_000,
    );

    const prefix = engine.api.config.get('REDIS_KEY_PREFIX');
    const redis = engine.api.redis;
    await redis.del(`${prefix}:telephony:placed:${contact!.id}`);
    const dials = engine.api.app.get(Queues).dials();
    for (let i = 0; i < DUPLICATE_DIALS; i++)
      await dials.add(
        'dial',
        { tenantId: tenant.tenantId, contactId: contact!.id },
        { jobId: `again-${contact!.id}-${i}` },
      );
    await waitFor(
      'the repeated dials taken',
      async () => {
        const counts = await dials.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      },
      20_000,
    );
    await sleep(1_000);

    expect(await dialsPlaced()).toBe(1);
    const row = await prisma.contact.findUniqueOrThrow({ where: { id: contact!.id } });
    expect(row.status).toBe('dialing');

    await engine
      .http()
      .post(`/v1/contacts/${contact!.id}/end`)
      .set({ Authorization: `Bearer ${tenant.adminKey}` });
    await engine.finished(tenant, submitted.id, 30_000);
    await auditTenant(engine, tenant, { lines: 4, webhooks: false });
  });
});

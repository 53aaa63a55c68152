import { PrismaService } from '../../libs/database/src';
import { bearer } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';

describe('dialing modes on the simulator', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('modes');
  });
  afterAll(() => engine.stop());

  it('immediate: 5 lines with reserve 1 and 3 available agents dial 3 and mark the rest no_free_agent', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 5, skill: 'sales', agents: 3 });
    const submitted = await engine.submit(tenant, {
      mode: 'immediate',
      skill: 'sales',
      targets: numbers(6),
      checks: { freeLines: { reserve: 1 }, freeAgents: { reserve: 0 } },
    });
    expect(submitted.targets.map((t: { status: string; reason: string | null }) => [t.status, t.reason])).toEqual([
      ['dialing', null],
      ['dialing', null],
      ['dialing', null],
      ['not_dialed', 'no_free_agent'],
      ['not_dialed', 'no_free_agent'],
      ['not_dialed', 'no_free_agent'],
    ]);
    expect(submitted.targets.slice(0, 3).every((t: { contactId: string }) => t.contactId)).toBe(true);

    const done = await engine.finished(tenant, submitted.id);
    expect(done.counts.not_dialed).toBe(3);
    const terminal = ['completed', 'no_answer', 'busy', 'failed', 'abandoned', 'machine'];
    expect(terminal.reduce((n, s) => n + done.counts[s], 0)).toBe(3);
  });

  it('immediate: the line check alone bounds the dials (lines − reserve)', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 3, skill: 'support', agents: 10, prefix: 'lc' });
    const submitted = await engine.submit(tenant, {
      mode: 'immediate',
      skill: 'support',
      targets: numbers(5, '+4420'),
      checks: { freeLines: { reserve: 1 }, freeAgents: null },
    });
    expect(submitted.counts).toMatchObject({ dialing: 2, not_dialed: 3 });
    expect(submitted.targets[4]).toMatchObject({ status: 'not_dialed', reason: 'no_free_line' });
    await engine.finished(tenant, submitted.id);
  });

  it('immediate: inbound calls reported by the PBX take lines too', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 4, skill: 'inbound', agents: 10, prefix: 'in' });
    // What the tenant's PBX or SBC reports: three inbound calls on the trunk now.
    const report = await engine
      .http()
      .put('/v1/lines/inbound')
      .set(bearer(tenant.adminKey))
      .send({ inUse: 3, ttlSeconds: 60 })
      .expect(200);
    expect(report.body).toMatchObject({ capacity: 4, inUse: { inbound: 3 }, free: 1 });
    const submitted = await engine.submit(tenant, {
      mode: 'immediate',
      skill: 'inbound',
      targets: numbers(3, '+6128'),
    });
    expect(submitted.counts).toMatchObject({ dialing: 1, not_dialed: 2 });
    await engine.finished(tenant, submitted.id);
  });

  it('sequential: 200 targets all end, dialed in list order as agents cycle', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 4, skill: 'sales', agents: 3, prefix: 'seq' });
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(200, '+1415'),
    });
    expect(submitted.counts.pending).toBe(200);

    const done = await engine.finished(tenant, submitted.id, 120_000);
    expect(
      done.counts.pending + done.counts.dialing + done.counts.ringing + done.counts.answered + done.counts.connected,
    ).toBe(0);
    expect(done.counts.completed).toBeGreaterThan(50);

    // Contact ids are made in the order lines were reserved for them (monotonic uuidv7): as list
    // positions, that order must be the list order.
    const prisma = engine.api.app.get(PrismaService);
    const contacts = await prisma.contact.findMany({
      where: { autocallId: submitted.id },
      orderBy: { id: 'asc' },
      select: { id: true, targetId: true },
    });
    const targets = await prisma.target.findMany({
      where: { autocallId: submitted.id },
      select: { id: true, position: true },
    });
    const positionOf = new Map(targets.map((t) => [t.id, t.position]));
    const order = contacts.map((c) => positionOf.get(c.targetId)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(contacts).toHaveLength(200);

    const usage = await engine.http().get('/v1/lines/usage').set(bearer(tenant.adminKey)).expect(200);
    expect(usage.body.inUse.total + usage.body.reserved).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { PrismaService } from '../../libs/database/src';
import { CapacityService, DialChecks, LiveCallsRestorer } from '../../libs/dialing/src';
import { LinesService } from '../../libs/lines/src';
import { ApiHarness, TestTenant } from '../support/api-harness';

/**
 * The repair of Redis's line view from PostgreSQL's calls in progress (after a Redis loss, or after
 * PostgreSQL refused a dial Redis admitted): the view may count fewer calls than PostgreSQL for a
 * while (PostgreSQL refuses the dials that would pass the bound), never more lines than the tenant
 * has, and never a call that has ended, whatever happens between the repair's read and its writes.
 */
describe('the repair of the line view from the calls in progress', () => {
  let api: ApiHarness;
  let prisma: PrismaService;
  let capacity: CapacityService;
  let lines: LinesService;
  const noAgents: DialChecks = { freeLines: { reserve: 0 }, freeAgents: null, callStop: false };

  beforeAll(async () => {
    api = await ApiHarness.start('live_lines_repair');
    prisma = api.app.get(PrismaService);
    capacity = api.app.get(CapacityService);
    lines = api.app.get(LinesService);
  });
  afterAll(() => api.stop());

  async function tenantWith(lineCount: number): Promise<TestTenant & { autocallId: string }> {
    const tenant = await api.createTenant(`repair-${lineCount}`, lineCount);
    await lines.ensureLive(tenant.tenantId);
    const autocallId = randomUUID();
    await prisma.$executeRaw`
      INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count)
      VALUES (${autocallId}::uuid, ${tenant.tenantId}::uuid, 'sequential', 'sales',
              ${JSON.stringify(noAgents)}::jsonb, 30, '{}', 0)`;
    return { ...tenant, autocallId };
  }

  let position = 0;
  /** A call in progress stored in PostgreSQL (its line taken there) that Redis's view does not hold. */
  async function storedCall(tenant: { tenantId: string; autocallId: string }): Promise<string> {
    const [targetId, contactId] = [randomUUID(), randomUUID()];
    await prisma.$executeRaw`
      WITH t AS (INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
                 VALUES (${targetId}::uuid, ${tenant.tenantId}::uuid, ${tenant.autocallId}::uuid, ${(position += 1)},
                         '+441632960000', 'dialing') RETURNING id)
      INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number)
      SELECT ${contactId}::uuid, ${tenant.tenantId}::uuid, ${tenant.autocallId}::uuid, id, 1, 'sales', '+441632960000' FROM t`;
    return contactId;
  }

  const contactsInView = (tenantId: string) =>
    api.redis.zrange(`${api.config.get('REDIS_KEY_PREFIX')}:{${tenantId}}:contacts`, '0', '-1');

  it('never counts more lines than the tenant has: a call it cannot fit waits for a line to free', async () => {
    const tenant = await tenantWith(2);
    // Two dials reserved in Redis and not stored yet; a call PostgreSQL holds that the view lost.
    const [first, second] = [randomUUID(), randomUUID()];
    for (const id of [first, second])
      expect(
        await capacity.reserve(tenant.tenantId, id, 'sales', noAgents, 'w1', { placesItself: true }),
      ).toMatchObject({ ok: true });
    const lost = await storedCall(tenant);
    const restorer = api.app.get(LiveCallsRestorer);

    await restorer.restoreLiveLines(tenant.tenantId);
    expect((await contactsInView(tenant.tenantId)).sort()).toEqual([first, second].sort());
    expect(await lines.usage(tenant.tenantId)).toMatchObject({ inUse: { outbound: 2 }, free: 0 });

    // One of the dials is refused by PostgreSQL (the line is the lost call's) and released: the next
    // repair gives the lost call its line.
    await capacity.releaseUndialed(tenant.tenantId, second);
    await restorer.restoreLiveLines(tenant.tenantId);
    expect((await contactsInView(tenant.tenantId)).sort()).toEqual([first, lost].sort());
  });

  it('does not bring back a call that ended between its read and its restore', async () => {
    const tenant = await tenantWith(4);
    const [ending, staying] = [await storedCall(tenant), await storedCall(tenant)];
    // The repair's read of the calls in progress is held back until the test lets it go on: the
    // first call ends meanwhile, as an end does (its statement, then its release in Redis, which
    // finds nothing to free yet).
    let readDone!: () => void;
    let goOn!: () => void;
    const read = new Promise<void>((resolve) => (readDone = resolve));
    const resume = new Promise<void>((resolve) => (goOn = resolve));
    let reads = 0;
    const slowFirstRead = new Proxy(prisma, {
      get(target, property, receiver) {
        if (property !== '$queryRaw') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<PrismaService['$queryRaw']>) => {
          const rows = await target.$queryRaw(...args);
          if (++reads === 1) {
            readDone();
            await resume;
          }
          return rows;
        };
      },
    });
    const restorer = new LiveCallsRestorer(slowFirstRead, capacity, lines);
    const repair = restorer.restoreLiveLines(tenant.tenantId);
    await read;
    await prisma.$executeRaw`UPDATE contacts SET status = 'ended', ended_at = now() WHERE id = ${ending}::uuid`;
    expect(await capacity.release(tenant.tenantId, ending)).toBe(false);
    goOn();
    await repair;

    expect(await contactsInView(tenant.tenantId)).toEqual([staying]);
    expect(await lines.usage(tenant.tenantId)).toMatchObject({ inUse: { outbound: 1 }, reserved: 0, free: 3 });
  });
});

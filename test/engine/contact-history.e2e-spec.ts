import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';

/** Call history over a few thousand contacts: filters, and pages that stay stable while calls go on. */
describe('call history', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;
  let first: { id: string };
  let second: { id: string };

  beforeAll(async () => {
    engine = await EngineHarness.start('history', { SIMULATOR_SEED: 'history', SIMULATOR_TIME_SCALE: '500' });
    tenant = await engine.tenantWithAgents({ lines: 3000, skill: 'sales', agents: 5, prefix: 'h' });
    first = await engine.submit(tenant, {
      mode: 'immediate',
      skill: 'sales',
      targets: numbers(1500, '+8160'),
      checks: { freeAgents: null },
    });
    second = await engine.submit(tenant, {
      mode: 'immediate',
      skill: 'sales',
      targets: numbers(1000, '+8161'),
      checks: { freeAgents: null },
    });
    await engine.finished(tenant, first.id, 150_000);
    await engine.finished(tenant, second.id, 150_000);
  });
  afterAll(() => engine.stop());

  const get = async (query: string) =>
    (await engine.http().get(`/v1/contacts?${query}`).set(bearer(tenant.adminKey)).expect(200)).body;

  it('pages through every contact, newest first, without a gap or a repeat while new calls are placed', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`limit=400${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((c: { contactId: string }) => c.contactId));
      cursor = page.nextCursor;
      // New contacts arrive between pages; they are newer than the cursor and never shift the pages.
      if (pages++ === 1)
        await engine.submit(tenant, {
          mode: 'immediate',
          skill: 'sales',
          targets: numbers(50, '+8162'),
          checks: { freeAgents: null },
        });
    } while (cursor);
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it('filters by AutoCall, phone number, reference, status, time range and agent', async () => {
    const ofFirst = await get(`autocallId=${first.id}&limit=500`);
    expect(ofFirst.items.every((c: { autocallId: string }) => c.autocallId === first.id)).toBe(true);

    const byNumber = await get('phoneNumber=%2B81610000007');
    expect(byNumber.items).toEqual([expect.objectContaining({ phoneNumber: '+81610000007', reference: 'ref-7' })]);
    const byReference = await get(`reference=ref-7&autocallId=${second.id}`);
    expect(byReference.items.map((c: { phoneNumber: string }) => c.phoneNumber)).toEqual(['+81610000007']);

    const ended = await get('status=ended&limit=5');
    expect(ended.items.every((c: { status: string }) => c.status === 'ended')).toBe(true);

    const all = await get('limit=1');
    const newest = new Date(all.items[0].createdAt);
    const none = await get(`from=${new Date(newest.getTime() + 60_000).toISOString()}`);
    expect(none.items).toEqual([]);
    const upTo = await get(`to=${new Date(newest.getTime() + 1).toISOString()}&limit=1`);
    expect(upTo.items[0].contactId).toBe(all.items[0].contactId);

    const connected = await get('status=ended&limit=500');
    const withAgent = connected.items.find((c: { agentId: string | null }) => c.agentId);
    if (withAgent) {
      const byAgent = await get(`agentId=${withAgent.agentId}&limit=500`);
      expect(byAgent.items.every((c: { agentId: string }) => c.agentId === withAgent.agentId)).toBe(true);
    }
    expect((await get('direction=inbound')).items).toEqual([]);
  });

  it('refuses bad filters and foreign cursors with field errors', async () => {
    const response = await engine
      .http()
      .get('/v1/contacts?status=happy&from=yesterday&phoneNumber=123&cursor=abc&limit=0')
      .set(bearer(tenant.adminKey))
      .expect(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'query.from',
      'query.limit',
      'query.phoneNumber',
      'query.status',
    ]);
    const cursor = await engine.http().get('/v1/contacts?cursor=bm9wZQ').set(bearer(tenant.adminKey)).expect(400);
    expect(cursor.body.errors[0]).toMatchObject({ field: 'cursor', code: 'invalid_cursor' });
  });
});

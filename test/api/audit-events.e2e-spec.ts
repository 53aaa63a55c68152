import { PrismaService } from '../../libs/database/src';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

type AuditEvent = {
  id: string;
  at: string;
  requestId: string;
  keyId: string;
  role: string;
  agentId: string | null;
  action: string;
  method: string;
  route: string;
  resourceType: string;
  resourceId: string | null;
  status: number;
};

/**
 * The audit trail as a compliance officer reads it (GET /v1/audit-events): a tenant's successful
 * mutating requests, newest first, filtered and paged; never another tenant's; closed to
 * integrator and agent keys. A replayed request and a refused one add nothing, and a request whose
 * audit event cannot be stored still gets its answer.
 */
describe('the audit trail', () => {
  let api: ApiHarness;
  let acme: TestTenant;
  let globex: TestTenant;
  let supervisor: string;

  beforeAll(async () => {
    api = await ApiHarness.start('audit_events');
    acme = await api.createTenant('acme');
    globex = await api.createTenant('globex');
    for (const tenant of [acme, globex]) {
      await api
        .http()
        .put('/v1/agents/aiko')
        .set(bearer(tenant.adminKey))
        .send({ name: 'Aiko', skills: ['sales'], endpoint: 'sip:aiko@pbx' })
        .expect(201);
    }
    supervisor = await api.createKey(acme, 'supervisor');
  });
  afterAll(() => api.stop());

  const list = async (key: string, query: Record<string, string | number> = {}) => {
    const response = await api.http().get('/v1/audit-events').query(query).set(bearer(key)).expect(200);
    return response.body as { items: AuditEvent[]; nextCursor: string | null };
  };
  const all = async (key: string, query: Record<string, string | number> = {}) => {
    const events: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(key, { ...query, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      events.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return events;
  };

  it('shows who did what, when, with the request id, newest first', async () => {
    const submitted = await api
      .http()
      .post('/v1/autocalls')
      .set(bearer(acme.adminKey))
      .set('X-Request-Id', 'crm-batch-7')
      .send({ mode: 'sequential', skill: 'sales', targets: [{ phoneNumber: '+81312340001' }] })
      .expect(202);
    await api.http().post(`/v1/autocalls/${submitted.body.id}/cancel`).set(bearer(supervisor)).send({}).expect(200);

    const { items } = await list(supervisor, { limit: 2 });
    const adminKeyId = (await api.http().get('/v1/api-keys').set(bearer(acme.adminKey))).body.items.find(
      (k: { role: string }) => k.role === 'admin',
    ).id;
    expect(items).toEqual([
      expect.objectContaining({
        action: 'autocall.cancelled',
        role: 'supervisor',
        method: 'POST',
        route: '/v1/autocalls/{id}/cancel',
        resourceType: 'autocall',
        resourceId: submitted.body.id,
        status: 200,
      }),
      expect.objectContaining({
        action: 'autocall.submitted',
        keyId: adminKeyId,
        role: 'admin',
        agentId: null,
        requestId: 'crm-batch-7',
        route: '/v1/autocalls',
        resourceId: submitted.body.id,
        status: 202,
      }),
    ]);
    // When: PostgreSQL's clock, in order.
    const [now] = await api.app.get(PrismaService).$queryRaw<{ now: Date }[]>`SELECT now()`;
    expect(Date.parse(items[1].at)).toBeLessThanOrEqual(Date.parse(items[0].at));
    expect(Date.parse(items[0].at)).toBeLessThanOrEqual(now.now.getTime());
  });

  it('pages through every event once, newest first, with the same cursor pagination as the other lists', async () => {
    for (let i = 0; i < 3; i++) {
      await api
        .http()
        .post('/v1/call-stops')
        .set(bearer(supervisor))
        .send({ phoneNumber: `+8131234100${i}` })
        .expect(201);
    }
    const unpaged = (await list(supervisor, { limit: 500 })).items;
    const paged = await all(supervisor);
    expect(paged.map((e) => e.id)).toEqual(unpaged.map((e) => e.id));
    expect(new Set(paged.map((e) => e.id)).size).toBe(paged.length);
    const times = paged.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const refused = await api
      .http()
      .get('/v1/audit-events')
      .query({ cursor: 'not-a-cursor' })
      .set(bearer(supervisor))
      .expect(400);
    expect(refused.body.errors[0]).toMatchObject({ field: 'cursor', code: 'invalid_cursor' });
    await api.http().get('/v1/audit-events').query({ phoneNumber: '+81312341000' }).set(bearer(supervisor)).expect(400);
  });

  it('filters by action, resource, key and time range', async () => {
    const everything = await all(supervisor);
    const stops = await all(supervisor, { action: 'call_stop.added' });
    expect(stops.map((e) => e.action)).toEqual(['call_stop.added', 'call_stop.added', 'call_stop.added']);
    expect(stops.every((e) => e.resourceType === 'call_stop' && e.resourceId === null)).toBe(true);

    const agent = await all(supervisor, { resourceType: 'agent', resourceId: 'aiko' });
    expect(agent.map((e) => [e.action, e.route])).toEqual([['agent.saved', '/v1/agents/{agentId}']]);

    const supervisorKeyId = stops[0].keyId;
    const bySupervisor = await all(supervisor, { keyId: supervisorKeyId });
    expect(bySupervisor.map((e) => e.action)).toEqual([
      'call_stop.added',
      'call_stop.added',
      'call_stop.added',
      'autocall.cancelled',
    ]);

    // [from, to): from the oldest call stop up to, not including, the newest one.
    const [newest, , oldest] = stops;
    const between = await all(supervisor, { from: oldest.at, to: newest.at });
    const expected = everything.filter((e) => e.at >= oldest.at && e.at < newest.at);
    expect(between.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect(between.map((e) => e.id)).toContain(oldest.id);
    expect(between.map((e) => e.id)).not.toContain(newest.id);
  });

  it("never shows another tenant's events", async () => {
    const acmeEvents = await all(acme.adminKey);
    const globexEvents = await all(globex.adminKey);
    expect(globexEvents.map((e) => e.action).sort()).toEqual(['agent.saved', 'settings.changed']);
    expect(globexEvents.some((e) => acmeEvents.some((a) => a.id === e.id))).toBe(false);
    const autocallId = acmeEvents.find((e) => e.action === 'autocall.submitted')!.resourceId!;
    expect((await list(globex.adminKey, { resourceId: autocallId })).items).toEqual([]);
    expect((await list(globex.adminKey, { keyId: acmeEvents[0].keyId })).items).toEqual([]);
  });

  it('is read by admin and supervisor keys only', async () => {
    const integrator = await api.createKey(acme, 'integrator');
    const agent = await api.createKey(acme, 'agent', 'aiko');
    for (const key of [integrator, agent]) {
      const refused = await api.http().get('/v1/audit-events').set(bearer(key)).expect(403);
      expect(refused.body.code).toBe('unauthorized');
    }
    expect((await api.http().get('/v1/audit-events').expect(401)).body.code).toBe('invalid_security_user');
  });

  it('records a replayed request once, and a refused one not at all', async () => {
    const send = () =>
      api
        .http()
        .post('/v1/callbacks')
        .set(bearer(supervisor))
        .set('Idempotency-Key', 'callback-once')
        .send({ phoneNumber: '+81312342000', skill: 'sales' });
    const first = await send().expect(201);
    const replay = await send().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const events = await all(supervisor, { resourceId: first.body.id });
    expect(events.map((e) => [e.action, e.requestId])).toEqual([['callback.scheduled', first.headers['x-request-id']]]);

    const before = (await all(supervisor)).length;
    const adminKeyId = (await all(supervisor, { action: 'autocall.submitted' }))[0].keyId;
    await api.http().delete(`/v1/api-keys/${adminKeyId}`).set(bearer(acme.adminKey)).expect(409); // the last admin key
    await api.http().post('/v1/call-stops').set(bearer(supervisor)).send({ phoneNumber: '12' }).expect(400);
    expect((await all(supervisor)).length).toBe(before);
  });

  it('answers a request whose audit event cannot be stored, and counts the failure', async () => {
    const prisma = api.app.get(PrismaService);
    const failures = async () => {
      const text = (await api.http().get('/metrics').expect(200)).text;
      return Number(/^autocall_audit_write_failures_total (\d+)/m.exec(text)?.[1]);
    };
    const before = await failures();
    await prisma.$executeRawUnsafe('ALTER TABLE audit_events RENAME TO audit_events_away');
    try {
      await api.http().put('/v1/lines').set(bearer(acme.adminKey)).send({ capacity: 7 }).expect(200);
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE audit_events_away RENAME TO audit_events');
    }
    expect(await failures()).toBe(before + 1);
    const usage = await api.http().get('/v1/lines/usage').set(bearer(acme.adminKey)).expect(200);
    expect(usage.body.capacity).toBe(7);
    expect(await all(supervisor, { action: 'lines.capacity_set' })).toEqual([]);
  });
});

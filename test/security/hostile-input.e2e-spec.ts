import fc from 'fast-check';
import { PrismaService } from '../../libs/database/src';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

type Method = 'post' | 'put' | 'patch' | 'get' | 'delete';

/** Every endpoint that reads a body or a query, with a path whose ids exist (or look real). */
const ENDPOINTS: { method: Method; path: string; query?: boolean }[] = [
  { method: 'post', path: '/v1/api-keys' },
  { method: 'put', path: '/v1/settings' },
  { method: 'put', path: '/v1/lines' },
  { method: 'put', path: '/v1/lines/inbound' },
  { method: 'put', path: '/v1/agents/fuzz-agent' },
  { method: 'post', path: '/v1/agents/fuzz-agent/session' },
  { method: 'put', path: '/v1/agents/fuzz-agent/state' },
  { method: 'post', path: '/v1/autocalls' },
  { method: 'post', path: '/v1/autocalls/01a1fc1d-0000-7000-8000-000000000000/cancel' },
  { method: 'post', path: '/v1/call-stops' },
  { method: 'post', path: '/v1/contacts/01a1fc1d-0000-7000-8000-000000000000/end' },
  { method: 'post', path: '/v1/webhook-endpoints' },
  { method: 'patch', path: '/v1/webhook-endpoints/01a1fc1d-0000-7000-8000-000000000000' },
  { method: 'post', path: '/v1/callbacks' },
  { method: 'patch', path: '/v1/callbacks/01a1fc1d-0000-7000-8000-000000000000' },
  { method: 'put', path: '/v1/dispositions/fuzz-code' },
  { method: 'post', path: '/v1/contacts/01a1fc1d-0000-7000-8000-000000000000/disposition' },
  { method: 'get', path: '/v1/autocalls', query: true },
  { method: 'get', path: '/v1/contacts', query: true },
  { method: 'get', path: '/v1/agents', query: true },
  { method: 'get', path: '/v1/callbacks', query: true },
  { method: 'get', path: '/v1/webhook-deliveries', query: true },
  { method: 'get', path: '/v1/call-stops', query: true },
];

const NASTY = [
  "'; DROP TABLE targets; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '${7*7}{{7*7}}',
  '\u0000\u0001\u0002',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☎️ 電話 ‮',
  '+1 (555) 010-9999 ext. 12',
  '+99999999999999999999',
  '0'.repeat(5_000),
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
];

/** Values a hostile or broken client sends: wrong types, exotic strings, deep and big structures. */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(...NASTY),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom('phoneNumber', 'targets', 'mode', 'url', '__proto__', 'constructor'),
        fc.string({ maxLength: 8 }),
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

/** Bodies: objects with the endpoint's words but wrong values, unknown fields, or not objects at all. */
const hostileBody = fc.oneof(
  hostileValue,
  fc.record(
    {
      mode: hostileValue,
      skill: hostileValue,
      targets: fc.oneof(hostileValue, fc.array(fc.record({ phoneNumber: hostileValue }), { maxLength: 3 })),
      phoneNumber: hostileValue,
      url: hostileValue,
      capacity: hostileValue,
      state: hostileValue,
      scheduledAt: hostileValue,
      eventTypes: hostileValue,
      surprise: hostileValue,
    },
    { requiredKeys: [] },
  ),
);

const deep = (n: number): unknown => (n === 0 ? 'bottom' : { a: deep(n - 1) });

/**
 * Hostile input over every endpoint: whatever comes, the answer is a 4xx problem+json with a
 * stable code, never a 5xx, and a refused request changes nothing (the tenant's rows are counted
 * before and after).
 */
describe('hostile input', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let prisma: PrismaService;

  beforeAll(async () => {
    api = await ApiHarness.start('hostile_input', { REQUEST_BODY_LIMIT: '256kb' });
    tenant = await api.createTenant('fuzz', 5);
    prisma = api.app.get(PrismaService);
    await api
      .http()
      .put('/v1/agents/fuzz-agent')
      .set(bearer(tenant.adminKey))
      .send({ name: 'Fuzz', skills: ['sales'], endpoint: 'sip:fuzz@pbx' })
      .expect(201);
  });
  afterAll(() => api.stop());

  const state = async () =>
    JSON.stringify(
      await Promise.all([
        prisma.autoCall.count(),
        prisma.target.count(),
        prisma.agent.findMany({ orderBy: { id: 'asc' } }),
        prisma.callStop.count(),
        prisma.callback.count(),
        prisma.webhookEndpoint.count(),
        prisma.apiKey.count(),
        prisma.lineSettings.findMany(),
        prisma.tenantSettings.findMany(),
        prisma.agentSession.count(),
      ]),
      // The line counters are BIGINT (every dial and end ever).
      (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value),
    );

  const expectRefusal = (response: { status: number; headers: Record<string, string>; body: { code?: string } }) => {
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400) {
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.code).toMatch(/^[a-z_]+$/);
    }
  };

  it.each(ENDPOINTS.filter((e) => !e.query))(
    '$method $path refuses hostile bodies cleanly',
    async ({ method, path }) => {
      await fc.assert(
        fc.asyncProperty(hostileBody, async (body) => {
          const before = await state();
          const response = await api
            .http()
            [method](path)
            .set(bearer(tenant.adminKey))
            // Serialized here: any JSON value is a body a client can send (true, 3, "x", null…).
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body) ?? 'null');
          expectRefusal(response);
          if (response.status >= 400) expect(await state()).toBe(before);
        }),
        { numRuns: 100, seed: 20261121 },
      );
    },
  );

  it.each(ENDPOINTS.filter((e) => e.query))('$method $path refuses hostile queries cleanly', async ({ path }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('limit', 'cursor', 'status', 'from', 'to', 'since', 'skill', 'phoneNumber'),
            fc.string({ maxLength: 6 }),
          ),
          fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 30 }), fc.integer().map(String)),
          { maxKeys: 4 },
        ),
        async (query) => {
          const response = await api.http().get(path).query(query).set(bearer(tenant.adminKey));
          expectRefusal(response);
        },
      ),
      { numRuns: 100, seed: 20261121 },
    );
  });

  it('refuses malformed JSON, deep nesting and oversized bodies with a 4xx', async () => {
    for (const raw of ['{', '{"mode": }', 'null', '[]', '"text"', '{"a":1}{"b":2}', '\u0000']) {
      const response = await api
        .http()
        .post('/v1/autocalls')
        .set(bearer(tenant.adminKey))
        .set('Content-Type', 'application/json')
        .send(raw);
      expectRefusal(response);
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    const nested = await api
      .http()
      .post('/v1/autocalls')
      .set(bearer(tenant.adminKey))
      .send(deep(2_000) as object);
    expectRefusal(nested);
    expect(nested.status).toBeGreaterThanOrEqual(400);
    const huge = await api
      .http()
      .post('/v1/autocalls')
      .set(bearer(tenant.adminKey))
      .send({
        mode: 'sequential',
        skill: 'sales',
        targets: [{ phoneNumber: '+81312345678', reference: 'x'.repeat(300_000) }],
      });
    expect(huge.status).toBe(413);
    expectRefusal(huge);
    const tooMany = await api
      .http()
      .post('/v1/autocalls')
      .set(bearer(tenant.adminKey))
      .send({
        mode: 'sequential',
        skill: 'sales',
        targets: Array.from({ length: 10_001 }, () => ({ phoneNumber: '+1' })),
      });
    expect([400, 413]).toContain(tooMany.status);
    expectRefusal(tooMany);
  });
});

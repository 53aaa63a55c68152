import { Client } from 'pg';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

type Role = 'admin' | 'supervisor' | 'integrator' | 'agent';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Every endpoint against every role: which ones may call it (anything but 401/403) and which
 * ones get 403 unauthorized; and every endpoint answers 401 invalid_security_user without a key.
 * The agent key belongs to agent "own"; it acts for that agent only. Then the audit trail of the
 * run: every successful mutating request wrote exactly one audit event, with who, what and the
 * request id, and no audit event holds a phone number or a secret of the run.
 */
const UNKNOWN = '01a1fc1d-0000-7000-8000-00000000abcd';
const CALL_STOP = '+81355500001';
const NUMBERS = ['+81355500000', CALL_STOP, '+81355500002', '+81355500003', '+81355500004'];

/** What a success of the endpoint records: `answer` for the id the answer carries. */
type Audit = { action: string; resourceType: string; resourceId: string | null | 'answer' };

const ENDPOINTS: { method: Method; path: string; body?: object; allowed: Role[]; audit?: Audit }[] = [
  {
    method: 'post',
    path: '/v1/api-keys',
    body: { name: 'k', role: 'integrator' },
    allowed: ['admin'],
    audit: { action: 'api_key.created', resourceType: 'api_key', resourceId: 'answer' },
  },
  { method: 'get', path: '/v1/api-keys', allowed: ['admin'] },
  { method: 'delete', path: '/v1/api-keys/01a1fc1d-0000-7000-8000-000000000000', allowed: ['admin'] },
  { method: 'get', path: '/v1/settings', allowed: ['admin', 'supervisor'] },
  {
    method: 'put',
    path: '/v1/settings',
    body: {},
    allowed: ['admin'],
    audit: { action: 'settings.changed', resourceType: 'settings', resourceId: null },
  },
  {
    method: 'put',
    path: '/v1/lines',
    body: { capacity: 5 },
    allowed: ['admin'],
    audit: { action: 'lines.capacity_set', resourceType: 'lines', resourceId: null },
  },
  {
    method: 'put',
    path: '/v1/lines/inbound',
    body: { inUse: 0 },
    allowed: ['admin'],
    audit: { action: 'lines.inbound_reported', resourceType: 'lines', resourceId: null },
  },
  { method: 'get', path: '/v1/lines/usage', allowed: ['admin', 'supervisor', 'integrator'] },
  {
    method: 'post',
    path: '/v1/trunks',
    body: { name: 'carrier', target: 'carrier.example', channels: 1, callsPerSecond: 1 },
    allowed: ['admin'],
    audit: { action: 'trunk.created', resourceType: 'trunk', resourceId: 'answer' },
  },
  { method: 'get', path: '/v1/trunks', allowed: ['admin'] },
  { method: 'get', path: `/v1/trunks/${UNKNOWN}`, allowed: ['admin'] },
  { method: 'patch', path: `/v1/trunks/${UNKNOWN}`, body: { channels: 2 }, allowed: ['admin'] },
  { method: 'delete', path: `/v1/trunks/${UNKNOWN}`, allowed: ['admin'] },
  { method: 'get', path: '/v1/pacing/sales', allowed: ['admin', 'supervisor', 'integrator'] },
  { method: 'get', path: '/v1/campaigns', allowed: ['admin', 'supervisor', 'integrator'] },
  { method: 'get', path: '/v1/campaigns/spring/compliance', allowed: ['admin', 'supervisor', 'integrator'] },
  {
    method: 'post',
    path: '/v1/pacing/simulations',
    body: { skill: 'sales', agents: 5, hours: 1 },
    allowed: ['admin', 'supervisor'],
    audit: { action: 'pacing_simulation.requested', resourceType: 'pacing_simulation', resourceId: 'answer' },
  },
  { method: 'get', path: `/v1/pacing/simulations/${UNKNOWN}`, allowed: ['admin', 'supervisor'] },
  {
    method: 'put',
    path: '/v1/agents/other',
    body: { name: 'o', skills: ['sales'], endpoint: 'sip:o@pbx' },
    allowed: ['admin'],
    audit: { action: 'agent.saved', resourceType: 'agent', resourceId: 'other' },
  },
  { method: 'get', path: '/v1/agents', allowed: ['admin', 'supervisor', 'integrator'] },
  { method: 'get', path: '/v1/agents/own', allowed: ['admin', 'supervisor', 'integrator', 'agent'] },
  { method: 'get', path: '/v1/agents/other', allowed: ['admin', 'supervisor', 'integrator'] },
  {
    method: 'post',
    path: '/v1/agents/own/session',
    body: { state: 'unavailable' },
    allowed: ['admin', 'supervisor', 'agent'],
    audit: { action: 'agent.logged_in', resourceType: 'agent', resourceId: 'own' },
  },
  {
    method: 'put',
    path: '/v1/agents/own/state',
    body: { state: 'available' },
    allowed: ['admin', 'supervisor', 'agent'],
    audit: { action: 'agent.state_requested', resourceType: 'agent', resourceId: 'own' },
  },
  {
    method: 'post',
    path: '/v1/agents/other/session',
    body: {},
    allowed: ['admin', 'supervisor'],
    audit: { action: 'agent.logged_in', resourceType: 'agent', resourceId: 'other' },
  },
  {
    method: 'delete',
    path: '/v1/agents/other/session',
    allowed: ['admin', 'supervisor'],
    audit: { action: 'agent.session_ended', resourceType: 'agent', resourceId: 'other' },
  },
  {
    method: 'post',
    path: '/v1/autocalls',
    body: { mode: 'sequential', skill: 'sales', targets: [{ phoneNumber: NUMBERS[2] }, { phoneNumber: NUMBERS[3] }] },
    allowed: ['admin', 'integrator'],
    audit: { action: 'autocall.submitted', resourceType: 'autocall', resourceId: 'answer' },
  },
  { method: 'post', path: `/v1/autocalls/${UNKNOWN}/cancel`, body: {}, allowed: ['admin', 'supervisor', 'integrator'] },
  {
    method: 'post',
    path: '/v1/call-stops',
    body: { phoneNumber: CALL_STOP, reason: 'asked' },
    allowed: ['admin', 'supervisor', 'integrator'],
    audit: { action: 'call_stop.added', resourceType: 'call_stop', resourceId: null },
  },
  {
    method: 'delete',
    path: `/v1/call-stops/${CALL_STOP}`,
    allowed: ['admin', 'supervisor', 'integrator'],
    audit: { action: 'call_stop.removed', resourceType: 'call_stop', resourceId: null },
  },
  {
    method: 'post',
    path: '/v1/data-subjects/erase',
    body: { phoneNumber: NUMBERS[4] },
    allowed: ['admin'],
    audit: { action: 'data_subject.erased', resourceType: 'data_subject', resourceId: null },
  },
  { method: 'post', path: `/v1/contacts/${UNKNOWN}/end`, allowed: ['admin', 'supervisor'] },
  {
    method: 'post',
    path: '/v1/webhook-endpoints',
    body: { url: 'https://93.184.216.34/' },
    allowed: ['admin'],
    audit: { action: 'webhook_endpoint.created', resourceType: 'webhook_endpoint', resourceId: 'answer' },
  },
  { method: 'get', path: '/v1/webhook-endpoints', allowed: ['admin'] },
  { method: 'get', path: `/v1/webhook-endpoints/${UNKNOWN}`, allowed: ['admin'] },
  { method: 'patch', path: `/v1/webhook-endpoints/${UNKNOWN}`, body: { enabled: false }, allowed: ['admin'] },
  { method: 'delete', path: `/v1/webhook-endpoints/${UNKNOWN}`, allowed: ['admin'] },
  { method: 'post', path: `/v1/webhook-endpoints/${UNKNOWN}/rotate-secret`, body: {}, allowed: ['admin'] },
  { method: 'get', path: '/v1/webhook-deliveries', allowed: ['admin', 'supervisor', 'integrator'] },
  { method: 'get', path: `/v1/webhook-deliveries/${UNKNOWN}`, allowed: ['admin', 'supervisor', 'integrator'] },
  { method: 'post', path: `/v1/webhook-deliveries/${UNKNOWN}/retry`, allowed: ['admin', 'integrator'] },
  {
    method: 'post',
    path: '/v1/callbacks',
    body: { phoneNumber: NUMBERS[0], skill: 'sales' },
    allowed: ['admin', 'supervisor', 'integrator'],
    audit: { action: 'callback.scheduled', resourceType: 'callback', resourceId: 'answer' },
  },
  { method: 'get', path: '/v1/callbacks', allowed: ['admin', 'supervisor', 'integrator'] },
  { method: 'get', path: `/v1/callbacks/${UNKNOWN}`, allowed: ['admin', 'supervisor', 'integrator'] },
  {
    method: 'patch',
    path: `/v1/callbacks/${UNKNOWN}`,
    body: { callerName: 'x' },
    allowed: ['admin', 'supervisor', 'integrator'],
  },
  { method: 'post', path: `/v1/callbacks/${UNKNOWN}/cancel`, allowed: ['admin', 'supervisor'] },
  { method: 'get', path: '/v1/audit-events', allowed: ['admin', 'supervisor'] },
  { method: 'get', path: '/v1/dispositions', allowed: ['admin', 'supervisor', 'integrator', 'agent'] },
  {
    method: 'put',
    path: '/v1/dispositions/sale',
    body: { label: 'Sale', kind: 'final', isDefault: true },
    allowed: ['admin'],
    audit: { action: 'disposition.saved', resourceType: 'disposition', resourceId: 'sale' },
  },
  { method: 'delete', path: '/v1/dispositions/gone', allowed: ['admin'] },
  {
    method: 'post',
    path: `/v1/contacts/${UNKNOWN}/disposition`,
    body: { code: 'sale' },
    allowed: ['admin', 'supervisor', 'integrator', 'agent'],
  },
];

/** A successful mutating request of the run, as its client saw it. */
interface Success {
  endpoint: (typeof ENDPOINTS)[number];
  role: Role;
  status: number;
  requestId: string;
  body: Record<string, unknown>;
}

describe('access matrix: every endpoint, every role', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  const keys = {} as Record<Role, string>;
  const successes: Success[] = [];
  const secrets: string[] = [];

  beforeAll(async () => {
    api = await ApiHarness.start('access_matrix');
    tenant = await api.createTenant('acme');
    for (const id of ['own', 'other']) {
      await api
        .http()
        .put(`/v1/agents/${id}`)
        .set(bearer(tenant.adminKey))
        .send({ name: id, skills: ['sales'], endpoint: `sip:${id}@pbx` })
        .expect(201);
    }
    keys.admin = tenant.adminKey;
    keys.supervisor = await api.createKey(tenant, 'supervisor');
    keys.integrator = await api.createKey(tenant, 'integrator');
    keys.agent = await api.createKey(tenant, 'agent', 'own');
    secrets.push(...Object.values(keys));
  });
  afterAll(() => api.stop());

  const call = (endpoint: (typeof ENDPOINTS)[number], key?: string) => {
    const request = api.http()[endpoint.method](endpoint.path);
    if (key) request.set(bearer(key));
    return endpoint.body ? request.send(endpoint.body) : request;
  };

  it.each(ENDPOINTS.map((e) => [`${e.method.toUpperCase()} ${e.path}`, e]))(
    '%s: 401 without a key',
    async (_, endpoint) => {
      const response = await call(endpoint).expect(401);
      expect(response.body.code).toBe('invalid_security_user');
    },
  );

  it.each(ENDPOINTS.map((e) => [`${e.method.toUpperCase()} ${e.path}`, e]))(
    '%s: only the allowed roles pass',
    async (_, endpoint) => {
      for (const role of ['supervisor', 'integrator', 'agent', 'admin'] as Role[]) {
        const response = await call(endpoint, keys[role]);
        if (endpoint.method !== 'get' && response.status >= 200 && response.status < 300) {
          const requestId = response.headers['x-request-id'];
          successes.push({ endpoint, role, status: response.status, requestId, body: response.body ?? {} });
          for (const secret of [response.body?.key, response.body?.secret]) if (secret) secrets.push(secret);
        }
        if (endpoint.allowed.includes(role)) {
          expect([role, response.status]).not.toEqual([role, 401]);
          expect([role, response.status]).not.toEqual([role, 403]);
        } else {
          expect([role, response.status, response.body.code]).toEqual([role, 403, 'unauthorized']);
        }
      }
    },
  );

  it('wrote exactly one audit event for every successful mutating request, and none for the others', async () => {
    // Every allowed role's success of each endpoint that can succeed here was seen.
    expect(successes.map((s) => s.endpoint.audit?.action ?? `${s.endpoint.method} ${s.endpoint.path}`)).toEqual(
      expect.arrayContaining(ENDPOINTS.flatMap((e) => (e.audit ? [e.audit.action] : []))),
    );
    const { body: keyList } = await api.http().get('/v1/api-keys').set(bearer(keys.admin)).expect(200);
    const keyIds = {} as Record<Role, string>;
    for (const key of keyList.items as { id: string; role: Role; name: string }[]) {
      if (key.role === 'admin' || key.name === `${key.role} key`) keyIds[key.role] = key.id;
    }

    const rows = await auditRows(api.config.get('DATABASE_URL'), tenant.tenantId);
    const byRequest = new Map<string, Record<string, unknown>[]>();
    for (const row of rows)
      byRequest.set(String(row.request_id), [...(byRequest.get(String(row.request_id)) ?? []), row]);
    for (const success of successes) {
      const { endpoint, role, status, requestId, body } = success;
      const audit = endpoint.audit!;
      const name = `${role} ${endpoint.method.toUpperCase()} ${endpoint.path} → ${status}`;
      const events = byRequest.get(requestId) ?? [];
      expect({ name, events: events.length }).toEqual({ name, events: 1 });
      expect({ name, ...pick(events[0]) }).toEqual({
        name,
        key_id: keyIds[role],
        role,
        agent_id: role === 'agent' ? 'own' : null,
        action: audit.action,
        method: endpoint.method.toUpperCase(),
        resource_type: audit.resourceType,
        resource_id: audit.resourceId === 'answer' ? body.id : audit.resourceId,
        status,
      });
    }
    // The others are the suite's own setup: the tenant's calling window, two agents, three keys.
    const setup = rows.filter((row) => !successes.some((s) => s.requestId === row.request_id));
    expect(setup.map((row) => row.action).sort()).toEqual([
      'agent.saved',
      'agent.saved',
      'api_key.created',
      'api_key.created',
      'api_key.created',
      'settings.changed',
    ]);
  });

  it('keeps no phone number and no secret in any audit event', async () => {
    const text = JSON.stringify(await auditRows(api.config.get('DATABASE_URL'), tenant.tenantId));
    expect(text.length).toBeGreaterThan(1_000);
    for (const number of NUMBERS)
      expect({ number, found: text.includes(number.slice(1)) }).toEqual({ number, found: false });
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets)
      expect({ secret: secret.slice(0, 8), found: text.includes(secret) }).toEqual({
        secret: secret.slice(0, 8),
        found: false,
      });
    expect(text).not.toMatch(/whsec_/);
  });
});

async function auditRows(url: string, tenantId: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query('SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY at, id', [tenantId]);
    return result.rows;
  } finally {
    await client.end();
  }
}

function pick(row: Record<string, unknown> | undefined) {
  if (!row) return {};
  const { key_id, role, agent_id, action, method, resource_type, resource_id, status } = row;
  return { key_id, role, agent_id, action, method, resource_type, resource_id, status };
}

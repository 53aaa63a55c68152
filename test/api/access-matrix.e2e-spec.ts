import { ApiHarness, bearer, TestTenant } from '../support/api-harness';

type Role = 'admin' | 'supervisor' | 'integrator' | 'agent';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Every endpoint against every role: which ones may call it (anything but 401/403) and which
 * ones get 403 unauthorized; and every endpoint answers 401 invalid_security_user without a key.
 * The agent key belongs to agent "own"; it acts for that agent only.
 */
const UNKNOWN = '01a1fc1d-0000-7000-8000-00000000abcd';

const ENDPOINTS: { method: Method; path: string; body?: object; allowed: Role[] }[] = [
  { method: 'post', path: '/v1/api-keys', body: { name: 'k', role: 'integrator' }, allowed: ['admin'] },
  { method: 'get', path: '/v1/api-keys', allowed: ['admin'] },
  { method: 'delete', path: '/v1/api-keys/01a1fc1d-0000-7000-8000-000000000000', allowed: ['admin'] },
  { method: 'get', path: '/v1/settings', allowed: ['admin', 'supervisor'] },
  { method: 'put', path: '/v1/settings', body: {}, allowed: ['admin'] },
  { method: 'put', path: '/v1/lines', body: { capacity: 5 }, allowed: ['admin'] },
  { method: 'put', path: '/v1/lines/inbound', body: { inUse: 0 }, allowed: ['admin'] },
  { method: 'get', path: '/v1/lines/usage', allowed: ['admin', 'supervisor', 'integrator'] },
  { method: 'get', path: '/v1/pacing/sales', allowed: ['admin', 'supervisor', 'integrator'] },
  {
    method: 'put',
    path: '/v1/agents/other',
    body: { name: 'o', skills: ['sales'], endpoint: 'sip:o@pbx' },
    allowed: ['admin'],
  },
  { method: 'get', path: '/v1/agents', allowed: ['admin', 'supervisor', 'integrator'] },
  { method: 'get', path: '/v1/agents/own', allowed: ['admin', 'supervisor', 'integrator', 'agent'] },
  { method: 'get', path: '/v1/agents/other', allowed: ['admin', 'supervisor', 'integrator'] },
  {
    method: 'put',
    path: '/v1/agents/own/state',
    body: { state: 'available' },
    allowed: ['admin', 'supervisor', 'agent'],
  },
  { method: 'post', path: '/v1/agents/other/session', body: {}, allowed: ['admin', 'supervisor'] },
  { method: 'delete', path: '/v1/agents/other/session', allowed: ['admin', 'supervisor'] },
  { method: 'post', path: '/v1/webhook-endpoints', body: { url: 'https://93.184.216.34/' }, allowed: ['admin'] },
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
    body: { phoneNumber: '+81355500000', skill: 'sales' },
    allowed: ['admin', 'supervisor', 'integrator'],
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
];

describe('access matrix: every endpoint, every role', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  const keys = {} as Record<Role, string>;

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
        if (endpoint.allowed.includes(role)) {
          expect([role, response.status]).not.toEqual([role, 401]);
          expect([role, response.status]).not.toEqual([role, 403]);
        } else {
          expect([role, response.status, response.body.code]).toEqual([role, 403, 'unauthorized']);
        }
      }
    },
  );
});

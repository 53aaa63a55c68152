import { ApiHarness, bearer, TestTenant } from '../support/api-harness';
import { numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** Bull Board at /admin/queues: closed without credentials, each tenant sees its own held targets. */
describe('Bull Board', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let other: TestTenant;
  let submitted: { id: string; targets: { targetId: string }[] };

  beforeAll(async () => {
    api = await ApiHarness.start('bull_board', { OPS_USERNAME: 'ops', OPS_PASSWORD: 'operator-password-1' });
    tenant = await api.createTenant('acme');
    other = await api.createTenant('globex');
    for (const t of [tenant, other]) {
      await api
        .http()
        .put('/v1/agents/a')
        .set(bearer(t.adminKey))
        .send({ name: 'a', skills: ['sales'], endpoint: 'sip:a@pbx' })
        .expect(201);
    }
    submitted = (
      await api
        .http()
        .post('/v1/autocalls')
        .set(bearer(tenant.adminKey))
        .send({ mode: 'sequential', skill: 'sales', targets: numbers(3, '+8170') })
        .expect(202)
    ).body;
  });
  afterAll(() => api.stop());

  const queuesApi = (headers: Record<string, string> = {}) => api.http().get('/admin/queues/api/queues').set(headers);

  it('answers 401 with a Basic challenge without credentials, and 403 for integrator keys', async () => {
    for (const headers of [{}, basic('x', 'wrong-key'), basic('ops', 'not-the-password')]) {
      const response = await api.http().get('/admin/queues').set(headers).expect(401);
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="AutoCall operations"/);
      expect(response.body.code).toBe('invalid_security_user');
    }
    const integrator = await api.createKey(tenant, 'integrator');
    expect((await queuesApi(basic('', integrator)).expect(403)).body.code).toBe('unauthorized');
  });

  it("shows a supervisor its tenant's held targets, by job ids only, and not another tenant's", async () => {
    const supervisor = await api.createKey(tenant, 'supervisor');
    const { body } = await waitFor('the held targets on the board', async () => {
      const response = await queuesApi(basic('supervisor', supervisor)).expect(200);
      const queue = response.body.queues.find((q: { displayName: string }) => q.displayName === 'Held targets · sales');
      return queue?.counts?.prioritized === 3 ? response : undefined;
    });
    const held = body.queues.find((q: { displayName: string }) => q.displayName === 'Held targets · sales');
    expect(held.readOnlyMode).toBe(true);
    const jobs = await api
      .http()
      .get(
        `/admin/queues/api/queues?activeQueue=${encodeURIComponent(held.name)}&status=prioritized&page=1&jobsPerPage=10`,
      )
      .set(basic('supervisor', supervisor))
      .expect(200);
    const shown = jobs.body.queues.find((q: { name: string }) => q.name === held.name);
    expect(shown.jobs).toHaveLength(3);
    const data = JSON.stringify(shown.jobs);
    expect(data).toContain(tenant.tenantId);
    // Each job names its AutoCall and its target as the API does (the job stores neither id).
    for (const job of shown.jobs) {
      expect(job.data).toEqual({ tenantId: tenant.tenantId, autocallId: submitted.id });
      expect(submitted.targets.map((t: { targetId: string }) => `target ${t.targetId}`)).toContain(job.name);
    }
    expect(data).not.toMatch(/\+817\d+/);

    const otherBoard = await queuesApi(bearer(other.adminKey)).expect(200);
    expect(otherBoard.body.queues).toEqual([]);
    await api.http().get('/admin/queues').set(basic('', supervisor)).expect(200);
  });

  it("opens the operator's board with every queue to the configured credentials", async () => {
    const response = await queuesApi(basic('ops', 'operator-password-1')).expect(200);
    const names = response.body.queues.map((q: { displayName: string }) => q.displayName);
    expect(names).toEqual(
      expect.arrayContaining(['Dials being placed', 'Retries waiting for their time', 'Held targets · acme · sales']),
    );
  });
});

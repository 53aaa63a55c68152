import { ApiHarness, bearer, TestTenant } from '../support/api-harness';
import { numbers } from '../support/engine-harness';

/** Prometheus metrics at /metrics: lines, agents by state and held targets, with bounded labels. */
describe('metrics', () => {
  let api: ApiHarness;
  let tenant: TestTenant;

  beforeAll(async () => {
    api = await ApiHarness.start('metrics');
    tenant = await api.createTenant('acme', 6);
    const admin = bearer(tenant.adminKey);
    for (const [id, state] of [
      ['m1', 'available'],
      ['m2', 'unavailable'],
    ]) {
      await api
        .http()
        .put(`/v1/agents/${id}`)
        .set(admin)
        .send({ name: id, skills: ['sales'], endpoint: `sip:${id}@pbx` })
        .expect(201);
      await api.http().post(`/v1/agents/${id}/session`).set(admin).send({ state }).expect(201);
    }
    await api
      .http()
      .post('/v1/autocalls')
      .set(admin)
      .send({ mode: 'sequential', skill: 'sales', targets: numbers(4, '+8180') })
      .expect(202);
  });
  afterAll(() => api.stop());

  it('exposes lines, agents by state and held targets per tenant, without phone numbers', async () => {
    const text = await (async () => {
      for (let i = 0; i < 50; i++) {
        const { text } = await api.http().get('/metrics').expect(200);
        if (text.includes(`autocall_held_targets{tenant="${tenant.tenantId}",skill="sales"} 4`)) return text;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('held targets never appeared in /metrics');
    })();
    expect(text).toContain(`autocall_lines{tenant="${tenant.tenantId}",kind="capacity"} 6`);
    expect(text).toContain(`autocall_lines{tenant="${tenant.tenantId}",kind="free"} 6`);
    expect(text).toContain(`autocall_agents{tenant="${tenant.tenantId}",skill="sales",state="available"} 1`);
    expect(text).toContain(`autocall_agents{tenant="${tenant.tenantId}",skill="sales",state="unavailable"} 1`);
    expect(text).toContain('autocall_queue_jobs{queue="dials",state="waiting"} 0');
    expect(text).toContain('autocall_queue_jobs{queue="callbacks",state="delayed"} 0');
    // Nothing dialed in this suite (no worker): rates have no value yet, and are not made up.
    expect(text).toMatch(/# TYPE autocall_answer_rate gauge/);
    expect(text).not.toContain(`autocall_answer_rate{tenant="${tenant.tenantId}"`);
    expect(text).not.toMatch(/\+818\d+/);
  });
});

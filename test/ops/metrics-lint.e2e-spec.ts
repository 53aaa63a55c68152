import { spawnSync } from 'node:child_process';
import { bearer } from '../support/api-harness';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';

/**
 * Both apps' /metrics, after real calls, as Prometheus's own linter reads them
 * (`promtool check metrics`), and with bounded labels: no label takes a value an integrator or a
 * caller supplies, other than the tenant's id and its skills' names; no per-call id, no number.
 */
describe('metrics exposition', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('metrics_lint', EVERY_CALL_ANSWERED);
  });
  afterAll(() => engine.stop());

  /** The label names each app may use; a new one is a deliberate change of this list. */
  const LABEL_NAMES = new Set([
    // AutoCall's own
    'tenant',
    'skill',
    // a trunk's id (a tenant's configuration, like its skills), or "default"
    'trunk',
    // a campaign's name (a tenant's own id for it, like its skills; at most 50 per tenant)
    'campaign',
    'kind',
    'state',
    'outcome',
    'reason',
    'window',
    'queue',
    'status',
    'mode',
    'event',
    'method',
    'route',
    'code',
    'le',
    'quantile',
    // prom-client's default process and Node.js metrics
    'version',
    'major',
    'minor',
    'patch',
    'type',
    'space',
  ]);
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

  function check(app: string, text: string, tenantId: string) {
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ app, status: lint.status, problems: `${lint.stdout}${lint.stderr}`.trim() }).toEqual({
      app,
      status: 0,
      problems: '',
    });
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const labels = /\{(.*)\}/.exec(line)?.[1] ?? '';
      for (const [, name, value] of labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        expect({ app, line, name, known: LABEL_NAMES.has(name) }).toEqual({ app, line, name, known: true });
        if (name === 'tenant') expect(value).toBe(tenantId);
        else if (name !== 'skill') expect({ line, value, id: UUID.test(value) }).toMatchObject({ id: false });
        // A tenant's UUID may hold seven digits in a row by chance: only what is not a UUID counts.
        const rest = value.replace(new RegExp(UUID.source, 'gi'), '');
        expect({ line, value, number: /\+?\d{7,}/.test(rest) }).toMatchObject({ number: false });
      }
    }
  }

  it('passes promtool check metrics, with bounded labels, on the API and the worker', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 3, skill: 'sales', agents: 2, prefix: 'ml' });
    const submitted = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(6, '+4420') });
    await engine.finished(tenant, submitted.id);
    // A 4xx too, so that request metrics carry an error status.
    await engine.http().get('/v1/autocalls/00000000-0000-7000-8000-000000000000').set(bearer(tenant.adminKey));

    const api = (await engine.http().get('/metrics').expect(200)).text;
    const worker = await (await fetch(`${engine.workerUrl(engine.workers[0])}/metrics`)).text();
    expect(worker).toContain(`autocall_dials_total{tenant="${tenant.tenantId}"} 6`);
    check('api', api, tenant.tenantId);
    check('worker', worker, tenant.tenantId);
  });
});

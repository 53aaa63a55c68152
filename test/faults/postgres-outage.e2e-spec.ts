import { Client } from 'pg';
import { REDIS_URL } from '../support/api-harness';
import { openCallingWindow } from '../support/calling-window';
import { uniqueName } from '../support/databases';
import { FAST_SIMULATOR, numbers } from '../support/engine-harness';
import { AppProcess, freePort, PostgresServer, waitFor } from '../support/processes';

const KEY = 'ac_outage_test_admin_key_000000001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PostgreSQL goes away for a while (its own cluster, stopped at once as in a crash) while a worker
 * dials: the API answers 503 problem+json with Retry-After and recovers by itself; the worker stays
 * up, pauses and resumes; in the end every target is terminal exactly once, no contact is open and
 * lines are free again.
 */
describe('PostgreSQL unavailable for a while', () => {
  let pg: PostgresServer;
  let api: AppProcess;
  let worker: AppProcess;
  let base: string;
  let databaseUrl: string;

  beforeAll(async () => {
    pg = await PostgresServer.start();
    databaseUrl = pg.url.replace(/\/postgres$/, '/autocall_outage');
    const env = {
      ...FAST_SIMULATOR,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: uniqueName('outage').replace(/_/g, '-'),
      BOOTSTRAP_ADMIN_KEY: KEY,
      LOG_LEVEL: 'warn',
    };
    const migrate = AppProcess.spawn('cli', env, ['migrate']);
    expect(await migrate.exited()).toBe(0);
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    api = AppProcess.spawn('api', { ...env, API_PORT: String(apiPort) });
    worker = AppProcess.spawn('worker', { ...env, WORKER_PORT: String(workerPort) });
    base = `http://127.0.0.1:${apiPort}`;
    await waitFor('the API', async () => (await fetch(`${base}/health/ready`)).ok, 30_000);
    await waitFor('the worker', async () => (await fetch(`http://127.0.0.1:${workerPort}/health/ready`)).ok, 30_000);
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await pg?.destroy();
  });

  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(base + route, {
      method,
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };

  it('answers 503 during the outage, recovers by itself, and loses and doubles nothing', async () => {
    await openCallingWindow(base, KEY);
    await call('PUT', '/v1/lines', { capacity: 4 });
    for (const id of ['ann', 'bob', 'cy']) {
      await call('PUT', `/v1/agents/${id}`, { name: id, skills: ['sales'], endpoint: `sip:${id}@pbx` });
      await call('POST', `/v1/agents/${id}/session`, { state: 'available' });
    }
    const submitted = await call('POST', '/v1/autocalls', {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(60, '+4470'),
    });
    expect(submitted.status).toBe(202);
    await waitFor(
      'calls in progress',
      async () => (await call('GET', `/v1/autocalls/${submitted.body.id}`)).body.counts.completed >= 3,
    );

    await pg.halt();
    const during = await call('GET', `/v1/autocalls/${submitted.body.id}`);
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(during.body.code).toBe('service_unavailable');
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${base}/health/ready`)).status).toBe(503);
    await sleep(4_000);
    expect(worker.exitCode()).toBeNull();
    expect(api.exitCode()).toBeNull();

    await pg.resume();
    await waitFor('the API to recover', async () => (await call('GET', '/v1/lines/usage')).status === 200, 30_000);
    const done = await waitFor(
      'the AutoCall to complete after the outage',
      async () => {
        const { body } = await call('GET', `/v1/autocalls/${submitted.body.id}`);
        return body?.status === 'completed' ? body : undefined;
      },
      120_000,
    );
    expect(Object.values(done.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(60);

    // The audit: no contact left open, at most one contact per target (no retry policy), lines free.
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const open = await db.query(`SELECT count(*)::int AS n FROM contacts WHERE status <> 'ended'`);
      expect(open.rows[0].n).toBe(0);
      const doubled = await db.query(`SELECT target_id FROM contacts GROUP BY target_id HAVING count(*) > 1`);
      expect(doubled.rows).toEqual([]);
      const twice = await db.query(
        `SELECT target_id FROM target_events WHERE to_status IN ('completed','no_answer','busy','failed','abandoned','machine','skipped','not_dialed','cancelled','expired')
         GROUP BY target_id HAVING count(*) > 1`,
      );
      expect(twice.rows).toEqual([]);
    } finally {
      await db.end();
    }
    const usage = await waitFor(
      'lines to be free',
      async () => {
        const { body } = await call('GET', '/v1/lines/usage');
        return body.inUse.total === 0 && body.reserved === 0 ? body : undefined;
      },
      45_000,
    );
    expect(usage.free).toBe(4);
  });
});

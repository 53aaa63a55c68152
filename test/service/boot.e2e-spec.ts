import { Client } from 'pg';
import { createSuiteDatabase, dropDatabase } from '../support/databases';
import { AppProcess, freePort, waitFor } from '../support/processes';

/** The built apps as processes: configuration errors, the CLI, the bootstrap key, shutdown. */
describe('booting AutoCall', () => {
  const databases: string[] = [];
  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
  });
  const database = async (suite: string) => {
    const db = await createSuiteDatabase(suite);
    databases.push(db.name);
    return db;
  };

  it.each([
    ['api', { API_PORT: 'eighty' }, /^Invalid configuration: API_PORT /],
    ['worker', { REDIS_URL: 'http://localhost' }, /^Invalid configuration: REDIS_URL must be a redis:\/\/ URL$/],
    ['api', { TELEPHONY: 'asterisk' }, /^Invalid configuration: TELEPHONY /],
    [
      'api',
      { NODE_ENV: 'production', SECRETS_KEYS: '' },
      /^Invalid configuration: SECRETS_KEYS must be set when NODE_ENV=production$/,
    ],
    [
      'worker',
      { SECRETS_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` },
      /^Invalid configuration: SECRETS_KEYS must hold 32-byte keys \(entry 1, key "k1": 16 bytes/,
    ],
  ] as const)('the %s stops with one line naming the bad variable (%j)', async (app, env, message) => {
    const process = AppProcess.spawn(app, { ...env });
    expect(await process.exited()).toBe(78);
    const lines = process.output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('the CLI creates a tenant and prints its admin key as JSON, which then works', async () => {
    const db = await database('cli');
    const cli = AppProcess.spawn('cli', { DATABASE_URL: db.url }, [
      'tenants:create',
      '--name',
      'Acme Calls',
      '--lines',
      '12',
    ]);
    expect(await cli.exited()).toBe(0);
    const printed = JSON.parse(cli.output);
    expect(printed).toEqual({
      tenantId: expect.any(String),
      name: 'Acme Calls',
      apiKey: { id: expect.any(String), role: 'admin', key: expect.stringMatching(/^ac_/) },
    });

    const port = await freePort();
    const server = AppProcess.spawn('api', { DATABASE_URL: db.url, API_PORT: String(port), LOG_LEVEL: 'warn' });
    try {
      const usage = await waitFor('the API', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/v1/lines/usage`, {
          headers: { Authorization: `Bearer ${printed.apiKey.key}` },
        });
        return response.status === 200 ? response.json() : undefined;
      });
      expect(usage).toMatchObject({ capacity: 12 });
    } finally {
      await server.stop();
    }
  });

  it('the CLI explains its usage for an unknown command', async () => {
    const cli = AppProcess.spawn('cli', {}, ['tenants:explode']);
    expect(await cli.exited()).toBe(64);
    expect(cli.output).toContain('Usage: npm run cli');
  });

  it('BOOTSTRAP_ADMIN_KEY creates one default tenant, even with two replicas starting at once', async () => {
    const db = await database('bootstrap');
    const key = 'ac_bootstrap_key_for_this_test_0001';
    const ports = [await freePort(), await freePort()];
    const replicas = ports.map((port) =>
      AppProcess.spawn('api', {
        DATABASE_URL: db.url,
        API_PORT: String(port),
        BOOTSTRAP_ADMIN_KEY: key,
        LOG_LEVEL: 'warn',
      }),
    );
    try {
      for (const port of ports) {
        await waitFor(`replica on ${port}`, async () => {
          const response = await fetch(`http://127.0.0.1:${port}/v1/api-keys`, {
            headers: { Authorization: `Bearer ${key}` },
          });
          return response.status === 200;
        });
      }
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const tenants = await client.query('SELECT name FROM tenants');
      await client.end();
      expect(tenants.rows).toEqual([{ name: 'default' }]);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const db = await database('shutdown');
    const port = await freePort();
    const worker = AppProcess.spawn('worker', { DATABASE_URL: db.url, WORKER_PORT: String(port), LOG_LEVEL: 'warn' });
    await waitFor('the worker', async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).status === 200);
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});

/**
 * Webhook delivery benchmarks: the API and a receiver on loopback in this process, one worker
 * process, against the local PostgreSQL and Redis.
 *
 *   npm run bench -- webhooks
 *
 * (1) paced: events written to the outbox at a fixed rate (the aim, 2,000/s) for 20 s, each one
 *     delivered to one endpoint: deliveries per second achieved, and latency from the event's
 *     commit to the receiver reading it (p50/p99);
 * (2) with the engine: the throughput scenario of engine.bench.ts with an endpoint subscribed to
 *     every event type: dials per second with webhooks on, deliveries per second, and latency from
 *     the state change to delivery.
 */
import { dataOf } from '../libs/client/src';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { ApiHarness } from '../test/support/api-harness';
import { AppProcess, freePort, waitFor } from '../test/support/processes';
import { agents, percentile, sleep, submitSequential, THROUGHPUT_ENV } from './engine.bench';

/** The API in this process, the worker in its own (as deployed): the receiver here does not share its CPU. */
async function setUp(suite: string, env: Record<string, string>) {
  const api = await ApiHarness.start(suite, { LOG_LEVEL: 'silent', ...env });
  const port = await freePort();
  const worker = AppProcess.spawn('worker', {
    ...env,
    DATABASE_URL: api.config.get('DATABASE_URL'),
    REDIS_URL: api.config.get('REDIS_URL'),
    REDIS_KEY_PREFIX: api.config.get('REDIS_KEY_PREFIX'),
    WORKER_PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  await waitFor(
    'the worker',
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200,
    30_000,
  ).catch((error) => {
    throw new Error(`${error.message}\n${worker.output.slice(-2000)}`);
  });
  return { api, worker };
}

async function tearDown(api: ApiHarness, worker: AppProcess) {
  await worker.stop();
  await api.stop();
}

interface Receipt {
  createdAt: number;
  receivedAt: number;
}

export async function receiver() {
  const receipts: Receipt[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      receipts.push({ createdAt: Date.parse(envelope.createdAt), receivedAt: Date.now() });
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { receipts, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

export const summary = (receipts: Receipt[]) => {
  const latencies = receipts.map((r) => r.receivedAt - r.createdAt);
  return {
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  };
};

export async function webhooksBench(): Promise<Record<string, unknown>> {
  return {
    paced1000: await pacedBench(1_000),
    paced2000: await pacedBench(2_000),
    paced3000: await pacedBench(3_000),
    withEngine: await engineBench(),
  };
}

async function pacedBench(rate: number): Promise<Record<string, unknown>> {
  const hooks = await receiver();
  const { api, worker } = await setUp('bench_webhooks', { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' });
  const pool = new Pool({ connectionString: api.config.get('DATABASE_URL'), max: 4 });
  try {
    const tenant = await api.createTenant('bench');
    dataOf(await (await api.client(tenant.adminKey)).POST('/v1/webhook-endpoints', { body: { url: hooks.url } }));
    const seconds = 20;
    const tick = 20; // ms: 40 events per statement
    const perTick = (rate * tick) / 1000;
    const started = Date.now();
    let written = 0;
    while (Date.now() - started < seconds * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      const batch = Math.max(0, Math.min(due - written, perTick * 5));
      if (batch > 0) {
        // created_at is the moment of the write: latency is measured from there to the receiver.
        await pool.query(
          `INSERT INTO webhook_events (id, tenant_id, type, data, created_at)
           SELECT autocall_uuid_v7(), $1, 'autocall.completed', json_build_object('n', g), clock_timestamp()
           FROM generate_series(1, $2) g`,
          [tenant.tenantId, batch],
        );
        written += batch;
      }
      await sleep(tick);
    }
    const writeSeconds = (Date.now() - started) / 1000;
    for (let i = 0; i < 600 && hooks.receipts.length < written; i++) await sleep(100);
    const deliverSeconds = (Math.max(...hooks.receipts.map((r) => r.receivedAt)) - started) / 1000;
    return {
      setup: `one endpoint on loopback, events written at ${rate}/s for ${seconds} s in batches`,
      events: written,
      delivered: hooks.receipts.length,
      writtenPerSecond: Math.round(written / writeSeconds),
      deliveriesPerSecond: Math.round(hooks.receipts.length / deliverSeconds),
      ...summary(hooks.receipts),
    };
  } finally {
    await pool.end();
    await tearDown(api, worker);
    await hooks.close();
  }
}

async function engineBench(): Promise<Record<string, unknown>> {
  const hooks = await receiver();
  const env = { ...THROUGHPUT_ENV, WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' };
  const { api, worker } = await setUp('bench_webhooks_engine', env);
  const pool = new Pool({ connectionString: api.config.get('DATABASE_URL'), max: 2 });
  try {
    const tenant = await api.createTenant('bench', 2000);
    dataOf(await (await api.client(tenant.adminKey)).POST('/v1/webhook-endpoints', { body: { url: hooks.url } }));
    await agents(api, tenant, 200);
    await submitSequential(api, tenant, 5, 10_000, { freeLines: { reserve: 0 }, freeAgents: null });
    await sleep(5_000);
    const count = async () =>
      Number((await pool.query('SELECT count(*) FROM contacts WHERE tenant_id = $1', [tenant.tenantId])).rows[0].count);
    const before = await count();
    const receivedBefore = hooks.receipts.length;
    const window = 20_000;
    await sleep(window);
    const after = await count();
    const inWindow = hooks.receipts.slice(receivedBefore);
    const backlog = Number(
      (await pool.query(`SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`)).rows[0].count,
    );
    return {
      setup:
        'engine throughput scenario (2,000 lines, 200 agents, 50,000 held targets, simulator ×1000), one endpoint for every event type',
      windowSeconds: window / 1000,
      dialsPerSecond: Math.round((after - before) / (window / 1000)),
      deliveriesPerSecond: Math.round(inWindow.length / (window / 1000)),
      pendingAtEnd: backlog,
      ...summary(inWindow),
    };
  } finally {
    await pool.end();
    await tearDown(api, worker);
    await hooks.close();
  }
}

/**
 * Soak: AutoCall under steady load for a long while, to see whether memory or latency drifts.
 *
 *   npm run bench -- soak              (SOAK_MINUTES=30 by default)
 *
 * The API and the worker run each in its own process, as deployed, so that their memory is their
 * own; this process is the tenant's CRM (submissions, polling) and its webhook receiver. 200
 * simulated agents, 300 lines, 100,000 targets in ten sequential AutoCalls, an endpoint subscribed
 * to every event, the simulator at ×10 (a 60 s call lasts 6 s). Before the agents log in, the
 * 100,000 held targets sit in Redis: their memory is measured per target. Then, every 15 s: the
 * API's and the worker's resident memory and heap, Redis memory, dials and webhook deliveries per
 * second, the webhook latency (event commit to receipt), the API's response time (p50/p99 of a
 * poll every 250 ms) and the dispatch latency (capacity freed to the next originate).
 */
import { Pool } from 'pg';
import Redis from 'ioredis';
import { ApiHarness } from '../test/support/api-harness';
import { numbers } from '../test/support/engine-harness';
import { AppProcess, freePort, waitFor } from '../test/support/processes';
import { percentile, sleep } from './engine.bench';
import { receiver } from './webhooks.bench';

const ENV = {
  SIMULATOR_SEED: 'bench-soak',
  SIMULATOR_TIME_SCALE: '10',
  SIMULATOR_TALK_SECONDS_MEAN: '60',
  SIMULATOR_WRAP_UP_SECONDS_MEAN: '10',
  WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
  // The load generator submits 10 AutoCalls at once.
  SUBMISSION_LIMIT: '1000',
};

const LISTS = 10;
const PER_LIST = 10_000;
const AGENTS = 200;
const LINES = 300;

/** A Prometheus text exposition's value for a metric name (first sample, or the sum of a labelled family). */
function metric(text: string, name: string): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? sum : NaN;
}

/** Histogram buckets {le → cumulative count}. */
function buckets(text: string, name: string): Map<number, number> {
  const result = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = line.match(new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\S+)$`));
    if (!m) continue;
    const bound = m[1] === '+Inf' ? Infinity : Number(m[1]);
    result.set(bound, (result.get(bound) ?? 0) + Number(m[2]));
  }
  return result;
}

/** The p-th percentile's bucket bound of the observations between two histogram readings. */
function bucketPercentile(before: Map<number, number>, after: Map<number, number>, p: number): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return null;
  for (const bound of bounds) {
    if ((after.get(bound) ?? 0) - (before.get(bound) ?? 0) >= (p / 100) * total) return bound;
  }
  return null;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function spawnApp(app: 'api' | 'worker', env: Record<string, string>, portVariable: string) {
  const port = await freePort();
  const child = AppProcess.spawn(app, { ...env, [portVariable]: String(port), LOG_LEVEL: 'warn' });
  await waitFor(
    `the ${app}`,
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200,
    30_000,
  ).catch((error) => {
    throw new Error(`${error.message}\n${child.output.slice(-2000)}`);
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

export async function soakBench(): Promise<Record<string, unknown>> {
  const minutes = Number(process.env.SOAK_MINUTES ?? 30);
  const hooks = await receiver();
  const harness = await ApiHarness.start('bench_soak', { LOG_LEVEL: 'silent', ...ENV });
  const shared = {
    ...ENV,
    DATABASE_URL: harness.config.get('DATABASE_URL'),
    REDIS_URL: harness.config.get('REDIS_URL'),
    REDIS_KEY_PREFIX: harness.config.get('REDIS_KEY_PREFIX'),
  };
  const redis = new Redis(harness.config.get('REDIS_URL'));
  const pool = new Pool({ connectionString: harness.config.get('DATABASE_URL'), max: 2 });
  const api = await spawnApp('api', shared, 'API_PORT');
  const worker = await spawnApp('worker', shared, 'WORKER_PORT');
  let polling = true;
  try {
    const tenant = await harness.createTenant('soak', LINES);
    const auth = { Authorization: `Bearer ${tenant.adminKey}`, 'Content-Type': 'application/json' };
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(api.base + route, {
        method,
        headers: auth,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    await call('POST', '/v1/webhook-endpoints', { url: hooks.url });
    const ids = Array.from({ length: AGENTS }, (_, i) => `soak-${i}`);
    for (const id of ids)
      await call('PUT', `/v1/agents/${id}`, { name: id, skills: ['sales'], endpoint: `sip:${id}@x` });

    // Held targets in Redis, before anyone dials them.
    const redisBefore = metricOf(await redis.info('memory'), 'used_memory');
    const autocalls: string[] = [];
    for (let i = 0; i < LISTS; i++) {
      const submitted = await call('POST', '/v1/autocalls', {
        mode: 'sequential',
        skill: 'sales',
        targets: numbers(PER_LIST, `+1${400 + i}`),
      });
      autocalls.push(submitted.id);
    }
    await waitFor(
      'the targets to be held',
      async () =>
        Number(
          (
            await pool.query(`SELECT count(*) FROM autocalls WHERE tenant_id = $1 AND queued_at IS NOT NULL`, [
              tenant.tenantId,
            ])
          ).rows[0].count,
        ) === LISTS || undefined,
      120_000,
      500,
    );
    await sleep(2_000);
    const redisHeld = metricOf(await redis.info('memory'), 'used_memory');
    const heldTargets = LISTS * PER_LIST;
    const redisBytesPerHeldTarget = Math.round((redisHeld - redisBefore) / heldTargets);
    process.stderr.write(
      `${JSON.stringify({ heldTargets, redisBeforeMb: mb(redisBefore), redisHeldMb: mb(redisHeld), redisBytesPerHeldTarget })}\n`,
    );

    // The CRM polls while the agents work: the API's response time under load.
    const pollTimes: { at: number; ms: number }[] = [];
    const poll = (async () => {
      let i = 0;
      while (polling) {
        const started = performance.now();
        const route = i++ % 2 ? `/v1/autocalls/${autocalls[i % LISTS]}` : '/v1/lines/usage';
        await fetch(api.base + route, { headers: auth }).then((r) => r.arrayBuffer());
        pollTimes.push({ at: Date.now(), ms: performance.now() - started });
        await sleep(250);
      }
    })();

    for (const id of ids) await call('POST', `/v1/agents/${id}/session`, { state: 'available' });
    const started = Date.now();
    const samples: Record<string, unknown>[] = [];
    const count = async (sql: string) => Number((await pool.query(sql, [tenant.tenantId])).rows[0].count);
    let last = {
      at: Date.now(),
      dials: 0,
      receipts: hooks.receipts.length,
      histogram: buckets(await (await fetch(`${worker.base}/metrics`)).text(), 'autocall_dispatch_latency_seconds'),
    };
    while (Date.now() - started < minutes * 60_000) {
      await sleep(15_000);
      const [apiMetrics, workerMetrics] = await Promise.all(
        [api.base, worker.base].map(async (base) => (await fetch(`${base}/metrics`)).text()),
      );
      const now = Date.now();
      const dials = await count('SELECT count(*) FROM contacts WHERE tenant_id = $1');
      const histogram = buckets(workerMetrics, 'autocall_dispatch_latency_seconds');
      const receipts = hooks.receipts.slice(last.receipts).map((r) => r.receivedAt - r.createdAt);
      const polls = pollTimes.filter((p) => p.at > last.at).map((p) => p.ms);
      const seconds = (now - last.at) / 1000;
      samples.push({
        minute: Math.round(((now - started) / 60_000) * 100) / 100,
        apiRssMb: mb(metric(apiMetrics, 'autocall_process_process_resident_memory_bytes')),
        apiHeapMb: mb(metric(apiMetrics, 'autocall_process_nodejs_heap_size_used_bytes')),
        workerRssMb: mb(metric(workerMetrics, 'autocall_process_process_resident_memory_bytes')),
        workerHeapMb: mb(metric(workerMetrics, 'autocall_process_nodejs_heap_size_used_bytes')),
        redisMb: mb(metricOf(await redis.info('memory'), 'used_memory')),
        dialsPerSecond: Math.round((dials - last.dials) / seconds),
        deliveriesPerSecond: Math.round(receipts.length / seconds),
        webhookP50Ms: receipts.length ? percentile(receipts, 50) : null,
        webhookP99Ms: receipts.length ? percentile(receipts, 99) : null,
        apiP50Ms: polls.length ? Math.round(percentile(polls, 50) * 10) / 10 : null,
        apiP99Ms: polls.length ? Math.round(percentile(polls, 99) * 10) / 10 : null,
        dispatchP50Ms: ms(bucketPercentile(last.histogram, histogram, 50)),
        dispatchP99Ms: ms(bucketPercentile(last.histogram, histogram, 99)),
        held: await count(`SELECT count(*) FROM targets WHERE tenant_id = $1 AND status = 'pending'`),
      });
      process.stderr.write(`${JSON.stringify(samples[samples.length - 1])}\n`);
      last = { at: now, dials, receipts: hooks.receipts.length, histogram };
    }
    polling = false;
    await poll;
    const done = await count(`SELECT count(*) FROM targets WHERE tenant_id = $1 AND completed_at IS NOT NULL`);
    const events = await count(
      `SELECT count(*) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.tenant_id = $1`,
    );
    const result = {
      setup: `${minutes} min, ${AGENTS} agents, ${LINES} lines, ${heldTargets.toLocaleString()} targets in ${LISTS} sequential AutoCalls, one webhook endpoint for every event, simulator ×10 (talk 60 s, wrap-up 10 s)`,
      redisBytesPerHeldTarget,
      targetsDone: done,
      webhookDeliveries: events,
      received: hooks.receipts.length,
      samples,
      summary: summarize(samples),
    };
    // Printed before the teardown, which a long run makes slow.
    process.stderr.write(`${JSON.stringify({ ...result, samples: undefined })}\n`);
    return result;
  } finally {
    polling = false;
    await worker.child.stop();
    await api.child.stop();
    await pool.end();
    await redis.quit();
    await harness.stop();
    await hooks.close();
  }
}

const ms = (seconds: number | null) => (seconds === null ? null : seconds === Infinity ? Infinity : seconds * 1000);

function metricOf(info: string, field: string): number {
  const line = info.split('\r\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(':')[1] ?? NaN);
}

/** First five minutes against the last five, and the least-squares slope of memory per hour. */
function summarize(samples: Record<string, unknown>[]) {
  const series = (key: string) => samples.map((s) => [s.minute as number, s[key] as number] as const);
  const slopePerHour = (key: string) => {
    const points = series(key).filter(([m]) => m >= 2); // after the warm-up
    const n = points.length;
    if (n < 3) return null;
    const mx = points.reduce((a, [x]) => a + x, 0) / n;
    const my = points.reduce((a, [, y]) => a + y, 0) / n;
    const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
    const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    return Math.round((num / den) * 60 * 10) / 10;
  };
  const end = (samples[samples.length - 1]?.minute as number) ?? 0;
  const mean = (key: string, from: number, to: number) => {
    const values = series(key)
      .filter(([m]) => m > from && m <= to)
      .map(([, v]) => v)
      .filter((v) => v !== null && Number.isFinite(v));
    return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null;
  };
  const keys = ['apiRssMb', 'workerRssMb', 'redisMb', 'dialsPerSecond', 'webhookP99Ms', 'apiP99Ms', 'dispatchP99Ms'];
  return {
    slopeMbPerHour: {
      api: slopePerHour('apiRssMb'),
      worker: slopePerHour('workerRssMb'),
      redis: slopePerHour('redisMb'),
    },
    firstFiveMinutes: Object.fromEntries(keys.map((k) => [k, mean(k, 0, 5)])),
    lastFiveMinutes: Object.fromEntries(keys.map((k) => [k, mean(k, end - 5, end)])),
  };
}

/**
 * Benchmarks (b) dispatch latency and (c) sustained dial rate, with the API and one worker in
 * this process, on the simulator, against the local PostgreSQL and Redis.
 *
 *   npm run bench -- dispatch     (b) capacity freed → originate, p50/p99, ~1,000 concurrent calls
 *   npm run bench -- throughput   (c) dials per second at a high time scale
 */
import { dataOf } from '../libs/client/src';
import type { INestApplication } from '@nestjs/common';
import { AppConfig } from '../libs/config/src';
import { PrismaService } from '../libs/database/src';
import { createWorkerApp } from '../apps/worker/src/app';
import { Dispatcher } from '../apps/worker/src/engine/dispatcher';
import { ApiHarness, TestTenant } from '../test/support/api-harness';
import { numbers } from '../test/support/engine-harness';
import { freePort } from '../test/support/processes';
import { TEST_SECRETS_KEYS } from '../test/support/secrets';
import { ownCpuMs, postgresCpuGrowth, postgresCpuMs } from './cost.bench';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function setUp(suite: string, env: Record<string, string>) {
  const api = await ApiHarness.start(suite, { LOG_LEVEL: 'silent', ...env });
  const config = AppConfig.fromEnvironment({
    SECRETS_KEYS: TEST_SECRETS_KEYS,
    ...env,
    DATABASE_URL: api.config.get('DATABASE_URL'),
    REDIS_URL: api.config.get('REDIS_URL'),
    // On a Redis Cluster when TEST_REDIS_CLUSTER_NODES names one (see README "Redis Cluster").
    REDIS_CLUSTER_NODES: (api.config.get('REDIS_CLUSTER_NODES') ?? []).join(','),
    REDIS_KEY_PREFIX: api.config.get('REDIS_KEY_PREFIX'),
    WORKER_PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
  });
  const worker = await createWorkerApp(config);
  await worker.listen(config.get('WORKER_PORT'), '127.0.0.1');
  return { api, worker };
}

export async function agents(api: ApiHarness, tenant: TestTenant, count: number) {
  const ids = Array.from({ length: count }, (_, i) => `b${i}`);
  const autocall = await api.client(tenant.adminKey);
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map(async (agentId) => {
        const path = { agentId };
        dataOf(
          await autocall.PUT('/v1/agents/{agentId}', {
            params: { path },
            body: { name: agentId, skills: ['sales'], endpoint: `sip:${agentId}@x` },
          }),
        );
        dataOf(await autocall.POST('/v1/agents/{agentId}/session', { params: { path }, body: { state: 'available' } }));
      }),
    );
  }
}

export async function submitSequential(
  api: ApiHarness,
  tenant: TestTenant,
  lists: number,
  perList: number,
  checks: { freeLines?: { reserve: number } | null; freeAgents?: { reserve: number } | null },
) {
  const autocall = await api.client(tenant.adminKey);
  for (let i = 0; i < lists; i++) {
    dataOf(
      await autocall.POST('/v1/autocalls', {
        body: { mode: 'sequential', skill: 'sales', targets: numbers(perList, `+1${300 + i}`), checks },
      }),
    );
  }
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export async function tearDown(api: ApiHarness, worker: INestApplication) {
  await worker.close();
  await api.stop();
}

/**
 * `dispatch [--talk-seconds N]`: the time from capacity freed to the next dial leaving, with every
 * line busy. Calls talk N simulated seconds on average (×20: N/20 s); 480 (24 s) keeps the 1,000
 * lines busy on this machine kind, the aim's load, at an end rate the engine sustains (~40 per
 * second); 240 held ~790 and 120 (the default before 2026-12-02) ~450–500: the dial rate bounds them.
 */
export function dispatchOptions(args: string[]): { talkSeconds: number } {
  const at = args.indexOf('--talk-seconds');
  const talkSeconds = at >= 0 ? Number(args[at + 1]) : 480;
  if (!(talkSeconds >= 1 && talkSeconds <= 3_600)) throw new Error('--talk-seconds takes a number from 1 to 3600');
  return { talkSeconds };
}

export async function dispatchBench({ talkSeconds } = { talkSeconds: 480 }): Promise<Record<string, unknown>> {
  const env = {
    SIMULATOR_SEED: 'bench-dispatch',
    SIMULATOR_TIME_SCALE: '20',
    SIMULATOR_ANSWER_PROBABILITY: '0.9',
    SIMULATOR_TALK_SECONDS_MEAN: String(talkSeconds),
    SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
    DISPATCH_SWEEP_INTERVAL_MS: '60000',
  };
  const { api, worker } = await setUp('bench_dispatch', env);
  try {
    const tenant = await api.createTenant('bench', 1000);
    await agents(api, tenant, 1000);
    await submitSequential(api, tenant, 3, 10_000, { freeLines: { reserve: 0 }, freeAgents: { reserve: 0 } });
    const dispatcher = worker.get(Dispatcher);
    const contactsKey = `${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}:contacts`;
    // Ramp up to ~1,000 concurrent calls (or for 30 s), then measure for 30 s.
    for (let i = 0; i < 60 && (await api.redis.zcard(contactsKey)) < 950; i++) await sleep(500);
    dispatcher.latencies.length = 0;
    const concurrency: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      concurrency.push(await api.redis.zcard(contactsKey));
      await sleep(250);
    }
    const samples = [...dispatcher.latencies];
    return {
      setup: `1 tenant, 1,000 lines, 1,000 available agents, 30,000 held targets, simulator ×20, talk ${talkSeconds} s (${talkSeconds / 20} s here)`,
      samples: samples.length,
      concurrentCallsMedian: percentile(concurrency, 50),
      concurrentCallsMin: Math.min(...concurrency),
      p50Ms: percentile(samples, 50),
      p90Ms: percentile(samples, 90),
      p99Ms: percentile(samples, 99),
      maxMs: Math.max(...samples),
    };
  } finally {
    await tearDown(api, worker);
  }
}

/** The throughput scenario's simulator settings (webhooks.bench reuses them). */
export const THROUGHPUT_ENV = {
  SIMULATOR_SEED: 'bench-throughput',
  SIMULATOR_TIME_SCALE: '1000',
  SIMULATOR_ANSWER_PROBABILITY: '0.5',
  SIMULATOR_TALK_SECONDS_MEAN: '30',
  SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
  MAX_WAIT_SECONDS: '5',
  DISPATCH_SWEEP_INTERVAL_MS: '60000',
};

export async function throughputBench(): Promise<Record<string, unknown>> {
  const env = THROUGHPUT_ENV;
  const { api, worker } = await setUp('bench_throughput', env);
  try {
    const tenant = await api.createTenant('bench', 2000);
    await agents(api, tenant, 200);
    await submitSequential(api, tenant, 5, 10_000, { freeLines: { reserve: 0 }, freeAgents: null });
    const prisma = api.app.get(PrismaService);
    // PostgreSQL's own count of the database's transactions (committed and rolled back).
    const transactions = async () =>
      (
        await prisma.$queryRaw<{ n: bigint }[]>`
          SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`
      )[0].n;
    // CPU of the whole path, whatever the machine's load: this process (API and worker), the
    // database's backends and the Redis server, and the commands Redis ran.
    const redisStats = async () => {
      const info = await api.redis.info();
      const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
      return {
        cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
        commands: field('total_commands_processed'),
      };
    };
    const databaseUrl = api.config.get('DATABASE_URL');
    await sleep(5_000);
    const before = await prisma.contact.count({ where: { tenantId: tenant.tenantId } });
    const transactionsBefore = await transactions();
    const [ownBefore, postgresBefore, redisBefore] = [ownCpuMs(), await postgresCpuMs(databaseUrl), await redisStats()];
    const window = 20_000;
    await sleep(window);
    const after = await prisma.contact.count({ where: { tenantId: tenant.tenantId } });
    const [ownAfter, postgresAfter, redisAfter] = [ownCpuMs(), await postgresCpuMs(databaseUrl), await redisStats()];
    const perDial = (value: number) => Number((value / (after - before) || 0).toFixed(2));
    // PostgreSQL publishes its counts within a second.
    await sleep(1_500);
    const transactionsAfter = await transactions();
    return {
      setup: '1 tenant, 2,000 lines, agent check off, 200 agents, 50,000 held targets, simulator ×1000',
      windowSeconds: window / 1000,
      dials: after - before,
      dialsPerSecond: Math.round((after - before) / (window / 1000)),
      // Over the window and the 1.5 s after it (the bench's own count queries included).
      transactionsPerDial: Number((Number(transactionsAfter - transactionsBefore) / (after - before) || 0).toFixed(2)),
      // Over the window: the Redis server's commands (scripts' inner commands included) and CPU.
      redisCommandsPerDial: perDial(redisAfter.commands - redisBefore.commands),
      cpuMsPerDial: {
        apiAndWorker: perDial(ownAfter - ownBefore),
        postgres: perDial(postgresCpuGrowth(postgresBefore, postgresAfter)),
        redis: perDial(redisAfter.cpuMs - redisBefore.cpuMs),
      },
    };
  } finally {
    await tearDown(api, worker);
  }
}

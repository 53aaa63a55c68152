/**
 * The cost of one call, in counts that do not depend on the machine's load: PostgreSQL
 * transactions and rows written, Redis commands, and API + worker CPU time, over a fixed workload
 * of 1,000 sequential calls on the simulator; then the Redis keys left a minute after the run, and
 * whether any key or value holds a phone number.
 *
 *   npm run bench -- cost
 *
 * The API runs in this process (its CPU is this process's, the driver included, a small share),
 * the worker in its own; Redis is a private server, so its INFO commandstats count only this run;
 * PostgreSQL's counters are the suite database's own (pg_stat_database), read once every backend
 * has flushed its statistics.
 */
import { dataOf } from '../libs/client/src';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import Redis from 'ioredis';
import { PrismaService } from '../libs/database/src';

import { EngineHarness, numbers } from '../test/support/engine-harness';
import { RedisServer, waitFor } from '../test/support/processes';

const CALLS = 1_000;
const LINES = 50;
const AGENTS = 50;
const NUMBER_PREFIX = '+1212';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PgCounters {
  transactions: number;
  rollbacks: number;
  rowsWritten: number;
  /** Rows inserted, updated or deleted, per table. */
  byTable: Map<string, number>;
}

async function pgCounters(databaseUrl: string): Promise<PgCounters> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT xact_commit + xact_rollback AS transactions, xact_rollback AS rollbacks,
              tup_inserted + tup_updated + tup_deleted AS rows
       FROM pg_stat_database WHERE datname = current_database()`,
    );
    const tables = await client.query(
      `SELECT relname AS name, n_tup_ins + n_tup_upd + n_tup_del AS rows FROM pg_stat_user_tables`,
    );
    return {
      transactions: Number(rows[0].transactions),
      rollbacks: Number(rows[0].rollbacks),
      rowsWritten: Number(rows[0].rows),
      byTable: new Map(tables.rows.map((t) => [t.name as string, Number(t.rows)])),
    };
  } finally {
    await client.end();
  }
}

/** Calls per Redis command, from INFO commandstats. */
async function redisCommands(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1], Number(match[2]));
  return calls;
}

/** User + system CPU of a process, in milliseconds (Linux /proc). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** A key's whole value as text, whatever its type (for a search, not for reading). */
async function valueText(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'zset':
      return (await redis.zrange(key, '0', '-1')).join(' ');
    case 'set':
      return (await redis.smembers(key)).join(' ');
    case 'list':
      return (await redis.lrange(key, '0', '-1')).join(' ');
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

const ownCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export async function costBench(): Promise<Record<string, unknown>> {
  const redisServer = await RedisServer.start();
  const engine = await EngineHarness.start('bench_cost', {
    REDIS_URL: redisServer.url,
    LOG_LEVEL: 'silent',
    SIMULATOR_SEED: 'bench-cost',
    SIMULATOR_TIME_SCALE: '1000',
    SIMULATOR_ANSWER_PROBABILITY: '0.5',
    SIMULATOR_TALK_SECONDS_MEAN: '30',
    SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
    DISPATCH_SWEEP_INTERVAL_MS: '5000',
  });
  const redis = new Redis(redisServer.url);
  const databaseUrl = engine.api.config.get('DATABASE_URL');
  try {
    const tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: AGENTS, prefix: 'c' });
    const autocall = await engine.api.client(tenant.adminKey);
    await sleep(12_000); // every backend flushes the setup's statistics (PostgreSQL 15: within 10 s idle)
    const worker = engine.workers[0];
    const before = {
      pg: await pgCounters(databaseUrl),
      redis: await redisCommands(redis),
      apiCpuMs: ownCpuMs(),
      workerCpuMs: processCpuMs(worker.pid!),
    };
    const started = Date.now();
    const submitted = dataOf(
      await autocall.POST('/v1/autocalls', {
        body: { mode: 'sequential', skill: 'sales', targets: numbers(CALLS, NUMBER_PREFIX) },
      }),
    );
    await waitFor(
      'the AutoCall to complete',
      async () => {
        const { id } = submitted;
        return dataOf(await autocall.GET('/v1/autocalls/{id}', { params: { path: { id } } })).status === 'completed';
      },
      600_000,
      // Seldom: the driver's own polls (about three transactions each) count in the figures too.
      2_000,
    );
    const seconds = (Date.now() - started) / 1000;
    const cpu = { apiCpuMs: ownCpuMs(), workerCpuMs: processCpuMs(worker.pid!) };
    const afterRedis = await redisCommands(redis);
    await sleep(12_000);
    const afterPg = await pgCounters(databaseUrl);

    const perCall = (n: number) => Math.round((n / CALLS) * 100) / 100;
    const commands = [...afterRedis].map(([name, calls]) => [name, calls - (before.redis.get(name) ?? 0)] as const);
    const redisTotal = commands.reduce((sum, [, n]) => sum + n, 0);
    const contacts = await engine.api.app.get(PrismaService).contact.count();

    // A minute later: what the run left in Redis, and whether any of it names a number.
    await sleep(60_000);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const digits = NUMBER_PREFIX.slice(1);
    const numberPattern = new RegExp(`${digits}\\d{7}`);
    let keysNamingNumbers = 0;
    let valuesHoldingNumbers = 0;
    for (const key of keys) {
      if (numberPattern.test(key)) keysNamingNumbers++;
      if (numberPattern.test(await valueText(redis, key))) valuesHoldingNumbers++;
    }
    const keyFamilies = new Map<string, number>();
    for (const key of keys) {
      const family = key
        .replace(/\{[^}]+\}/g, '{tenant}')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
        .replace(/:agent:[^:]+$/, ':agent:<agent>')
        .replace(/\+?\d{6,}/g, '<n>')
        .replace(/:\d+$/, ':<n>');
      keyFamilies.set(family, (keyFamilies.get(family) ?? 0) + 1);
    }

    return {
      setup: `${CALLS} sequential calls, ${LINES} lines, ${AGENTS} agents, simulator ×1000 (50% answered, talk 30 s, no wrap-up), API in this process, one worker process, private Redis`,
      calls: CALLS,
      contacts,
      seconds: Math.round(seconds * 10) / 10,
      perCall: {
        pgTransactions: perCall(afterPg.transactions - before.pg.transactions),
        pgRollbacks: perCall(afterPg.rollbacks - before.pg.rollbacks),
        pgRowsWritten: perCall(afterPg.rowsWritten - before.pg.rowsWritten),
        redisCommands: perCall(redisTotal),
        apiCpuMs: perCall(cpu.apiCpuMs - before.apiCpuMs),
        workerCpuMs: perCall(cpu.workerCpuMs - before.workerCpuMs),
      },
      rowsWrittenByTable: [...afterPg.byTable]
        .map(([name, n]) => [name, n - (before.pg.byTable.get(name) ?? 0)] as const)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name} ${perCall(n)}`),
      topRedisCommands: commands
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([name, n]) => `${name} ${perCall(n)}`),
      redisKeysAfterOneMinute: keys.length,
      keysNamingNumbers,
      valuesHoldingNumbers,
      keyFamilies: Object.fromEntries([...keyFamilies].sort((a, b) => b[1] - a[1]).slice(0, 15)),
    };
  } finally {
    await redis.quit();
    await engine.stop();
    await redisServer.stop();
  }
}

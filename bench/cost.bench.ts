/**
 * The cost of one call, in counts that do not depend on the machine's load: PostgreSQL
 * transactions and rows written, Redis commands, and API + worker CPU time, over a fixed workload
 * of 1,000 sequential calls on the simulator, run once with each number of worker processes
 * (1, 2 and 4 by default); then what it costs an idle engine per second, the Redis keys left a
 * minute after the run, and whether any key or value holds a phone number.
 *
 *   npm run bench -- cost                     1, 2 and 4 workers (about 8 minutes)
 *   npm run bench -- cost --workers 1         one worker count (or a list: --workers 1,8)
 *   npm run bench -- cost --time-scale 1000   the simulator 1000 times faster than life (the
 *                                             default is 20): the workload of the figures before
 *                                             2026-12-01, bound by the engine rather than by agents
 *   npm run bench -- cost --trace             also who sent what: SQL statements by text (in every
 *                                             process), Redis commands by script and key (MONITOR),
 *                                             and where the workers' CPU went (V8 profiles); slows
 *                                             Redis, the workers and the bench process, so its CPU
 *                                             figures and times do not compare with an untraced run
 *
 * The API runs in this process (its CPU is this process's, the driver included, a small share),
 * the workers in their own; Redis is a private server, so its INFO commandstats count only this
 * run; PostgreSQL's counters are the suite database's own (pg_stat_database), read once every
 * backend has flushed its statistics.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { dataOf } from '../libs/client/src';
import { PrismaService } from '../libs/database/src';
import * as capacityScripts from '../libs/dialing/src/capacity.scripts';
import { RedisService } from '../libs/redis/src';
import { EngineHarness, numbers } from '../test/support/engine-harness';
import { AppProcess, RedisServer, waitFor } from '../test/support/processes';
import { profileSummary, readProfile } from './cost-profile';
import { installTrace, TraceCounts, traceCounts } from './cost-trace';
import { keyFamily, redisCommands, RedisTrace, SCRIPT_COMMANDS, scriptNames, TraceResult } from './cost-redis';

const CALLS = 1_000;
const LINES = 50;
const AGENTS = 50;
const NUMBER_PREFIX = '+1212';
const IDLE_SECONDS = 60;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The workload. Each number's fate is its seed's (the simulator draws it from the seed, the
 * number and the attempt): half answer, some of those are machines, some ring out, are busy or
 * fail. Callers are patient (an hour), so that every person who answers reaches the agent
 * reserved for the dial however loaded the machine is; with the default 30 s (30 ms at ×1000) how
 * many did varied from run to run with the machine's timing, and with it the agents' rows and
 * transactions per call. At ×20 a call lasts about as long as in life relative to the engine's own
 * work (a 30 s talk plays in 1.5 s): the agents are the bound, and each dial waits for one to be
 * freed, as in production, where what a freed agent costs every worker shows; at ×1000 the calls
 * end faster than the engine can dial and no dial ever waits.
 */
const WORKLOAD: Record<string, string> = {
  LOG_LEVEL: 'silent',
  SIMULATOR_SEED: 'bench-cost',
  SIMULATOR_ANSWER_PROBABILITY: '0.5',
  SIMULATOR_TALK_SECONDS_MEAN: '30',
  SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
  SIMULATOR_PATIENCE_SECONDS_MEAN: '3600',
  MAX_WAIT_SECONDS: '3600',
  DISPATCH_SWEEP_INTERVAL_MS: '5000',
};

export interface CostOptions {
  workers: number[];
  timeScale: number;
  trace: boolean;
}

/** `--workers 1,2,4` (the default), `--time-scale 20` (the default) and `--trace`. */
export function costOptions(args: string[]): CostOptions {
  const option = (name: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] ?? '') : undefined);
  const workers = (option('--workers') ?? '1,2,4').split(',').map(Number);
  if (!workers.length || workers.some((n) => !Number.isInteger(n) || n < 1 || n > 16))
    throw new Error('--workers takes a list of worker counts, e.g. --workers 1,2,4');
  const timeScale = Number(option('--time-scale') ?? 20);
  if (!(timeScale >= 1 && timeScale <= 10_000)) throw new Error('--time-scale takes a number from 1 to 10000');
  return { workers, timeScale, trace: args.includes('--trace') };
}

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

/** User + system CPU of a process, in milliseconds (Linux /proc). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

const workersCpuMs = (workers: AppProcess[]) => workers.reduce((sum, w) => sum + processCpuMs(w.pid!), 0);

/**
 * CPU of the PostgreSQL backends connected to the database (PostgreSQL runs on this machine), by
 * backend: the run's share is each one's growth (a backend opened during the run from zero; one
 * closed during it is not counted, so the figure is a floor).
 */
export async function postgresCpuMs(databaseUrl: string): Promise<Map<number, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const cpu = new Map<number, number>();
    for (const { pid } of rows as { pid: number }[]) {
      try {
        cpu.set(pid, processCpuMs(pid));
      } catch {
        // Gone between the query and the read.
      }
    }
    return cpu;
  } finally {
    await client.end();
  }
}

export const postgresCpuGrowth = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

export const ownCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

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

/** Every process's SQL counts at this instant: the workers write theirs when sent SIGUSR2. */
async function sqlCounts(engine: EngineHarness, dir: string, seq: number): Promise<TraceCounts[]> {
  const counts = [{ ...traceCounts(), pid: 0 }];
  for (const worker of engine.workers) {
    process.kill(worker.pid!, 'SIGUSR2');
    const file = path.join(dir, `${worker.pid}.json`);
    counts.push(
      await waitFor(`SQL counts of worker ${worker.pid}`, async () => {
        const read = JSON.parse(readFileSync(file, 'utf8')) as TraceCounts;
        return read.seq >= seq && read;
      }),
    );
  }
  return counts;
}

const perCallOf = (n: number) => Math.round((n / CALLS) * 100) / 100;
/** The largest counts, each divided by `per` (the calls, or the seconds of an idle window). */
const top = (entries: Iterable<readonly [string, number]>, n: number, per = CALLS) =>
  [...entries]
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${name} ${Math.round((count / per) * 100) / 100}`);

/** Statements by process and text, and transactions, between two readings of every process, per `per`. */
function sqlTrace(before: TraceCounts[], after: TraceCounts[], per = CALLS, lines = 30) {
  const statements = new Map<string, number>();
  let transactions = 0;
  after.forEach((counts, i) => {
    const where = counts.pid === 0 ? 'api' : 'worker';
    transactions += counts.transactions - before[i].transactions;
    for (const [text, n] of Object.entries(counts.statements)) {
      const key = `${where}: ${text}`;
      statements.set(key, (statements.get(key) ?? 0) + n - (before[i].statements[text] ?? 0));
    }
  });
  const total = [...statements.values()].reduce((sum, n) => sum + n, 0);
  const round = (n: number) => Math.round((n / per) * 100) / 100;
  return { transactions: round(transactions), statements: round(total), byText: top(statements, lines, per) };
}

function redisTrace(traced: TraceResult, per = CALLS, lines = 30) {
  const round = (n: number) => Math.round((n / per) * 100) / 100;
  return {
    sentByClients: round(traced.sentTotal),
    runInsideScripts: round(traced.innerTotal),
    sent: top(traced.sent, lines, per),
    insideScripts: [...traced.inner]
      .map(([script, commands]) => {
        const total = [...commands.values()].reduce((sum, n) => sum + n, 0);
        return { script, total, commands };
      })
      .sort((a, b) => b.total - a.total)
      .slice(0, 15)
      .map(({ script, total, commands }) => `${script} ${round(total)}: ${top(commands, 6, per).join(', ')}`),
  };
}

/** The scripts AutoCall defines on its connections (read from the API's), by name. */
function autocallScripts(engine: EngineHarness): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const [name, lua] of Object.entries(capacityScripts)) if (typeof lua === 'string') sources[name] = lua;
  const client = engine.api.app.get(RedisService).client as unknown as {
    scriptsSet: Record<string, { lua: string }>;
  };
  for (const [name, script] of Object.entries(client.scriptsSet)) sources[name] = script.lua;
  return sources;
}

async function costRun(workers: number, options: CostOptions): Promise<Record<string, unknown>> {
  const { trace, timeScale } = options;
  const redisServer = await RedisServer.start();
  const traceDir = trace ? mkdtempSync(path.join(tmpdir(), 'autocall-cost-trace-')) : undefined;
  const engine = await EngineHarness.start(
    `bench_cost_w${workers}`,
    { ...WORKLOAD, SIMULATOR_TIME_SCALE: String(timeScale), REDIS_URL: redisServer.url },
    0,
  );
  const redis = new Redis(redisServer.url);
  let monitor: RedisTrace | undefined;
  try {
    for (let i = 0; i < workers; i++) {
      await engine.startWorker(
        traceDir
          ? { NODE_OPTIONS: `--require ${path.join(__dirname, 'cost-trace.js')}`, COST_TRACE_DIR: traceDir }
          : {},
      );
    }
    const databaseUrl = engine.api.config.get('DATABASE_URL');
    const tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: AGENTS, prefix: 'c' });
    const autocall = await engine.api.client(tenant.adminKey);
    await sleep(12_000); // every backend flushes the setup's statistics (PostgreSQL 15: within 10 s idle)
    if (trace) monitor = await RedisTrace.start(redisServer.url, scriptNames(autocallScripts(engine)));
    const before = {
      pg: await pgCounters(databaseUrl),
      sql: traceDir ? await sqlCounts(engine, traceDir, 1) : undefined,
      redis: await redisCommands(redis),
      apiCpuMs: ownCpuMs(),
      workerCpuMs: workersCpuMs(engine.workers),
      postgresCpu: await postgresCpuMs(databaseUrl),
    };
    await monitor?.begin(redis);
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
    const cpu = {
      apiCpuMs: ownCpuMs(),
      workerCpuMs: workersCpuMs(engine.workers),
      postgresCpuMs: postgresCpuGrowth(before.postgresCpu, await postgresCpuMs(databaseUrl)),
    };
    const afterRedis = await redisCommands(redis);
    const traced = await monitor?.end(redis);
    await sleep(12_000);
    const afterSql = traceDir ? await sqlCounts(engine, traceDir, 2) : undefined;
    const profiles = traceDir ? engine.workers.map((w) => readProfile(path.join(traceDir, `${w.pid}.cpuprofile`))) : [];
    const afterPg = await pgCounters(databaseUrl);

    // Idle: what the engine costs per second with nothing to dial (its sweeps, heartbeats, leases).
    const idleFrom = {
      at: Date.now(),
      pg: afterPg,
      redis: await redisCommands(redis),
      apiCpuMs: ownCpuMs(),
      workerCpuMs: workersCpuMs(engine.workers),
    };
    await monitor?.begin(redis);
    await sleep(IDLE_SECONDS * 1000);
    const idleTraced = await monitor?.end(redis);
    const idleSql = traceDir ? await sqlCounts(engine, traceDir, 3) : undefined;
    const idleTo = {
      at: Date.now(),
      pg: await pgCounters(databaseUrl),
      redis: await redisCommands(redis),
      apiCpuMs: ownCpuMs(),
      workerCpuMs: workersCpuMs(engine.workers),
    };

    const commands = [...afterRedis].map(([name, calls]) => [name, calls - (before.redis.get(name) ?? 0)] as const);
    const redisTotal = commands.reduce((sum, [, n]) => sum + n, 0);
    const scriptCalls = commands.filter(([name]) => SCRIPT_COMMANDS.has(name)).reduce((sum, [, n]) => sum + n, 0);
    const idleSeconds = (idleTo.at - idleFrom.at) / 1000;
    const idleRedis = [...idleTo.redis].reduce((sum, [name, n]) => sum + n - (idleFrom.redis.get(name) ?? 0), 0);
    const perSecond = (n: number) => Math.round((n / idleSeconds) * 10) / 10;

    const prisma = engine.api.app.get(PrismaService);
    const outcomes = await prisma.$queryRaw<{ status: string; n: number }[]>`
      SELECT status::text, count(*)::int AS n FROM targets GROUP BY status ORDER BY n DESC`;
    const [contacts] = await prisma.$queryRaw<{ all: number; connected: number; abandoned: number }[]>`
      SELECT count(*)::int AS all, count(connected_at)::int AS connected, count(*) FILTER (WHERE abandoned)::int AS abandoned
      FROM contacts`;

    // What the run left in Redis, and whether any of it names a number.
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const numberPattern = new RegExp(`${NUMBER_PREFIX.slice(1)}\\d{7}`);
    let keysNamingNumbers = 0;
    let valuesHoldingNumbers = 0;
    for (const key of keys) {
      if (numberPattern.test(key)) keysNamingNumbers++;
      if (numberPattern.test(await valueText(redis, key))) valuesHoldingNumbers++;
    }
    const keyFamilies = new Map<string, number>();
    for (const key of keys) keyFamilies.set(keyFamily(key), (keyFamilies.get(keyFamily(key)) ?? 0) + 1);

    const apiCpuMs = cpu.apiCpuMs - before.apiCpuMs;
    const workerCpuMs = cpu.workerCpuMs - before.workerCpuMs;
    return {
      workers,
      seconds: Math.round(seconds * 10) / 10,
      outcomes: Object.fromEntries(outcomes.map((o) => [o.status, o.n])),
      contacts,
      perCall: {
        pgTransactions: perCallOf(afterPg.transactions - before.pg.transactions),
        pgRollbacks: perCallOf(afterPg.rollbacks - before.pg.rollbacks),
        pgRowsWritten: perCallOf(afterPg.rowsWritten - before.pg.rowsWritten),
        redisCommands: perCallOf(redisTotal),
        redisScriptCalls: perCallOf(scriptCalls),
        apiCpuMs: perCallOf(apiCpuMs),
        workerCpuMs: perCallOf(workerCpuMs),
        apiAndWorkerCpuMs: perCallOf(apiCpuMs + workerCpuMs),
        postgresCpuMs: perCallOf(cpu.postgresCpuMs),
      },
      idlePerSecond: {
        pgTransactions: perSecond(idleTo.pg.transactions - idleFrom.pg.transactions),
        redisCommands: perSecond(idleRedis),
        workerCpuMs: perSecond(idleTo.workerCpuMs - idleFrom.workerCpuMs),
      },
      topRedisCommands: top(commands, 12),
      rowsWrittenByTable: top(
        [...afterPg.byTable].map(([name, n]) => [name, n - (before.pg.byTable.get(name) ?? 0)]),
        12,
      ),
      redisKeysAfterOneMinute: keys.length,
      keysNamingNumbers,
      valuesHoldingNumbers,
      keyFamilies: Object.fromEntries([...keyFamilies].sort((a, b) => b[1] - a[1]).slice(0, 12)),
      ...(before.sql && afterSql ? { sql: sqlTrace(before.sql, afterSql) } : {}),
      ...(traced ? { redis: redisTrace(traced) } : {}),
      ...(profiles.length ? { workerCpuProfile: profileSummary(profiles, perCallOf(workerCpuMs), 25) } : {}),
      ...(afterSql && idleSql && idleTraced
        ? {
            idleTracePerSecond: {
              sql: sqlTrace(afterSql, idleSql, idleSeconds, 15),
              redis: redisTrace(idleTraced, idleSeconds, 20),
            },
          }
        : {}),
    };
  } finally {
    monitor?.stop();
    await redis.quit();
    await engine.stop();
    await redisServer.stop();
    if (traceDir) rmSync(traceDir, { recursive: true, force: true });
  }
}

export async function costBench(options: CostOptions): Promise<Record<string, unknown>> {
  if (options.trace) installTrace();
  const runs: Record<string, unknown>[] = [];
  for (const workers of options.workers) runs.push(await costRun(workers, options));
  const row = (run: Record<string, unknown>) => {
    const c = run.perCall as Record<string, number>;
    const idle = run.idlePerSecond as Record<string, number>;
    return `| ${run.workers} | ${run.seconds} | ${c.pgTransactions} | ${c.pgRowsWritten} | ${c.redisCommands} | ${c.apiAndWorkerCpuMs} | ${c.postgresCpuMs} | ${idle.pgTransactions} | ${idle.redisCommands} |`;
  };
  return {
    setup: `${CALLS} sequential calls, ${LINES} lines, ${AGENTS} agents, simulator ×${options.timeScale} (50% answered, patient callers, talk 30 s, no wrap-up), API in this process, private Redis${options.trace ? ', traced' : ''}`,
    table: [
      '| workers | s | tx/call | rows/call | Redis cmds/call | API+worker CPU ms/call | PostgreSQL CPU ms/call | idle tx/s | idle Redis cmds/s |',
      ...runs.map(row),
    ],
    runs,
  };
}

/**
 * What Redis holds per held target: an AutoCall's targets wait in their pool's queue (a BullMQ
 * job each) until a line and an agent are free, and a tenant may submit lists of hundreds of
 * thousands. The API alone (no worker: nothing is dialed) takes HELD targets in AutoCalls of
 * 10,000 (the most one AutoCall takes); Redis is a private server, so `used_memory` counts this
 * run alone. Per held target: the growth of `used_memory` (INFO memory) from before the first
 * submission to once every target is held, divided by the targets; and, to say where it goes,
 * `MEMORY USAGE` of a sample of job keys and of the pool's keys (its ordered set, events…).
 *
 *   npm run bench -- memory                   100,000 held targets (about a minute)
 *   npm run bench -- memory --targets 20000   fewer (a multiple of 10,000)
 */
import Redis from 'ioredis';
import { dataOf } from '../libs/client/src';
import { Queues } from '../libs/dialing/src';
import { EngineHarness, numbers } from '../test/support/engine-harness';
import { RedisServer, waitFor } from '../test/support/processes';

const PER_AUTOCALL = 10_000;

export function memoryOptions(args: string[]): { targets: number } {
  const at = args.indexOf('--targets');
  const targets = at >= 0 ? Number(args[at + 1]) : 100_000;
  if (!Number.isInteger(targets) || targets < PER_AUTOCALL || targets % PER_AUTOCALL !== 0)
    throw new Error(`--targets takes a multiple of ${PER_AUTOCALL}`);
  return { targets };
}

async function usedMemory(redis: Redis): Promise<number> {
  // Freed pages given back first, so that the figure is what is held now.
  await redis.call('MEMORY', 'PURGE').catch(() => undefined);
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
}

async function allKeys(redis: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 10_000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

export async function memoryBench(options: { targets: number }): Promise<Record<string, unknown>> {
  const redisServer = await RedisServer.start();
  const engine = await EngineHarness.start('bench_memory', { LOG_LEVEL: 'silent', REDIS_URL: redisServer.url }, 0);
  const redis = new Redis(redisServer.url);
  try {
    // One agent (a skill needs one) and no worker: at most a dial or two, every other target stays held.
    const tenant = await engine.tenantWithAgents({ lines: 10, skill: 'sales', agents: 1 });
    const client = await engine.api.client(tenant.adminKey);
    const held = engine.api.app.get(Queues).held({ tenantId: tenant.tenantId, skill: 'sales' });
    const keysBefore = (await allKeys(redis)).length;
    const before = await usedMemory(redis);
    const started = Date.now();
    for (let i = 0; i < options.targets / PER_AUTOCALL; i++) {
      dataOf(
        await client.POST('/v1/autocalls', {
          body: { mode: 'sequential', skill: 'sales', targets: numbers(PER_AUTOCALL, `+1${212 + i}`) },
        }),
      );
    }
    let heldTargets = 0;
    await waitFor(
      'every target held',
      async () => {
        const now = await held.getJobCountByTypes('prioritized', 'wait');
        const settled = now === heldTargets && now >= options.targets - 10;
        heldTargets = now;
        return settled;
      },
      120_000,
      1_000,
    );
    const seconds = (Date.now() - started) / 1000;
    const after = await usedMemory(redis);
    const keys = await allKeys(redis);
    // The job keys are the ones added; the rest are the pool's and the tenant's.
    const fresh = keys.length - keysBefore;
    const sizes = new Map<string, number>();
    for (const key of keys) {
      if ((await redis.type(key)) === 'hash' && (await redis.hexists(key, 'priority'))) continue; // a job
      sizes.set(key, Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')));
    }
    const jobKeys = keys.filter((key) => !sizes.has(key)).slice(0, 1_000);
    let jobBytes = 0;
    // How the sample's sizes spread, with their encodings (a hash past 64-byte values is no listpack).
    const spread = new Map<string, number>();
    for (const key of jobKeys) {
      const bytes = Number(await redis.call('MEMORY', 'USAGE', key));
      jobBytes += bytes;
      const kind = `${bytes} B ${String(await redis.call('OBJECT', 'ENCODING', key))}`;
      spread.set(kind, (spread.get(kind) ?? 0) + 1);
    }
    const sample = jobKeys[0];
    const round = (n: number) => Math.round(n);
    return {
      submitted: options.targets,
      heldTargets,
      seconds: Math.round(seconds * 10) / 10,
      usedMemoryBytes: { before, after },
      bytesPerHeldTarget: round((after - before) / heldTargets),
      keysAdded: fresh,
      jobKeyBytes: round(jobBytes / jobKeys.length),
      jobKeySizes: Object.fromEntries([...spread].sort((x, y) => y[1] - x[1])),
      sampleJob: { key: sample, fields: await redis.hgetall(sample) },
      largestOtherKeys: [...sizes]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([key, bytes]) => `${key}: ${bytes} B (${round(bytes / heldTargets)} per target)`),
    };
  } finally {
    await redis.quit();
    await engine.stop();
    await redisServer.stop();
  }
}

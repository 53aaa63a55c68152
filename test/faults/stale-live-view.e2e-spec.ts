import type { Cluster } from 'ioredis';
import type Redis from 'ioredis';
import { PrismaService } from '../../libs/database/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { agentOverlaps, auditTenant, expectNoDoubleDial, sleep, workerCounter } from '../support/fault-audit';

/**
 * Redis's live view is an admission cache: it may be lost, restored late or restored wrong, and the
 * bounds must hold anyway, because PostgreSQL decides them (dial-bounds.ts). Each case here makes
 * the view wrong on purpose, again and again while the engine dials, in the very way the engine
 * review found a restore can leave it:
 *
 * - defect 7: a restore misses a bridge in progress, so the agent whose phone is ringing for one
 *   caller is shown available and unreserved; another caller is then handed that agent;
 * - a restore that misses calls in progress (a dial committed after the restorer read PostgreSQL):
 *   their lines look free, and Redis admits more dials than the trunk has lines.
 *
 * Calls here run in real time (the simulator's time scale is 1): an agent takes 0.6 s to answer.
 */
describe('a live view in Redis that is wrong', () => {
  let engine: EngineHarness;
  let prisma: PrismaService;
  let redis: Redis | Cluster;
  const tagOf = (tenant: TestTenant) => `${engine.api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}`;

  beforeAll(async () => {
    engine = await EngineHarness.start('stale_live_view', {
      ...EVERY_CALL_ANSWERED,
      SIMULATOR_SEED: 'stale-live-view',
      SIMULATOR_TIME_SCALE: '1',
      SIMULATOR_RING_SECONDS_MEAN: '1',
      SIMULATOR_TALK_SECONDS_MEAN: '2',
      SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
      SIMULATOR_PATIENCE_SECONDS_MEAN: '600',
      MAX_WAIT_SECONDS: '8',
      // Waiting callers are offered free agents five times a second.
      DISPATCH_SWEEP_INTERVAL_MS: '200',
    });
    prisma = engine.api.app.get(PrismaService);
    redis = engine.api.redis;
  });
  afterAll(() => engine.stop());

  /** Runs `lie` every few milliseconds until `done` settles; returns how often it changed something. */
  async function lyingUntil(done: Promise<unknown>, lie: () => Promise<number>): Promise<number> {
    let finished = false;
    void done.finally(() => (finished = true)).catch(() => undefined);
    let lies = 0;
    while (!finished) {
      lies += await lie();
      await sleep(5);
    }
    await done;
    return lies;
  }

  it('never puts an agent on a second call when Redis forgets the bridge in progress (defect 7)', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 8, skill: 'sales', agents: 1, prefix: 'sv' });
    const tag = tagOf(tenant);
    // What a restore that missed the bridge leaves: the agent whose phone is ringing for a caller
    // is available and reserved for nobody. Returns 1 when it found a bridge to forget.
    const forgetBridge = `
      local key = KEYS[1]
      if not redis.call('HGET', key, 'bridging') then return 0 end
      redis.call('HDEL', key, 'reservedFor', 'bridging')
      if redis.call('HGET', key, 'state') == 'available' then
        redis.call('ZADD', KEYS[2], redis.call('HGET', key, 'since') or '0', ARGV[1])
      end
      return 1`;
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      // Lines alone: answered callers wait for the one agent.
      checks: { freeLines: { reserve: 0 }, freeAgents: null, callStop: false },
      targets: numbers(16, '+4420'),
    });
    let refusedSeen = 0;
    const lies = await lyingUntil(engine.finished(tenant, submitted.id, 120_000), async () => {
      if (await redis.sismember(`${tag}:withdrawn`, 'sv-0')) refusedSeen += 1;
      return Number(await redis.eval(forgetBridge, 2, `${tag}:agent:sv-0`, `${tag}:available:sales`, 'sv-0'));
    });

    // No agent on two calls; the window was made, and PostgreSQL refused the agent to another
    // caller at least once.
    expect(await agentOverlaps(prisma, tenant.tenantId)).toEqual([]);
    expect(lies).toBeGreaterThan(0);
    expect(refusedSeen).toBeGreaterThan(0);
    const connected = await prisma.contact.count({ where: { tenantId: tenant.tenantId, connectedAt: { not: null } } });
    expect(connected).toBeGreaterThan(1);
    await auditTenant(engine, tenant, { lines: 8, webhooks: false });
    await expectNoDoubleDial(engine, tenant);
  });

  it('never dials past the lines when Redis forgets calls in progress', async () => {
    const LINES = 4;
    const tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'care', agents: 4, prefix: 'sl' });
    const tag = tagOf(tenant);
    // What a restore that missed calls leaves: calls in progress hold no line in Redis (here the
    // calls an agent has taken, as PostgreSQL says, so that the callers are served as usual).
    // KEYS: contacts. ARGV: tag, then the connected contacts' ids.
    const forgetCalls = `
      local forgotten = 0
      for i = 2, #ARGV do
        local key = ARGV[1] .. ':contact:' .. ARGV[i]
        local placed = redis.call('HGET', key, 'placed')
        if placed == '1' or placed == 's' then
          redis.call('DEL', key)
          redis.call('ZREM', KEYS[1], ARGV[i])
          forgotten = forgotten + 1
        end
      end
      return forgotten`;
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'care',
      checks: { freeLines: { reserve: 0 }, freeAgents: null, callStop: false },
      targets: numbers(24, '+4421'),
    });
    let peak = 0;
    const lies = await lyingUntil(engine.finished(tenant, submitted.id, 120_000), async () => {
      const live = await prisma.contact.findMany({
        where: { tenantId: tenant.tenantId, status: { not: 'ended' } },
        select: { id: true, status: true },
      });
      peak = Math.max(peak, live.length);
      const connected = live.filter((c) => c.status === 'connected').map((c) => c.id);
      if (!connected.length) return 0;
      return Number(await redis.eval(forgetCalls, 1, `${tag}:contacts`, tag, ...connected));
    });

    expect(lies).toBeGreaterThan(0);
    expect(peak).toBe(LINES);
    const { body } = await engine.http().get(`/v1/autocalls/${submitted.id}`).set(bearer(tenant.adminKey)).expect(200);
    expect(body.status).toBe('completed');
    await auditTenant(engine, tenant, { lines: LINES, webhooks: false });
    await expectNoDoubleDial(engine, tenant);
  });

  it('keeps list order when PostgreSQL refuses dials Redis admitted (defect 10)', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 1, skill: 'order', agents: 2, prefix: 'so' });
    const tag = tagOf(tenant);
    // Redis's view says two lines where PostgreSQL has one: while a call is up, Redis admits the
    // next dial, which PostgreSQL refuses, and the target goes back to its queue. It must go back to
    // its place, not behind the targets after it. (One dial over at a time: with more, the dials in
    // flight when one is refused could pass it, which is not what this case is about.)
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'order',
      checks: { freeLines: { reserve: 0 }, freeAgents: null, callStop: false },
      targets: numbers(8, '+4422'),
    });
    const lies = await lyingUntil(engine.finished(tenant, submitted.id, 120_000), async () => {
      await redis.hset(`${tag}:lines`, 'capacity', '2');
      return 1;
    });
    expect(lies).toBeGreaterThan(0);
    const refused = await workerCounter(
      engine.workerUrl(engine.workers[0]),
      'autocall_dials_refused_total',
      tenant.tenantId,
    );
    expect(refused).toBeGreaterThan(0);
    const dialed = await prisma.$queryRaw<{ position: number }[]>`
      SELECT t.position FROM contacts c JOIN targets t ON t.id = c.target_id
      WHERE c.tenant_id = ${tenant.tenantId}::uuid ORDER BY c.id`;
    expect(dialed.map((d) => d.position)).toEqual([...Array(8).keys()]);
    await auditTenant(engine, tenant, { lines: 1, webhooks: false });
    await expectNoDoubleDial(engine, tenant);
  });
});

import { randomUUID } from 'node:crypto';
import { AgentLiveView } from '../../libs/agents/src/agent-live-view';
import { AppConfig } from '../../libs/config/src';
import { CapacityService } from '../../libs/dialing/src/capacity.service';
import { PacingStore } from '../../libs/dialing/src/pacing/pacing-store';
import { Queues } from '../../libs/dialing/src/queues';
import { PoolWakeUps, RateLimiter, RedisService } from '../../libs/redis/src';
import { keySlot } from '../../libs/redis/src/key-slot';
import { RedisClusterServer } from '../support/redis-cluster';

/**
 * Every Lua script of AutoCall, run on a real Redis Cluster (three masters, three replicas). A
 * cluster node refuses a script that touches a key of another slot than its declared keys' ("Script
 * attempted to access keys that do not hash to the same slot") or of a slot it does not serve:
 * each script here runs for tenants whose keys live on different masters, through every branch
 * that touches keys (reserve, wait, serve, release, withdraw, pacing), and must answer as on one
 * Redis.
 */
describe('the Lua scripts on a Redis Cluster', () => {
  let cluster: RedisClusterServer;
  let redis: RedisService;
  let capacity: CapacityService;
  let pacing: PacingStore;
  let agents: AgentLiveView;
  let limiter: RateLimiter;

  beforeAll(async () => {
    cluster = await RedisClusterServer.start();
    const config = AppConfig.fromEnvironment({
      NODE_ENV: 'test',
      REDIS_CLUSTER_NODES: cluster.seeds,
      REDIS_KEY_PREFIX: 'scripts',
      LOG_LEVEL: 'silent',
    });
    redis = new RedisService(config);
    await redis.onModuleInit();
    capacity = new CapacityService(redis, new Queues(redis, config, new PoolWakeUps(redis)));
    pacing = new PacingStore(redis);
    agents = new AgentLiveView(redis, new PoolWakeUps(redis));
    limiter = new RateLimiter(redis);
  });
  afterAll(async () => {
    await redis?.onModuleDestroy();
    await cluster?.stop();
  });

  /** Tenants whose tags are served by three different masters. */
  async function tenantsOnEveryMaster(): Promise<string[]> {
    const client = redis.client as import('ioredis').Cluster;
    const byMaster = new Map<string, string>();
    while (byMaster.size < 3) {
      const tenantId = randomUUID();
      const slot = keySlot(redis.keys.lines(tenantId));
      const node = client.slots[slot]?.[0];
      if (node && !byMaster.has(node)) byMaster.set(node, tenantId);
    }
    return [...byMaster.values()];
  }

  it('runs every script, for tenants on every master, as on a single Redis', async () => {
    const since = new Date('2026-01-01T00:00:00Z');
    for (const tenantId of await tenantsOnEveryMaster()) {
      await redis.client.hset(redis.keys.lines(tenantId), 'capacity', '5');
      for (const agentId of ['a1', 'a2']) {
        expect(
          await agents.apply({
            tenantId,
            agentId,
            state: 'available',
            version: 1,
            skills: ['sales', 'care'],
            reason: null,
            since,
          }),
        ).toBe(true);
      }
      const checks = { freeLines: { reserve: 0 }, freeAgents: { reserve: 0 }, callStop: false };
      // Reserve with an agent, claim it, release it.
      const first = await capacity.reserve(tenantId, 'c1', 'sales', checks, 'w1');
      expect(first).toMatchObject({ ok: true });
      expect(await capacity.claimAgent(tenantId, 'c1', 'sales')).toBe((first as { agentId: string }).agentId);
      expect(await capacity.reassert(tenantId, 'c1', 'w1')).toBe(true);
      expect(await capacity.releaseAgent(tenantId, 'c1')).toBe(true);
      expect(await capacity.release(tenantId, 'c1')).toBe(true);
      // A caller waits and is served by its worker.
      await capacity.reserve(tenantId, 'c2', 'sales', { ...checks, freeAgents: null }, 'w1');
      await capacity.enterWaiting(tenantId, 'c2', 'sales', since, 'w1');
      await capacity.renewOwnerLease(tenantId, 'w1');
      const served = await capacity.serveWaiting(tenantId, 'sales', 'w1');
      expect(served).toMatchObject({ contactId: 'c2' });
      expect(await capacity.releaseUndialed(tenantId, 'c2')).toBe(true);
      // An owned callback's agent; a restore after a loss.
      expect(await capacity.reserveAgent(tenantId, 'c3', 'care', 'a2', 'w1')).toEqual({ ok: true, agentId: 'a2' });
      expect(await capacity.release(tenantId, 'c3')).toBe(true);
      expect(
        await capacity.restore(tenantId, {
          id: 'c4',
          skill: 'sales',
          status: 'waiting',
          agentId: null,
          answeredAt: since,
          predictive: false,
        }),
      ).toBe(true);
      expect(await capacity.release(tenantId, 'c4')).toBe(true);
      // Withdrawn agents go back when PostgreSQL says they are free.
      await capacity.withdrawAgent(tenantId, 'a1');
      expect(await capacity.withdrawnAgents(tenantId)).toEqual(['a1']);
      expect(await capacity.returnWithdrawn(tenantId, [{ id: 'a1', free: true }])).toBe(1);
      // Pacing: lease, snapshot, budgets, a paced dial, release.
      expect(await pacing.lead(tenantId, 'sales', 'w1', 5_000)).toBe(true);
      expect(await pacing.lead(tenantId, 'care', 'w1', 5_000)).toBe(true);
      const snapshot = await pacing.snapshot(tenantId, ['sales', 'care']);
      expect(snapshot.agents).toHaveLength(2);
      const decision = {
        mode: 'predictive',
        reason: 'test',
        expectedFreeAgents: 1,
        expectedAnswersInFlight: 0,
      } as unknown as Parameters<PacingStore['setBudgets']>[3];
      expect(
        await pacing.setBudgets(
          tenantId,
          'w1',
          [
            { skill: 'sales', dialedSeen: 0, dials: 2 },
            { skill: 'care', dialedSeen: 0, dials: 1 },
          ],
          decision,
          5_000,
        ),
      ).toEqual([2, 1]);
      expect(await capacity.reservePaced(tenantId, 'c5', 'sales', checks, 'w1')).toEqual({ ok: true, agentId: null });
      expect(await capacity.releaseUndialed(tenantId, 'c5')).toBe(true);
      await pacing.release(tenantId, 'care', 'w1');
      await limiter.hit(tenantId, 'test', 10, 60);
      // Everything given back.
      expect(await capacity.liveContacts(tenantId)).toEqual([]);
      expect(await agents.availableAgents(tenantId, 'sales')).toHaveLength(2);
    }
  });
});

import { Injectable } from '@nestjs/common';
import { PoolWakeUps, RedisService, WokenPool } from '@autocall/redis';
import { AgentState } from './agent-state';

/** What the live view knows of one agent; PostgreSQL holds the same, and is the truth. */
export interface AgentSnapshot {
  tenantId: string;
  agentId: string;
  state: AgentState;
  version: number;
  skills: string[];
  reason: string | null;
  since: Date;
}

// Applies a snapshot only if it is newer than what Redis holds, so concurrent writers and a
// rebuild racing live updates converge on PostgreSQL's latest version. Logged-out agents stay as
// tombstones carrying their version, out of the set of logged-in agents. Skill keys share the tenant's hash tag (ARGV[1]).
// Returns 0 (not newer), 1 (applied) or 2 (applied, and the agent is now in its skills' available sets).
const APPLY_AGENT_SNAPSHOT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
local version = tonumber(ARGV[4])
if current >= version then return 0 end
local previous = redis.call('HGET', KEYS[1], 'skills')
if previous then
  for skill in string.gmatch(previous, '[^,]+') do
    redis.call('ZREM', ARGV[1] .. ':available:' .. skill, ARGV[2])
  end
end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'version', ARGV[4], 'skills', ARGV[5], 'reason', ARGV[6], 'since', ARGV[7])
-- The set holds logged-in agents only (what the pacing snapshot and the metrics walk); a logged-out
-- agent's hash stays as a tombstone with its version.
if ARGV[3] == 'logged_out' then redis.call('SREM', KEYS[2], ARGV[2]) else redis.call('SADD', KEYS[2], ARGV[2]) end
if ARGV[3] == 'available' then
  -- An agent reserved for a dial stays out of the available sets until the reservation ends.
  if not redis.call('HGET', KEYS[1], 'reservedFor') then
    for skill in string.gmatch(ARGV[5], '[^,]+') do
      redis.call('ZADD', ARGV[1] .. ':available:' .. skill, ARGV[7], ARGV[2])
    end
    return 2
  end
else
  -- Leaving 'available' (unavailable, logged out, on a call) ends any reservation, except that an
  -- agent going unavailable while a call is being connected to it (its phone is ringing: the
  -- 'bridging' mark) keeps that call: dropping it would let a second call be bridged to the same
  -- agent. The reservation then ends with the bridge (connected, failed, or the call over).
  local bridging = redis.call('HGET', KEYS[1], 'bridging')
  if not (ARGV[3] == 'unavailable' and bridging and bridging == redis.call('HGET', KEYS[1], 'reservedFor')) then
    redis.call('HDEL', KEYS[1], 'reservedFor', 'bridging')
  end
end
return 1
`;

type LiveViewRedis = {
  applyAgentSnapshot(keys: [string, string], ...args: string[]): Promise<number>;
};

/**
 * The live agent view in Redis: who is available for which skill, right now. An agent made
 * available wakes their skills' pools (a wake-up each in the deployment's list, PoolWakeUps), from
 * here: no worker has to lead, or even run, for the dialing engine to learn of them.
 */
@Injectable()
export class AgentLiveView {
  constructor(
    private readonly redis: RedisService,
    private readonly wakeUps: PoolWakeUps,
  ) {
    if (!('applyAgentSnapshot' in redis.client)) {
      redis.client.defineCommand('applyAgentSnapshot', { numberOfKeys: 2, lua: APPLY_AGENT_SNAPSHOT });
    }
  }

  /**
   * Returns false when Redis already holds this or a newer version. A wake-up lost after the
   * snapshot is applied (Redis lost between the two) is made up by the dispatchers' sweep.
   * `alsoWake`: pools to wake in the same round trip whatever the snapshot does (a call's end that
   * freed its line tells its pool with its agent's change: one wake-up, not two).
   */
  async apply(snapshot: AgentSnapshot, alsoWake: WokenPool[] = []): Promise<boolean> {
    const { keys } = this.redis;
    const at = Date.now();
    const applied = await (this.redis.client as unknown as LiveViewRedis)
      .applyAgentSnapshot(
        [keys.agent(snapshot.tenantId, snapshot.agentId), keys.agents(snapshot.tenantId)],
        keys.tenantTag(snapshot.tenantId),
        snapshot.agentId,
        snapshot.state,
        String(snapshot.version),
        snapshot.skills.join(','),
        snapshot.reason ?? '',
        String(snapshot.since.getTime()),
      )
      .catch(async (error: unknown) => {
        // The pools asked for are woken even when the agent's change could not be told.
        if (alsoWake.length) await this.wakeUps.leave(alsoWake, at).catch(() => undefined);
        throw error;
      });
    // The snapshot stands whether or not its wake-ups could be left: a caller that retries on a
    // throw would find it applied, and leave none.
    const pools = applied === 2 ? snapshot.skills.map((skill) => ({ tenantId: snapshot.tenantId, skill })) : [];
    for (const pool of alsoWake)
      if (!pools.some((p) => p.tenantId === pool.tenantId && p.skill === pool.skill)) pools.push(pool);
    if (pools.length) await this.wakeUps.leave(pools, at).catch(() => undefined);
    return applied > 0;
  }

  async get(tenantId: string, agentId: string): Promise<AgentSnapshot | null> {
    const hash = await this.redis.client.hgetall(this.redis.keys.agent(tenantId, agentId));
    if (!hash.state) return null;
    return {
      tenantId,
      agentId,
      state: hash.state as AgentState,
      version: Number(hash.version),
      skills: hash.skills ? hash.skills.split(',') : [],
      reason: hash.reason || null,
      since: new Date(Number(hash.since)),
    };
  }

  /** Available agents with the skill, longest idle first. */
  async availableAgents(tenantId: string, skill: string): Promise<string[]> {
    return this.redis.client.zrange(this.redis.keys.availableAgents(tenantId, skill), '0', '-1');
  }

  async countAvailable(tenantId: string, skill: string): Promise<number> {
    return this.redis.client.zcard(this.redis.keys.availableAgents(tenantId, skill));
  }
}

import { PoolWakeUps, RedisService } from '../../libs/redis/src';

/**
 * Reads back the wake-ups left in the deployment's list where no dispatcher runs to take them (an
 * API-only harness): `skillsOf(tenant)` takes every wake-up there is (a second with none ends it)
 * and names the skills of that tenant's pools woken, sorted. `close()` when done.
 */
export function wakeUpReader(redis: RedisService): { skillsOf(tenantId: string): Promise<string[]>; close(): void } {
  const wakeUps = new PoolWakeUps(redis);
  const blocking = redis.connect('test-wake-ups');
  return {
    async skillsOf(tenantId) {
      const skills: string[] = [];
      for (let woken = await wakeUps.take(blocking, 1); woken; woken = await wakeUps.take(blocking, 1))
        if (woken.pool.tenantId === tenantId) skills.push(woken.pool.skill);
      return skills.sort();
    },
    close: () => blocking.disconnect(),
  };
}

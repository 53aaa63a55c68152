import { Injectable } from '@nestjs/common';
import { TooManyRequestsError } from '@autocall/common';
import { RedisService } from './redis.service';

// Fixed window counter; returns 0 when allowed, else the milliseconds until the window ends.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
  return ttl
end
return 0
`;

type RateLimitRedis = { rateLimitHit(key: string, limit: string, windowMs: string): Promise<number> };

/**
 * Per-tenant rate limits kept in Redis, so they hold across API replicas and restarts.
 */
@Injectable()
export class RateLimiter {
  constructor(private readonly redis: RedisService) {
    if (!('rateLimitHit' in redis.client)) redis.client.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT });
  }

  /** Counts one use; throws TooManyRequestsError (with Retry-After seconds) past the limit. */
  async hit(tenantId: string, action: string, limit: number, windowSeconds: number): Promise<void> {
    const waitMs = await (this.redis.client as unknown as RateLimitRedis).rateLimitHit(
      this.redis.keys.rateLimit(tenantId, action),
      String(limit),
      String(windowSeconds * 1000),
    );
    if (waitMs > 0) throw new TooManyRequestsError(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}

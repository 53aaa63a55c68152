import Redis from 'ioredis';
import { redisLedger } from '../../apps/worker/src/engine/telephony.provider';
import type { RedisService } from '../../libs/redis/src';
import { REDIS_URL } from '../support/api-harness';
import { uniqueName } from '../support/databases';

/**
 * The simulator's carrier ledger (one claim per placed call, shared by every worker) on a real
 * Redis. The window found by the fault suite (Redis clients killed every second): a claim's SET
 * reached Redis but its reply was lost with the connection, and the SET sent again found the
 * claim; read as another worker's, the call was never placed and its contact stayed `dialing`.
 */
describe('the originate ledger', () => {
  let redis: Redis;
  const prefix = uniqueName('ledger');

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  /** A RedisService whose next command is carried out but its reply is lost, `lost` times. */
  function losingReplies(lost: number): RedisService {
    const client = {
      call: async (...args: [string, ...string[]]) => {
        const reply = await redis.call(...args);
        if (lost-- > 0) throw Object.assign(new Error('Connection is closed.'), { code: 'ECONNRESET' });
        return reply;
      },
      del: (key: string) => redis.del(key),
    };
    return { client } as unknown as RedisService;
  }

  it('claims a call once its SET is through, even when the reply was lost and the SET sent again', async () => {
    const ledger = redisLedger(losingReplies(1), prefix, 'worker-a');
    expect(await ledger.claim('call-1')).toBe(true);
  });

  it("refuses another worker's claim, and claims again once the call is forgotten", async () => {
    const a = redisLedger(losingReplies(0), prefix, 'worker-a');
    const b = redisLedger(losingReplies(0), prefix, 'worker-b');
    expect(await a.claim('call-2')).toBe(true);
    expect(await b.claim('call-2')).toBe(false);
    expect(await a.claim('call-2')).toBe(true);
    await a.forget('call-2');
    expect(await b.claim('call-2')).toBe(true);
  });
});

import { Provider } from '@nestjs/common';
import { AppConfig } from '@autocall/config';
import { RedisService } from '@autocall/redis';
import { OriginateLedger, TelephonyPort, TelephonySimulator } from '@autocall/telephony';

const LEDGER_TTL_SECONDS = 7 * 86_400;

/** The carrier's memory of placed calls, shared by every worker (see OriginateLedger). */
export function redisLedger(redis: RedisService, prefix: string): OriginateLedger {
  return {
    async claim(callId) {
      const claimed = await redis.client.set(
        `${prefix}:telephony:placed:${callId}`,
        '1',
        'EX',
        LEDGER_TTL_SECONDS,
        'NX',
      );
      return claimed === 'OK';
    },
    async countPrevious(to) {
      const key = `${prefix}:telephony:attempts:${to}`;
      const count = await redis.client.incr(key);
      await redis.client.expire(key, LEDGER_TTL_SECONDS);
      return count - 1;
    },
  };
}

export const telephonyProvider: Provider = {
  provide: TelephonyPort,
  inject: [AppConfig, RedisService],
  useFactory: (config: AppConfig, redis: RedisService): TelephonyPort => {
    if (config.get('TELEPHONY') === 'sip') {
      throw new Error('TELEPHONY=sip: the SIP adapter is not available yet; use the simulator');
    }
    return new TelephonySimulator(
      {
        seed: config.get('SIMULATOR_SEED'),
        timeScale: config.get('SIMULATOR_TIME_SCALE'),
        answerProbability: config.get('SIMULATOR_ANSWER_PROBABILITY'),
        busyRate: config.get('SIMULATOR_BUSY_RATE'),
        failureRate: config.get('SIMULATOR_FAILURE_RATE'),
        unreachableRate: config.get('SIMULATOR_UNREACHABLE_RATE'),
        machineShare: config.get('SIMULATOR_MACHINE_SHARE'),
        ringSecondsMean: config.get('SIMULATOR_RING_SECONDS_MEAN'),
        talkSecondsMean: config.get('SIMULATOR_TALK_SECONDS_MEAN'),
        patienceSecondsMean: config.get('SIMULATOR_PATIENCE_SECONDS_MEAN'),
        agentAnswerSeconds: 0.6,
        messageSeconds: 4,
      },
      redisLedger(redis, config.get('REDIS_KEY_PREFIX')),
    );
  },
};

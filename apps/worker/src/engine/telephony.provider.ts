import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Provider } from '@nestjs/common';
import { untilAvailable } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import { RedisService } from '@autocall/redis';
import {
  detectionPattern,
  OriginateLedger,
  parseDispositionShares,
  SipDialogStore,
  SipTrunkTelephony,
  TelephonyPort,
  TelephonySimulator,
  TrunkInviteLog,
  TrunkRestBoard,
} from '@autocall/telephony';
import { postgresDialogStore } from './sip-dialogs';
import { WorkerIdentity } from './worker-identity';

// A claim lives while its call does (it is forgotten when the call ends); at most this long if
// the end could not reach Redis.
const LEDGER_TTL_SECONDS = 3_600;

/**
 * The carrier's memory of placed calls, shared by every worker (see OriginateLedger). It waits out
 * a Redis outage: an originate that failed on it would end a call that was never placed as failed.
 *
 * A claim holds its claimant's token, and claiming again what this ledger claimed already answers
 * yes: a SET whose reply was lost with its connection is sent again (by ioredis on reconnect, or by
 * the retry here), and must not find its own claim and take it for another worker's. Otherwise the
 * call is never placed while its contact stays `dialing`, held by this worker, for ever.
 */
export function redisLedger(redis: RedisService, prefix: string, claimant: string = randomUUID()): OriginateLedger {
  return {
    async claim(callId) {
      const previous = await untilAvailable(() =>
        redis.client.call(
          'SET',
          `${prefix}:telephony:placed:${callId}`,
          claimant,
          'EX',
          String(LEDGER_TTL_SECONDS),
          'NX',
          'GET',
        ),
      );
      return previous === null || previous === claimant;
    },
    async forget(callId) {
      await redis.client.del(`${prefix}:telephony:placed:${callId}`);
    },
  };
}

// The simulated carriers keep the INVITEs they received this long (tests read them back).
const INVITE_LOG_MS = 600_000;

/**
 * The simulated carriers' log of new INVITEs by trunk, in Redis (every worker's dials reach the
 * same carrier), stamped by Redis's clock: a sorted set of Call-IDs by the instant they first
 * arrived. A Call-ID seen before is a retransmission, not a new call.
 */
const RECEIVE_INVITE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], 'NX', now, ARGV[1])
return redis.call('ZCOUNT', KEYS[1], now - 999, now)
`;

export const simulatedTrunkInvitesKey = (prefix: string, trunk: string) => `${prefix}:simulator:trunk-invites:${trunk}`;

export function redisInviteLog(redis: RedisService, prefix: string): TrunkInviteLog {
  return {
    async receive(trunk, callId) {
      const count = await untilAvailable(() =>
        redis.client.eval(RECEIVE_INVITE, 1, simulatedTrunkInvitesKey(prefix, trunk), callId, String(INVITE_LOG_MS)),
      );
      return Number(count);
    },
  };
}

/**
 * The trunk rests of every worker's SIP adapter, over a Redis channel (<prefix>:events:trunk-rests,
 * "<ms>|<trunk>"): a rest is a duration, so that workers' clocks need not agree. A rest lost with
 * Redis leaves PostgreSQL's pause, which keeps new dials off the trunk, as the bound.
 */
export function redisTrunkRests(redis: RedisService, prefix: string): TrunkRestBoard {
  const channel = `${prefix}:events:trunk-rests`;
  return {
    announce(trunkKey, restMs) {
      void redis.client.publish(channel, `${Math.round(restMs)}|${trunkKey}`).catch(() => undefined);
    },
    subscribe(listener) {
      const subscriber = redis.connect('trunk-rests');
      void subscriber.subscribe(channel).catch(() => undefined);
      subscriber.on('message', (_channel: string, message: string) => {
        const split = message.indexOf('|');
        const ms = Number(message.slice(0, split));
        if (split > 0 && ms > 0) listener(message.slice(split + 1), ms);
      });
      return () => subscriber.disconnect();
    },
  };
}

export const telephonyProvider: Provider = {
  provide: TelephonyPort,
  inject: [AppConfig, RedisService, PrismaService, WorkerIdentity],
  useFactory: async (
    config: AppConfig,
    redis: RedisService,
    prisma: PrismaService,
    identity: WorkerIdentity,
  ): Promise<TelephonyPort> => {
    if (config.get('TELEPHONY') === 'sip')
      return sipTrunk(
        config,
        postgresDialogStore(prisma, identity.id),
        redisTrunkRests(redis, config.get('REDIS_KEY_PREFIX')),
      );
    // Its calls stop with the process (Nest calls onApplicationShutdown), as the network's would.
    const Simulator = class extends TelephonySimulator {
      onApplicationShutdown(): void {
        this.shutdown();
      }
    };
    return new Simulator(
      {
        seed: config.get('SIMULATOR_SEED'),
        timeScale: config.get('SIMULATOR_TIME_SCALE'),
        answerProbability: config.get('SIMULATOR_ANSWER_PROBABILITY'),
        busyRate: config.get('SIMULATOR_BUSY_RATE'),
        failureRate: config.get('SIMULATOR_FAILURE_RATE'),
        unreachableRate: config.get('SIMULATOR_UNREACHABLE_RATE'),
        machineShare: config.get('SIMULATOR_MACHINE_SHARE'),
        detection: config.get('SIMULATOR_DETECTION'),
        detectionUnknownShare: config.get('SIMULATOR_DETECTION_UNKNOWN_SHARE'),
        ringSecondsMean: config.get('SIMULATOR_RING_SECONDS_MEAN'),
        talkSecondsMean: config.get('SIMULATOR_TALK_SECONDS_MEAN'),
        patienceSecondsMean: config.get('SIMULATOR_PATIENCE_SECONDS_MEAN'),
        agentAnswerSeconds: 0.6,
        messageSeconds: 4,
        wrapUpSecondsMean: config.get('SIMULATOR_WRAP_UP_SECONDS_MEAN'),
        dispositions: parseDispositionShares(config.get('SIMULATOR_DISPOSITIONS')),
        trunks: config.get('SIMULATOR_TRUNKS'),
      },
      redisLedger(redis, config.get('REDIS_KEY_PREFIX')),
      undefined,
      redisInviteLog(redis, config.get('REDIS_KEY_PREFIX')),
    );
  },
};

/**
 * TELEPHONY=sip: the worker is a SIP user agent client of the configured trunk. The engine's
 * placing claim already keeps two workers from placing one contact; the adapter is idempotent per
 * callId within the process. It stores its calls' dialogs in PostgreSQL, so that another worker
 * can hang them up should this one die. On shutdown it closes its socket (Nest calls
 * onApplicationShutdown).
 */
async function sipTrunk(config: AppConfig, dialogs: SipDialogStore, rests: TrunkRestBoard): Promise<TelephonyPort> {
  const proxy = config.get('SIP_OUTBOUND_PROXY');
  const domain = config.get('SIP_DOMAIN') ?? /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;]+)/.exec(proxy ?? '')?.[1];
  const caFile = config.get('SIP_TLS_CA');
  const adapter = new (class extends SipTrunkTelephony {
    onApplicationShutdown(): Promise<void> {
      return this.shutdown();
    }
  })(
    {
      outboundProxy: proxy,
      transport: config.get('SIP_TRANSPORT'),
      // The file was checked at boot (libs/config).
      tls: { verify: config.get('SIP_TLS_VERIFY'), ca: caFile ? readFileSync(caFile, 'utf8') : undefined },
      localAddress: config.get('SIP_LOCAL_ADDRESS'),
      localPort: config.get('SIP_LOCAL_PORT'),
      publicAddress: config.get('SIP_PUBLIC_ADDRESS'),
      domain: domain ?? 'localhost',
      username: config.get('SIP_USERNAME'),
      password: config.get('SIP_PASSWORD'),
      callerId: config.get('SIP_CALLER_ID'),
      agentRingTimeoutSeconds: config.get('SIP_AGENT_RING_TIMEOUT_SECONDS'),
      cancelGuardSeconds: config.get('SIP_CANCEL_GUARD_SECONDS'),
      maxCallSeconds: config.get('SIP_MAX_CALL_SECONDS'),
      announcementUri: config.get('SIP_ANNOUNCEMENT_URI'),
      announcementMaxSeconds: config.get('SIP_ANNOUNCEMENT_MAX_SECONDS'),
      t1Ms: config.get('SIP_T1_MS'),
      optionsIntervalSeconds: config.get('SIP_OPTIONS_INTERVAL_SECONDS'),
      trace: config.get('SIP_TRACE'),
      detection: {
        header: config.get('SIP_DETECTION_HEADER'),
        machine: detectionPattern(config.get('SIP_DETECTION_MACHINE')),
        human: detectionPattern(config.get('SIP_DETECTION_HUMAN')),
        unknown: detectionPattern(config.get('SIP_DETECTION_UNKNOWN')),
        resultAfterAnswer: config.get('SIP_DETECTION_AFTER_ANSWER'),
      },
    },
    dialogs,
    rests,
  );
  await adapter.start();
  return adapter;
}

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { erasureHashKeySetting, secretsKeysSetting } from './secrets-keys';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "0,5s,5m,30m,2h" → milliseconds. */
const durationList = z
  .string()
  .regex(/^\s*\d+(\.\d+)?(ms|s|m|h)?(\s*,\s*\d+(\.\d+)?(ms|s|m|h)?)*\s*$/, 'must be durations like 0,5s,5m,2h')
  .transform((v) =>
    v.split(',').map((part) => {
      const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(part.trim())!;
      return Math.round(Number(amount) * DURATION_UNITS[unit ?? 's']);
    }),
  )
  .refine((list) => list.length >= 1 && list.length <= 20, 'must list 1 to 20 attempts');

/**
 * "carrier-a.example=2/2,carrier-b.example:5070=50" → the simulated carriers by trunk target: each
 * accepts that many new INVITEs per sliding second and answers the excess 503 (with Retry-After
 * in seconds after the slash, if any).
 */
const simulatedTrunks = z
  .string()
  .regex(
    /^\s*([^=,\s]+=\d+(\/\d+(\.\d+)?)?)?(\s*,\s*[^=,\s]+=\d+(\/\d+(\.\d+)?)?)*\s*$/,
    'must be target=callsPerSecond[/retryAfterSeconds],…',
  )
  .transform((v) =>
    Object.fromEntries(
      v
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => {
          const [target, limit] = part.split('=');
          const [cps, retryAfter] = limit.split('/');
          return [target, { callsPerSecond: Number(cps), retryAfterSeconds: retryAfter ? Number(retryAfter) : null }];
        }),
    ),
  );

/** "127.0.0.0/8,::1/128" → the CIDR blocks. */
const cidrList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine(
    (list) =>
      list.every((cidr) => {
        const [address, bits, extra] = cidr.split('/');
        const family = isIP(address ?? '');
        const max = family === 4 ? 32 : 128;
        return family !== 0 && extra === undefined && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= max;
      }),
    'must be CIDR blocks like 127.0.0.0/8,::1/128',
  );

const port = z.coerce.number().int().min(1).max(65535);

const sipUri = z.string().regex(/^sips?:[^\s]+$/, 'must be a SIP URI like sip:host:port');

/** A regular expression's source (checked at boot: a pattern that does not compile stops it). */
const regexSource = z
  .string()
  .min(1)
  .max(500)
  .refine((source) => {
    try {
      new RegExp(source, 'i');
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression');

/**
 * Every setting AutoCall reads from the environment, with defaults that fit the local services
 * of a development machine (PostgreSQL and Redis on 127.0.0.1). README.md lists them.
 */
const settings = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' })
    .default('postgresql://postgres@127.0.0.1:5432/autocall'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
  /**
   * Seed nodes of a Redis Cluster (`host:port,host:port,…`). When set, every queue, key and script
   * runs on the cluster and REDIS_URL is not used (see README "Redis Cluster").
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((node) => node.trim())
        .filter(Boolean),
    )
    .refine(
      (nodes) =>
        nodes.length >= 1 &&
        nodes.length <= 100 &&
        nodes.every((node) => {
          const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(node);
          return !!match && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
        }),
      'must be host:port pairs like 10.0.0.1:7000,10.0.0.2:7000',
    )
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be lower-case letters, digits and dashes')
    .default('autocall'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  WORKER_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_PORT: port.default(3001),
  TELEPHONY: z.enum(['simulator', 'sip']).default('simulator'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: lines for people when stdout is a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  BOOTSTRAP_ADMIN_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{24,128}$/, 'must be 24 to 128 letters, digits, "_" or "-"')
    .optional(),
  /**
   * Keys that encrypt secrets at rest (webhook signing secrets, the call-stop check secret):
   * `<id>:<base64 of 32 bytes>,…`, the first one current. Required in production; `npm start`
   * keeps a development key in .autocall/dev-secrets-key when it is not set.
   */
  SECRETS_KEYS: secretsKeysSetting.optional(),
  /**
   * The key of the hashes that keep erased numbers on the do-not-call list (base64 of 32 bytes).
   * Never rotated: a new key would let every erased number be dialed again. Required in
   * production; `npm start` keeps a development key in .autocall/dev-erasure-key when it is not set.
   */
  ERASURE_HASH_KEY: erasureHashKeySetting.optional(),
  /** Credentials of the service operator's Bull Board (every tenant's queues); unset: no such board. */
  OPS_USERNAME: z.string().min(1).max(100).optional(),
  OPS_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(200).optional(),
  /** AutoCall submissions per tenant and window (429 with Retry-After beyond). */
  SUBMISSION_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(120),
  SUBMISSION_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  TERMINATE_SESSION_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
  TERMINATE_SESSION_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  LIVE_VIEW_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Seconds an answered caller waits for an agent before the call is abandoned (sequential, immediate). */
  MAX_WAIT_SECONDS: z.coerce.number().min(1).max(3_600).default(30),
  /** How often each pool's pacing leader decides how many predictive calls to place. */
  PACING_TICK_MS: z.coerce.number().int().min(20).max(10_000).default(250),
  /** How often the pacer re-reads its estimates and corrects its risk from the measured abandon rate. */
  PACING_CONTROL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DISPATCH_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** A pool's queue worker (two Redis connections) is closed after this long unused; made again when needed. */
  POOL_WORKER_IDLE_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /**
   * A pending target this long past its next attempt with no job in its pool's queue lost its retry
   * (a worker killed, or Redis refusing, between the commit and the enqueue) and is held again.
   */
  RETRY_RECONCILE_GRACE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  DIAL_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(100),
  SIMULATOR_SEED: z.string().min(1).max(100).default('autocall'),
  SIMULATOR_TIME_SCALE: z.coerce.number().min(0.01).max(100_000).default(1),
  SIMULATOR_ANSWER_PROBABILITY: z.coerce.number().min(0).max(1).default(0.7),
  SIMULATOR_BUSY_RATE: z.coerce.number().min(0).max(1).default(0.08),
  SIMULATOR_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.02),
  SIMULATOR_UNREACHABLE_RATE: z.coerce.number().min(0).max(1).default(0.02),
  SIMULATOR_MACHINE_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  /** How the simulator says who answered: with the answer, or 2–4 s after it (as an INFO would). */
  SIMULATOR_DETECTION: z.enum(['on_answer', 'after_answer']).default('on_answer'),
  /** after_answer: the share of answers detection cannot tell (`unknown`). */
  SIMULATOR_DETECTION_UNKNOWN_SHARE: z.coerce.number().min(0).max(1).default(0.05),
  SIMULATOR_RING_SECONDS_MEAN: z.coerce.number().min(0.1).max(300).default(9),
  SIMULATOR_TALK_SECONDS_MEAN: z.coerce.number().min(0.1).max(36_000).default(120),
  SIMULATOR_WRAP_UP_SECONDS_MEAN: z.coerce.number().min(0).max(3_600).default(10),
  /**
   * How the simulated agents disposition their calls (tenants with disposition codes): `code:share`
   * pairs, e.g. `sale:0.3,not_interested:0.5`; the share left over never dispositions (the wrap-up
   * times out and the default code applies). Empty: no simulated agent dispositions.
   */
  SIMULATOR_DISPOSITIONS: z
    .string()
    .max(2_000)
    .regex(/^$|^[a-z0-9][a-z0-9_.-]{0,63}:(0|1|0?\.\d+)(,[a-z0-9][a-z0-9_.-]{0,63}:(0|1|0?\.\d+))*$/, 'code:share,…')
    .refine(
      (v) =>
        v
          .split(',')
          .filter(Boolean)
          .reduce((sum, pair) => sum + Number(pair.split(':')[1]), 0) <=
        1 + 1e-9,
      'the shares must add up to 1 at most',
    )
    .default(''),
  SIMULATOR_PATIENCE_SECONDS_MEAN: z.coerce.number().min(0.1).max(3_600).default(25),
  /** The simulated carriers' own call-rate limits, by trunk target (none: no limit of their own). */
  SIMULATOR_TRUNKS: simulatedTrunks.default(simulatedTrunks.parse('')),
  /**
   * When each delivery attempt of a webhook is made, after the previous one (the first is at
   * once): Standard Webhooks' schedule. After the last, the delivery is failed (retryable by hand).
   */
  WEBHOOK_RETRY_SCHEDULE: durationList.default(durationList.parse('0,5s,5m,30m,2h,5h,10h,10h')),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(2_000).default(200),
  /** Response bodies are read up to this size (the rest is dropped); 1,000 characters are kept. */
  WEBHOOK_RESPONSE_MAX_BYTES: z.coerce.number().int().min(1_024).max(10_485_760).default(65_536),
  /**
   * Private, loopback and link-local destinations are refused; these CIDR blocks are allowed all
   * the same (e.g. 127.0.0.0/8 for a receiver on the same machine). Empty by default.
   */
  WEBHOOK_ALLOWED_NETWORKS: cidrList.default([]),
  /**
   * Retention: a worker runs a pass when none finished within this many minutes (PostgreSQL's
   * clock), removing what is past each tenant's retentionDays, a batch of RETENTION_BATCH_SIZE
   * rows at a time with RETENTION_BATCH_PAUSE_MS between batches, so that dialing is not disturbed.
   */
  RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  RETENTION_BATCH_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(100),
  REQUEST_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/, 'must look like 512kb or 5mb')
    .default('5mb'),
  /** TELEPHONY=sip: the trunk, SBC (Kamailio) or PBX every INVITE is sent to (a preloaded Route). */
  SIP_OUTBOUND_PROXY: sipUri.optional(),
  /**
   * Transport to the trunk when SIP_OUTBOUND_PROXY names none: udp, tcp or tls. A `sips:` URI or
   * a `;transport=tcp|tls|udp` parameter on SIP_OUTBOUND_PROXY wins over it.
   */
  SIP_TRANSPORT: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  /** TLS: verify the trunk's certificate (chain and host name). Turn off only for a test trunk. */
  SIP_TLS_VERIFY: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * TLS: a PEM file of the CA(s) that signed the trunk's certificate (or the certificate itself),
   * trusted besides the system's. Read and checked at boot.
   */
  SIP_TLS_CA: z.string().min(1).max(4096).optional(),
  /** Where the worker's SIP user agent listens (UDP; TCP and TLS connect from the same port); 0 picks a free one. */
  SIP_LOCAL_ADDRESS: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
  SIP_LOCAL_PORT: z.coerce.number().int().min(0).max(65535).default(5080),
  /** Address written in Via and Contact when the local one is not what the trunk sees (NAT). */
  SIP_PUBLIC_ADDRESS: z.string().min(1).max(255).optional(),
  /** Host of the Request-URI (sip:+E164@domain); the outbound proxy's host by default. */
  SIP_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or address')
    .optional(),
  /** Digest credentials for 401/407 challenges of the trunk. */
  SIP_USERNAME: z.string().min(1).max(200).optional(),
  SIP_PASSWORD: z.string().min(1).max(200).optional(),
  /** From user of calls whose AutoCall has no callerId. */
  SIP_CALLER_ID: z
    .string()
    .regex(/^[A-Za-z0-9+._-]{1,64}$/, 'must be a SIP user part (letters, digits, + . _ -)')
    .default('autocall'),
  SIP_AGENT_RING_TIMEOUT_SECONDS: z.coerce.number().min(1).max(300).default(15),
  /** How long AutoCall waits for the final answer after its CANCEL before it counts the call ended. */
  SIP_CANCEL_GUARD_SECONDS: z.coerce.number().min(0.1).max(300).default(32),
  SIP_MAX_CALL_SECONDS: z.coerce.number().min(10).max(86_400).default(14_400),
  /** A media server that plays X-AutoCall-Message and hangs up; unset: abandoned calls get a bare BYE. */
  SIP_ANNOUNCEMENT_URI: sipUri.optional(),
  SIP_ANNOUNCEMENT_MAX_SECONDS: z.coerce.number().min(1).max(600).default(120),
  /** RFC 3261 T1: INVITE and non-INVITE retransmissions start at T1 and give up after 64·T1. */
  SIP_T1_MS: z.coerce.number().int().min(50).max(5_000).default(500),
  /**
   * Seconds between OPTIONS pings of the trunk: its health, in the worker's readiness and the
   * autocall_sip_trunk_up metric. 0 turns them off (the trunk then counts as up).
   */
  SIP_OPTIONS_INTERVAL_SECONDS: z.coerce.number().min(0).max(3_600).default(30),
  /** Logs every SIP message at debug level. */
  SIP_TRACE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Answering-machine detection by signalling (README "Answering machines"): the header an SBC or
   * carrier puts its result in (on the 200 OK, or on an INFO/NOTIFY after it), and the regular
   * expressions (case-insensitive) that read it as machine, human or unknown, tried in that order.
   */
  SIP_DETECTION_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9!%'*+._`~-]+$/, 'must be a SIP header name')
    .default('X-Detect'),
  SIP_DETECTION_MACHINE: regexSource.default('\\b(?:machine\\w*|answering[-_ ]?machine|fax)\\b'),
  SIP_DETECTION_HUMAN: regexSource.default('\\b(?:human\\w*|person|live)\\b'),
  SIP_DETECTION_UNKNOWN: regexSource.default('\\b(?:unknown|silence|timeout|not[-_ ]?sure)\\b'),
  /** The 200 OK carries no result: one follows in an INFO or NOTIFY (else such an answer is a person's). */
  SIP_DETECTION_AFTER_ANSWER: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** Problems with a PEM file of trusted certificates, or null when it is usable. */
function caFileProblem(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) return 'holds no PEM certificate';
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      return 'holds a certificate that does not parse';
    }
  }
  return null;
}

export const configSchema = settings.superRefine((values, context) => {
  if (values.SIP_TLS_CA) {
    const problem = caFileProblem(values.SIP_TLS_CA);
    if (problem) context.addIssue({ code: 'custom', path: ['SIP_TLS_CA'], message: problem });
  }
  if (values.NODE_ENV === 'production' && !values.SECRETS_KEYS) {
    context.addIssue({ code: 'custom', path: ['SECRETS_KEYS'], message: 'must be set when NODE_ENV=production' });
  }
  if (values.NODE_ENV === 'production' && !values.ERASURE_HASH_KEY) {
    context.addIssue({ code: 'custom', path: ['ERASURE_HASH_KEY'], message: 'must be set when NODE_ENV=production' });
  }
  if (values.TELEPHONY === 'sip' && !values.SIP_OUTBOUND_PROXY && !values.SIP_DOMAIN) {
    context.addIssue({
      code: 'custom',
      path: ['SIP_OUTBOUND_PROXY'],
      message: 'or SIP_DOMAIN must be set when TELEPHONY=sip',
    });
  }
});

export type ConfigValues = z.infer<typeof configSchema>;

import { z } from 'zod';
import { SKILL_NAME } from '@autocall/agents';
import { isTimeZone } from '@autocall/common';

/**
 * A tenant's settings. Stored as one JSON document; every field has a default, so a tenant that
 * never changed anything reads the defaults. `PUT /v1/settings` merges: fields left out keep
 * their value, `null` puts a field back to its default.
 */
export const callStopCheckSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
    timeoutMs: z.int().min(100).max(10_000).default(2_000),
    onError: z.enum(['skip', 'dial']).default('skip'),
    /** Signs each check request (HMAC-SHA256); never shown again once set. */
    secret: z.string().min(16).max(200).optional(),
  })
  .strict();

/**
 * The check as stored and read back (SettingsService): its secret sealed by the SecretBox
 * (enc:v1:…, longer than the secret), or in clear when written before secrets were encrypted at
 * rest, until `secrets:rotate`. Only the call-stop check opens it, to sign.
 */
export const storedCallStopCheckSchema = callStopCheckSchema.extend({
  secret: z.string().min(16).max(1_000).optional(),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM');
const hhmmEnd = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a 24-hour time HH:MM (24:00 for midnight)');

/** Local hours in which the called party may be called; `days` are ISO weekdays (1 = Monday). */
export const callingWindowSchema = z
  .object({
    start: hhmm,
    end: hhmmEnd,
    days: z.array(z.int().min(1).max(7)).min(1).max(7).default([1, 2, 3, 4, 5, 6, 7]),
  })
  .strict()
  .refine((w) => w.start !== w.end, { message: 'start and end must differ', path: ['end'] });

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as America/New_York');

/** Overrides of the compliance regime's defaults; null keeps the regime's value. */
export const complianceOverridesSchema = z
  .object({
    callingWindow: callingWindowSchema.nullable().default(null),
    minRingSeconds: z.int().min(15).max(120).nullable().default(null),
    redialAfterAbandonSeconds: z
      .int()
      .min(0)
      .max(30 * 86_400)
      .nullable()
      .default(null),
    maxAttemptsPerNumberPerDay: z.int().min(1).max(100).nullable().default(null),
    abandonWindowSeconds: z
      .int()
      .min(3_600)
      .max(90 * 86_400)
      .nullable()
      .default(null),
    connectThresholdSeconds: z.number().min(0.5).max(10).nullable().default(null),
    abandonMessage: z.string().min(1).max(500).nullable().default(null),
    /** The zone of numbers whose prefix says nothing about where they are. */
    fallbackTimeZone: timeZoneSchema.nullable().default(null),
    /**
     * What the abandon rate is counted over: each campaign (the default, US and UK), or the tenant
     * as a whole (the UK's "per call centre" reading, and stricter elsewhere).
     */
    abandonScope: z.enum(['campaign', 'tenant']).nullable().default(null),
  })
  .strict();

/** Predictive pacing of one pool (tenant + skill). */
export const pacingSettingsSchema = z
  .object({
    maxAbandonRate: z.number().min(0.001).max(0.05).default(0.03),
    targetAbandonRate: z.number().min(0.0005).max(0.05).default(0.02),
    maxLinesPerAgent: z.number().min(1).max(10).default(3),
    minDialSamples: z.int().min(0).max(100_000).default(50),
    minAgents: z.int().min(1).max(10_000).default(3),
  })
  .strict()
  .refine((p) => p.targetAbandonRate < p.maxAbandonRate, {
    message: 'must be below maxAbandonRate',
    path: ['targetAbandonRate'],
  });

const skillKey = z.string().regex(SKILL_NAME, 'must be a skill name');

/** The regime's own minimum is checked on PUT /v1/settings (libs/retention). */
const retentionDaysSchema = z.int().min(1).max(3_650);

/** 5 seconds to 1 hour. */
/** How long an agent wraps up after a connected call when the tenant does not say (seconds). */
export const DEFAULT_WRAP_UP_SECONDS = 60;
const wrapUpSecondsSchema = z.int().min(5).max(3_600);

/** Read by PostgreSQL too (CallRecords.returnToTrunk) when the tenant never set it. */
export const DEFAULT_MAX_TRUNK_RETURNS = 5;
const maxTrunkReturnsSchema = z.int().min(1).max(100);

export const tenantSettingsSchema = z
  .object({
    /** ISO 3166-1 alpha-2 country for phone numbers given in national format. */
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as JP or US')
      .nullable()
      .default(null),
    /** The tenant's own check endpoint, asked right before each sequential dial. */
    callStopCheck: storedCallStopCheckSchema.nullable().default(null),
    /** Terminate Agent Session with the agent on a call: let the call finish, or end it too. */
    terminateSessionLiveCall: z.enum(['finish', 'end']).default('finish'),
    /** How long an owned callback waits for its owner before it goes to the skill's queue (1 h to 7 days). */
    callbackOwnershipWindowSeconds: z
      .int()
      .min(3_600)
      .max(7 * 86_400)
      .default(86_400),
    /** How far ahead an owned callback may be scheduled (1 h to 30 days). */
    callbackOwnedMaxAheadSeconds: z
      .int()
      .min(3_600)
      .max(30 * 86_400)
      .default(30 * 86_400),
    /** Which law's defaults apply: calling hours, abandon-rate window, lock after an abandoned call. */
    complianceRegime: z.enum(['us', 'uk', 'jp']).default('us'),
    compliance: complianceOverridesSchema.default(complianceOverridesSchema.parse({})),
    /** Predictive pacing for every skill, and per skill where it differs. */
    pacing: pacingSettingsSchema.default(pacingSettingsSchema.parse({})),
    pacingBySkill: z.record(skillKey, pacingSettingsSchema).default({}),
    /**
     * Days after which contacts, targets' personal fields, callbacks' numbers, webhook events and
     * stored answers are removed; never less than the compliance windows read (us and jp 31, uk 4).
     */
    retentionDays: retentionDaysSchema.default(90),
    /**
     * With disposition codes: after a connected call ends, the agent is in wrap-up at most this long;
     * then the default code applies (if nobody set one) and the agent is available again.
     */
    wrapUpSeconds: wrapUpSecondsSchema.default(DEFAULT_WRAP_UP_SECONDS),
    /** With disposition codes: an agent cannot leave wrap-up before the call has a disposition. */
    requireDisposition: z.boolean().default(false),
    /**
     * How many times trunks may send a target back (overload: 503, or no answer at all to the
     * INVITE) before it ends failed (trunk_unavailable); such returns are not attempts.
     */
    maxTrunkReturns: maxTrunkReturnsSchema.default(DEFAULT_MAX_TRUNK_RETURNS),
  })
  .strict();

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export const tenantSettingsPatchSchema = z
  .object({
    defaultCountry: tenantSettingsSchema.shape.defaultCountry.unwrap().unwrap().nullable().optional(),
    callStopCheck: callStopCheckSchema.nullable().optional(),
    terminateSessionLiveCall: z.enum(['finish', 'end']).nullable().optional(),
    callbackOwnershipWindowSeconds: z
      .int()
      .min(3_600)
      .max(7 * 86_400)
      .nullable()
      .optional(),
    callbackOwnedMaxAheadSeconds: z
      .int()
      .min(3_600)
      .max(30 * 86_400)
      .nullable()
      .optional(),
    complianceRegime: z.enum(['us', 'uk', 'jp']).nullable().optional(),
    compliance: complianceOverridesSchema.nullable().optional(),
    pacing: pacingSettingsSchema.nullable().optional(),
    pacingBySkill: z.record(skillKey, pacingSettingsSchema).nullable().optional(),
    retentionDays: retentionDaysSchema.nullable().optional(),
    wrapUpSeconds: wrapUpSecondsSchema.nullable().optional(),
    requireDisposition: z.boolean().nullable().optional(),
    maxTrunkReturns: maxTrunkReturnsSchema.nullable().optional(),
  })
  .strict();

export type TenantSettingsPatch = z.infer<typeof tenantSettingsPatchSchema>;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = tenantSettingsSchema.parse({});

/** Reads a stored document; anything unknown or invalid there falls back to its default. */
export function readTenantSettings(stored: unknown): TenantSettings {
  const document = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(tenantSettingsSchema.shape) as (keyof TenantSettings)[]) {
    const parsed = tenantSettingsSchema.shape[key].safeParse(document[key]);
    result[key] = parsed.success ? parsed.data : DEFAULT_TENANT_SETTINGS[key];
  }
  return result as TenantSettings;
}

/** Settings as shown to a client: secrets are replaced by whether one is set. */
export function publicTenantSettings(settings: TenantSettings) {
  if (!settings.callStopCheck) return settings;
  const { secret, ...check } = settings.callStopCheck;
  return { ...settings, callStopCheck: { ...check, hasSecret: Boolean(secret) } };
}

export function mergeTenantSettings(current: TenantSettings, patch: TenantSettingsPatch): TenantSettings {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    next[key] = value === null ? DEFAULT_TENANT_SETTINGS[key as keyof TenantSettings] : value;
  }
  return tenantSettingsSchema.parse(next);
}

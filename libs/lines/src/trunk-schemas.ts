import { z } from 'zod';

/**
 * A trunk's SIP target: host[:port] (a DNS name, an IPv4 address or a bracketed IPv6 address),
 * where its INVITEs go: the carrier, an SBC or a proxy.
 */
const HOST_PORT =
  /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?$/;

export const TRUNK_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;

const callerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9+._-]{1,32}$/, 'must be a SIP user part of at most 32 letters, digits, + . _ -');

const trunkFields = {
  name: z.string().trim().min(1).max(64),
  target: z.string().max(255).regex(HOST_PORT, 'must be host[:port]'),
  transport: z.enum(TRUNK_TRANSPORTS),
  /** Digest credentials the carrier asks for (401/407); the password is stored sealed, never returned. */
  username: z.string().min(1).max(128).nullable(),
  password: z.string().min(1).max(256).nullable(),
  /** Concurrent calls the trunk carries (within the tenant's line capacity). */
  channels: z.int().min(0).max(100_000),
  /** New INVITEs the trunk accepts in any sliding second. */
  callsPerSecond: z.int().min(1).max(1_000),
  /** Dials take the trunk of the lowest priority first that has a free channel and a call-rate token. */
  priority: z.int().min(0).max(1_000),
  /** Caller ids the trunk may present; empty: any. */
  callerIds: z.array(callerIdSchema).max(100),
  /** How long the trunk pauses after an overload answer without Retry-After (seconds). */
  overloadPauseSeconds: z.int().min(1).max(3_600),
};

export const createTrunkSchema = z
  .object({
    ...trunkFields,
    transport: trunkFields.transport.default('udp'),
    username: trunkFields.username.default(null),
    password: trunkFields.password.default(null),
    priority: trunkFields.priority.default(0),
    callerIds: trunkFields.callerIds.default([]),
    overloadPauseSeconds: trunkFields.overloadPauseSeconds.default(2),
  })
  .strict();
export type CreateTrunk = z.infer<typeof createTrunkSchema>;

/** PATCH: fields left out keep their value; a password set to null removes it. */
export const updateTrunkSchema = z
  .object(
    Object.fromEntries(Object.entries(trunkFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof trunkFields]: z.ZodOptional<(typeof trunkFields)[K]>;
    },
  )
  .strict();
export type UpdateTrunk = z.infer<typeof updateTrunkSchema>;

/** A trunk as the API answers: never its password, only whether one is set. */
export const trunkAnswerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  target: z.string(),
  transport: z.enum(TRUNK_TRANSPORTS),
  username: z.string().nullable(),
  hasPassword: z.boolean(),
  channels: z.int(),
  callsPerSecond: z.int(),
  priority: z.int(),
  callerIds: z.array(z.string()),
  overloadPauseSeconds: z.int(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type TrunkAnswer = z.infer<typeof trunkAnswerSchema>;

export const trunkListSchema = z.object({ items: z.array(trunkAnswerSchema) });

/** A trunk's use now, by PostgreSQL's clock (GET /v1/lines/usage). */
export const trunkUsageSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  priority: z.int(),
  channels: z.int(),
  channelsInUse: z.int(),
  callsPerSecond: z.int(),
  /** INVITEs started in the last second. */
  callsLastSecond: z.int(),
  /** Paused after an overload answer until then (null: not paused). */
  pausedUntil: z.iso.datetime({ offset: true }).nullable(),
  /** Overload answers (503, or no answer to the INVITE) since the trunk was made. */
  overloads: z.int(),
});
export type TrunkUsage = z.infer<typeof trunkUsageSchema>;

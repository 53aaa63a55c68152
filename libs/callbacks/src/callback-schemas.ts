import { z } from 'zod';
import { instantSchema } from '@autocall/common';
import { agentIdSchema, skillNameSchema } from '@autocall/agents';
import { TARGET_STATUSES } from '@autocall/dialing';

const callerId = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number');
const window = z
  .int()
  .min(3_600)
  .max(7 * 86_400);
const data = z
  .record(z.string(), z.unknown())
  .refine((v) => JSON.stringify(v).length <= 16_384, 'must be at most 16 KB of JSON');

/** POST /v1/callbacks */
export const createCallbackSchema = z
  .object({
    /** The number to call; defaults to the number of `contactId`. */
    phoneNumber: z.string().max(32).optional(),
    /** The contact this callback returns (at most one open callback per contact). */
    contactId: z.uuid().optional(),
    skill: skillNameSchema,
    /** An instant with an offset, or a local date-time with `timeZone`; default now + 30 min. */
    scheduledAt: z.string().max(40).optional(),
    timeZone: z.string().max(64).optional(),
    ownerAgentId: agentIdSchema.optional(),
    /** How long the owner is waited for once due (1 h to 7 days; default: tenant setting). */
    ownershipWindowSeconds: window.optional(),
    callerId: callerId.optional(),
    callerName: z.string().max(100).optional(),
    data: data.optional(),
  })
  .strict()
  .refine((v) => v.phoneNumber !== undefined || v.contactId !== undefined, {
    message: 'give phoneNumber, or contactId whose number is called',
    path: ['phoneNumber'],
  });
export type CreateCallback = z.infer<typeof createCallbackSchema>;

/** PATCH /v1/callbacks/{id}: reschedule, change or remove the owner. */
export const updateCallbackSchema = z
  .object({
    scheduledAt: z.string().max(40).optional(),
    timeZone: z.string().max(64).nullable().optional(),
    ownerAgentId: agentIdSchema.nullable().optional(),
    ownershipWindowSeconds: window.optional(),
    callerId: callerId.nullable().optional(),
    callerName: z.string().max(100).nullable().optional(),
    data: data.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');
export type UpdateCallback = z.infer<typeof updateCallbackSchema>;

export const CALLBACK_STATUSES = ['scheduled', 'waiting', 'queued', 'completed', 'failed', 'cancelled'] as const;

export const listCallbacksQuery = z
  .object({
    status: z
      .string()
      .transform((v) => v.split(','))
      .pipe(z.array(z.enum(CALLBACK_STATUSES)))
      .optional(),
    ownerAgentId: agentIdSchema.optional(),
    /** scheduledAt ≥ dueFrom and < dueTo */
    dueFrom: instantSchema.optional(),
    dueTo: instantSchema.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ListCallbacks = z.infer<typeof listCallbacksQuery>;

// Answers: what the API sends back, as JSON (instants as ISO 8601 strings). The same schemas
// document the responses in OpenAPI and check real responses in the tests.

const instant = z.iso.datetime({ offset: true });

/** A callback, as every callback operation answers it (201, 200, and the replays of a keyed create). */
export const callbackAnswerSchema = z.object({
  id: z.uuid(),
  status: z.enum(CALLBACK_STATUSES),
  /** E.164; null once removed (retention, or erasure on request). */
  phoneNumber: z.string().nullable(),
  contactId: z.uuid().nullable(),
  skill: z.string(),
  scheduledAt: instant,
  /** The IANA zone a local scheduled time was given in. */
  timeZone: z.string().nullable(),
  ownerAgentId: z.string().nullable(),
  /** Until when the owner is waited for once due. */
  ownerUntil: instant.nullable(),
  callerId: z.string().nullable(),
  callerName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  /** The one-target AutoCall that dials it, once due. */
  autocallId: z.uuid().nullable(),
  targetId: z.uuid().nullable(),
  /** Its target's final status, once ended. */
  outcome: z.enum(TARGET_STATUSES).nullable(),
  createdAt: instant,
  updatedAt: instant,
  dueAt: instant.nullable(),
  endedAt: instant.nullable(),
});

/** 200 to GET /v1/callbacks. */
export const callbackPageSchema = z.object({ items: z.array(callbackAnswerSchema), nextCursor: z.string().nullable() });

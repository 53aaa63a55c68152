import { z } from 'zod';
import { skillNameSchema } from '@autocall/agents';
import { CAMPAIGN_NAME } from './campaigns/campaign-compliance';
import { callingWindowSchema, timeZoneSchema } from '@autocall/tenancy';
import { TARGET_STATUSES } from './target-status';

export const MAX_TARGETS = 10_000;

const retryRule = z
  .object({
    maxAttempts: z.int().min(1).max(10),
    delaySeconds: z.int().min(0).max(86_400),
  })
  .strict();

const reserve = z.object({ reserve: z.int().min(0).max(10_000).default(0) }).strict();

/** POST /v1/autocalls */
export const submitAutoCallSchema = z
  .object({
    mode: z.enum(['immediate', 'sequential', 'predictive']),
    skill: skillNameSchema,
    targets: z
      .array(
        z
          .object({
            phoneNumber: z.string().max(32),
            reference: z.string().max(200).optional(),
            data: z.record(z.string(), z.unknown()).optional(),
            /** The called party's IANA time zone, when the number does not tell it (overrides it). */
            timeZone: timeZoneSchema.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_TARGETS, `at most ${MAX_TARGETS} targets per AutoCall`),
    checks: z
      .object({
        freeLines: reserve.nullable().default({ reserve: 0 }),
        freeAgents: reserve.nullable().default({ reserve: 0 }),
        callStop: z.boolean().default(false),
      })
      .strict()
      .default({ freeLines: { reserve: 0 }, freeAgents: { reserve: 0 }, callStop: false }),
    callerId: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number')
      .optional(),
    // The law's floor: unanswered calls ring at least 15 s (a tenant may raise it: minRingSeconds).
    ringTimeoutSeconds: z.int().min(15).max(120).default(30),
    /** Local hours of the called party this AutoCall may dial in, on top of the tenant's window. */
    callingWindow: callingWindowSchema.optional(),
    priority: z.int().min(0).max(100).default(0),
    /**
     * The campaign its abandoned calls are counted in (the law caps them per campaign): a stable id
     * the tenant chooses, shared by the AutoCalls a CRM splits one campaign over. Without one the
     * AutoCall is its own campaign (its id).
     */
    campaign: z.string().regex(CAMPAIGN_NAME, 'must be 1 to 64 letters, digits, `.`, `_`, `:` or `-`').optional(),
    retry: z
      .object({ noAnswer: retryRule.optional(), busy: retryRule.optional(), failed: retryRule.optional() })
      .strict()
      .default({}),
    /**
     * What an answering machine gets once detected (see README "Answering machines"): `hangup`, or
     * `message` (machineMessage, else the tenant's abandon message, through the announcement
     * server), then hang up.
     */
    machine: z.enum(['hangup', 'message']).default('hangup'),
    machineMessage: z.string().trim().min(1).max(500).optional(),
    /**
     * How long a call waits after the answer for a detection result signalled later (an INFO or
     * NOTIFY), in seconds; 0: not at all (the callee is a person at once; a later result is only
     * recorded). A predictive dial's wait ends at its connect threshold at the latest: the abandon clock runs.
     */
    detectionWaitSeconds: z.number().min(0).max(10).default(0),
  })
  .strict();

export type SubmitAutoCall = z.infer<typeof submitAutoCallSchema>;

export const cancelAutoCallSchema = z
  .object({ hangUp: z.boolean().default(false) })
  .strict()
  .default({ hangUp: false });

export const TARGET_LIST_QUERY = z
  .object({
    status: z.string().max(200).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const AUTOCALL_LIST_QUERY = z
  .object({
    status: z.enum(['active', 'completed', 'cancelled']).optional(),
    /** Only the AutoCalls named with this campaign. */
    campaign: z.string().regex(CAMPAIGN_NAME, 'must be a campaign name').optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

// Answers: what the API sends back, as JSON (instants as ISO 8601 strings). The same schemas
// document the responses in OpenAPI and check real responses in the tests.

const instant = z.iso.datetime({ offset: true });

/** An AutoCall as GET /v1/autocalls/{id} (without `abandon`) and the submission answer show it. */
export const autoCallAnswerSchema = z.object({
  id: z.uuid(),
  mode: z.enum(['immediate', 'sequential', 'predictive']),
  skill: z.string(),
  status: z.enum(['active', 'completed', 'cancelled']),
  priority: z.int(),
  /** The campaign it counts in: the one given, else its own id. */
  campaign: z.string(),
  checks: z.object({
    freeLines: z.object({ reserve: z.int() }).nullable(),
    freeAgents: z.object({ reserve: z.int() }).nullable(),
    callStop: z.boolean(),
  }),
  callerId: z.string().nullable(),
  ringTimeoutSeconds: z.int(),
  callingWindow: callingWindowSchema.nullable(),
  retry: z.object({ noAnswer: retryRule.optional(), busy: retryRule.optional(), failed: retryRule.optional() }),
  machine: z.enum(['hangup', 'message']),
  machineMessage: z.string().nullable(),
  detectionWaitSeconds: z.number(),
  targetCount: z.int(),
  /** Targets by status: every target status, zero included. */
  counts: z.record(z.string(), z.int()),
  createdAt: instant,
  completedAt: instant.nullable(),
  cancelledAt: instant.nullable(),
});

/** A target as the submission left it. */
export const submittedTargetSchema = z.object({
  targetId: z.uuid(),
  position: z.int(),
  /** E.164; null once removed (past the tenant's retention period, or erased on request). */
  phoneNumber: z.string().nullable(),
  reference: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  /** The contact of its dial, when the submission dialed it (immediate mode). */
  contactId: z.uuid().nullable(),
});

/** 202 to POST /v1/autocalls (and its replays). */
export const submissionAnswerSchema = autoCallAnswerSchema.extend({ targets: z.array(submittedTargetSchema) });

/** 200 to GET /v1/autocalls/{id}: the AutoCall, and its abandon rate (abandoned ÷ answered by a person). */
export const autoCallDetailSchema = autoCallAnswerSchema.extend({
  abandon: z.object({ answered: z.int(), abandoned: z.int(), rate: z.number().nullable() }),
  /** Targets by the disposition that decided their outcome (the tenant's codes; only those used). */
  dispositions: z.record(z.string(), z.int()),
});

/** 200 to GET /v1/autocalls: AutoCalls, newest first. */
export const autoCallPageSchema = z.object({ items: z.array(autoCallAnswerSchema), nextCursor: z.string().nullable() });

/** A target and its result, in GET /v1/autocalls/{id}/targets. */
export const targetAnswerSchema = z.object({
  targetId: z.uuid(),
  position: z.int(),
  /** E.164; null once removed (past the tenant's retention period, or erased on request). */
  phoneNumber: z.string().nullable(),
  reference: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(TARGET_STATUSES),
  /** Why it ended as it did (no_free_line, do_not_call, …), or its last outcome. */
  reason: z.string().nullable(),
  /** The disposition of the connected call that decided its outcome (retry: its last one), if any. */
  disposition: z.string().nullable(),
  attempts: z.int(),
  /** Its last contact; past the tenant's retention period the contact is deleted (then 404 at /v1/contacts/{id}). */
  lastContactId: z.uuid().nullable(),
  /** When its next attempt (a retry) is due. */
  nextAttemptAt: instant.nullable(),
  updatedAt: instant,
  completedAt: instant.nullable(),
});

/** 200 to GET /v1/autocalls/{id}/targets: the targets in list order. */
export const targetPageSchema = z.object({ items: z.array(targetAnswerSchema), nextCursor: z.string().nullable() });

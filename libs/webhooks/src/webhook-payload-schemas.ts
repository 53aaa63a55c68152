import { z } from 'zod';
import { CALLBACK_STATUSES, callbackAnswerSchema } from '@autocall/callbacks';
import {
  autoCallAnswerSchema,
  contactDetailSchema,
  isTerminal,
  PUBLIC_CONTACT_STATUSES,
  TARGET_STATUSES,
  TargetStatus,
} from '@autocall/dialing';
import { DISPOSITION_KINDS, DISPOSITION_SETTERS } from '@autocall/dispositions';
import { WebhookEventType } from './event-types';

// The JSON body of every webhook delivery, per event type, exactly as AutoCall sends it: they
// document the events in OpenAPI (`webhooks`) and check every delivery the e2e suites receive.
// The payloads (`data`) are built in PostgreSQL, by the triggers that write the outbox
// (prisma/migrations: webhook_on_target_events, webhook_on_contact_events, webhook_contact_json,
// webhook_on_autocalls, webhook_on_agent_sessions, webhook_callback_json); the envelope by the
// outbox (webhook-outbox.ts). Instants are ISO 8601 UTC with milliseconds (`autocall_iso`,
// toISOString). libs/webhooks depends on libs/dialing and libs/callbacks here; neither depends on
// libs/webhooks.

const instant = z.iso.datetime({ offset: true });
const contactStatus = z.enum(PUBLIC_CONTACT_STATUSES);
const targetStatus = z.enum(TARGET_STATUSES);
/** The statuses a target ends with (the state machine never leaves them). */
const terminalTargetStatus = z.enum(
  TARGET_STATUSES.filter(isTerminal) as unknown as readonly [TargetStatus, ...TargetStatus[]],
);
/** How an answered call was answered (AnsweredBy of @autocall/telephony). */
const answeredBy = z.enum(['human', 'machine']);
/** Free JSON data given with a target or a callback (an object), or null. */
const freeData = z.record(z.string(), z.unknown()).nullable();
const callbackStatus = z.enum(CALLBACK_STATUSES);

/** The envelope of one event: `data` is the event's payload. */
function envelope<T extends WebhookEventType, D extends z.ZodType>(type: T, data: D) {
  return z.object({
    /** The event's id: the same on every retry (also the webhook-id header). */
    id: z.uuid(),
    type: z.literal(type),
    createdAt: instant,
    tenantId: z.uuid(),
    data,
  });
}

/** A contact and its whole timeline (webhook_contact_json): fields of the API's contact detail. */
export const webhookContactSchema = contactDetailSchema
  .pick({
    contactId: true,
    attempt: true,
    status: true,
    agentId: true,
    answeredBy: true,
    detection: true,
    cause: true,
    sipCode: true,
    callerId: true,
    createdAt: true,
    ringingAt: true,
    answeredAt: true,
    connectedAt: true,
    endedAt: true,
    timeline: true,
  })
  .extend({
    /** Its disposition code, if it has one (contact.disposition_set carries the whole of it). */
    disposition: z.string().nullable(),
  });

/** autocall.target.completed: a target reached a terminal status. */
export const autocallTargetCompletedWebhookSchema = envelope(
  'autocall.target.completed',
  z.object({
    autocallId: z.uuid(),
    targetId: z.uuid(),
    reference: z.string().nullable(),
    position: z.int(),
    /** E.164; null once erased on request. */
    phoneNumber: z.string().nullable(),
    status: terminalTargetStatus,
    reason: z.string().nullable(),
    attempts: z.int(),
    /** The disposition that decided the outcome of a connected call (a tenant with disposition codes). */
    disposition: z.string().nullable(),
    data: freeData,
    completedAt: instant,
    /** The target's last contact, null when it was never dialed. */
    contact: webhookContactSchema.nullable(),
  }),
);

/** autocall.completed: every target of the AutoCall is terminal. */
export const autocallCompletedWebhookSchema = envelope(
  'autocall.completed',
  z.object({
    autocallId: z.uuid(),
    /** completed, or cancelled when it was cancelled (it keeps that status). */
    status: autoCallAnswerSchema.shape.status.extract(['completed', 'cancelled']),
    mode: autoCallAnswerSchema.shape.mode,
    skill: z.string(),
    priority: z.int(),
    targetCount: z.int(),
    /** Targets by final status; a status no target ended with is absent. */
    counts: z.partialRecord(terminalTargetStatus, z.int()),
    createdAt: instant,
    cancelledAt: instant.nullable(),
    completedAt: instant,
  }),
);

/** contact.status_changed: a contact moved. */
export const contactStatusChangedWebhookSchema = envelope(
  'contact.status_changed',
  z.object({
    contactId: z.uuid(),
    autocallId: z.uuid(),
    targetId: z.uuid(),
    reference: z.string().nullable(),
    /** E.164; null once erased on request. */
    phoneNumber: z.string().nullable(),
    attempt: z.int(),
    skill: z.string(),
    status: contactStatus,
    /** Orders one contact's events. */
    sequence: z.int(),
    at: instant,
    cause: z.string().nullable(),
    agentId: z.string().nullable(),
    answeredBy: answeredBy.nullable(),
    /** Answering-machine detection as the contact holds it at this event (the contact API's). */
    detection: contactDetailSchema.shape.detection,
    /** Once the contact ended. */
    sipCode: z.int().nullable(),
    /** On the event that ends the target's last contact: what the attempt did to its target. */
    target: z
      .object({
        status: targetStatus,
        reason: z.string().nullable(),
        attempts: z.int(),
        nextAttemptAt: instant.nullable(),
      })
      .nullable(),
  }),
);

/** agent.session_terminated: a supervisor ended an agent's session. */
export const agentSessionTerminatedWebhookSchema = envelope(
  'agent.session_terminated',
  z.object({
    agentId: z.string(),
    agentName: z.string(),
    sessionId: z.uuid(),
    startedAt: instant,
    terminatedAt: instant,
    /** The API key that terminated it. */
    terminatedByKeyId: z.uuid().nullable(),
  }),
);

/**
 * A callback, as its events carry it (webhook_callback_json): the API's answer about it, its id
 * named `callbackId` and without `updatedAt`, in the statuses of the event.
 */
function callbackPayload<S extends (typeof CALLBACK_STATUSES)[number]>(statuses: readonly [S, ...S[]]) {
  return callbackAnswerSchema
    .omit({ id: true, status: true, updatedAt: true })
    .extend({ callbackId: z.uuid(), status: callbackStatus.extract(statuses) });
}

/** callback.scheduled: a callback was created or rescheduled. */
export const callbackScheduledWebhookSchema = envelope('callback.scheduled', callbackPayload(['scheduled']));
/** callback.due: its time came; it waits for its owner, or its AutoCall exists. */
export const callbackDueWebhookSchema = envelope('callback.due', callbackPayload(['waiting', 'queued']));
/** callback.completed: its target ended, completed or not (`failed`: see `outcome`). */
export const callbackCompletedWebhookSchema = envelope('callback.completed', callbackPayload(['completed', 'failed']));
/** callback.cancelled. */
export const callbackCancelledWebhookSchema = envelope('callback.cancelled', callbackPayload(['cancelled']));

/** contact.disposition_set: a contact's disposition was set (by a role, or `default` at the wrap-up's end). */
export const contactDispositionSetWebhookSchema = envelope(
  'contact.disposition_set',
  z.object({
    contactId: z.uuid(),
    autocallId: z.uuid(),
    targetId: z.uuid(),
    reference: z.string().nullable(),
    /** E.164; null once erased on request. */
    phoneNumber: z.string().nullable(),
    attempt: z.int(),
    skill: z.string(),
    agentId: z.string().nullable(),
    disposition: z.object({
      code: z.string(),
      /** The code's label and kind now (null: the code was removed since). */
      label: z.string().nullable(),
      kind: z.enum(DISPOSITION_KINDS).nullable(),
      notes: z.string().nullable(),
      by: z.enum(DISPOSITION_SETTERS),
      at: instant,
    }),
  }),
);

/** The whole JSON body of a delivery, per event type. */
export const WEBHOOK_PAYLOAD_SCHEMAS: Record<WebhookEventType, z.ZodType> = {
  'autocall.target.completed': autocallTargetCompletedWebhookSchema,
  'autocall.completed': autocallCompletedWebhookSchema,
  'contact.status_changed': contactStatusChangedWebhookSchema,
  'contact.disposition_set': contactDispositionSetWebhookSchema,
  'agent.session_terminated': agentSessionTerminatedWebhookSchema,
  'callback.scheduled': callbackScheduledWebhookSchema,
  'callback.due': callbackDueWebhookSchema,
  'callback.completed': callbackCompletedWebhookSchema,
  'callback.cancelled': callbackCancelledWebhookSchema,
};

/**
 * What is wrong with a delivery's body, or null when it is exactly what its event type's schema
 * describes: a known `type`, valid, and no member the schema does not declare (zod objects drop
 * unknown members on parse; here they are a violation, as in the JSON Schema of the document).
 */
export function webhookPayloadViolation(body: unknown): string | null {
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(WEBHOOK_PAYLOAD_SCHEMAS, type)) {
    return `unknown event type ${JSON.stringify(type)}`;
  }
  const parsed = WEBHOOK_PAYLOAD_SCHEMAS[type as WebhookEventType].safeParse(body);
  if (!parsed.success) {
    return parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
  }
  const extra = undeclared(body, parsed.data, '');
  return extra.length ? `undeclared members: ${extra.slice(0, 5).join(', ')}` : null;
}

/** Members of `sent` that the parse dropped (the schema does not declare them). */
function undeclared(sent: unknown, kept: unknown, path: string): string[] {
  if (Array.isArray(sent) && Array.isArray(kept)) {
    return sent.flatMap((item, i) => undeclared(item, kept[i], `${path}[${i}]`));
  }
  if (!sent || typeof sent !== 'object' || !kept || typeof kept !== 'object') return [];
  return Object.entries(sent).flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    return Object.hasOwn(kept, key) ? undeclared(value, (kept as Record<string, unknown>)[key], at) : [at];
  });
}

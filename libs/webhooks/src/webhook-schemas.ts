import { z } from 'zod';
import { instantSchema } from '@autocall/common';
import { WEBHOOK_EVENT_TYPES } from './event-types';

const webhookUrl = z
  .string()
  .max(2000)
  .refine((v) => {
    try {
      const url = new URL(v);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)]);

export const createWebhookEndpointSchema = z
  .object({
    url: webhookUrl,
    /** Event types to receive; omitted or empty: every type. */
    eventTypes: eventTypes.default([]),
    description: z.string().max(500).optional(),
  })
  .strict();
export type CreateWebhookEndpoint = z.infer<typeof createWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = z
  .object({
    url: webhookUrl.optional(),
    eventTypes: eventTypes.optional(),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');
export type UpdateWebhookEndpoint = z.infer<typeof updateWebhookEndpointSchema>;

export const rotateWebhookSecretSchema = z
  .object({
    /** How long the previous secret keeps signing alongside the new one (default 24 h, at most 7 days). */
    previousSecretValidSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(86_400),
  })
  .strict();

export const listWebhookEndpointsQuery = z
  .object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) })
  .strict();

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const listWebhookDeliveriesQuery = z
  .object({
    endpointId: z.uuid().optional(),
    eventId: z.uuid().optional(),
    eventType: z.enum(WEBHOOK_EVENT_TYPES).optional(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
    since: instantSchema.optional(),
    until: instantSchema.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ListWebhookDeliveries = z.infer<typeof listWebhookDeliveriesQuery>;

// Answers: what the API sends back, as JSON (instants as ISO 8601 strings). The same schemas
// document the responses in OpenAPI and check real responses in the tests.

const instant = z.iso.datetime({ offset: true });

/** A webhook endpoint, without its secret. */
export const webhookEndpointAnswerSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  /** Empty: every event type. */
  eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  enabled: z.boolean(),
  /** Why it is disabled: by_request, or gone (the receiver answered 410). */
  disabledReason: z.enum(['by_request', 'gone']).nullable(),
  /** Until when the previous secret still signs, after a rotation. */
  previousSecretExpiresAt: instant.nullable(),
  createdAt: instant,
  updatedAt: instant,
});

/** 201 to POST /v1/webhook-endpoints and 200 to its rotate-secret: the endpoint and its secret, shown once. */
export const webhookEndpointWithSecretSchema = webhookEndpointAnswerSchema.extend({
  /** whsec_ and the base64 of 32 random bytes: the key of the signatures (Standard Webhooks). */
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{43}=$/),
});

/** 200 to GET /v1/webhook-endpoints. */
export const webhookEndpointPageSchema = z.object({
  items: z.array(webhookEndpointAnswerSchema),
  nextCursor: z.string().nullable(),
});

/** One delivery of an event to an endpoint, in GET /v1/webhook-deliveries. */
export const webhookDeliverySummarySchema = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  eventType: z.enum(WEBHOOK_EVENT_TYPES),
  endpointId: z.uuid(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  /** Attempts made so far. */
  attempts: z.int(),
  /** When the next attempt is due, while pending. */
  nextAttemptAt: instant.nullable(),
  /** The HTTP status of the last attempt (null: none yet, or no response). */
  lastStatus: z.int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: instant.nullable(),
  failedAt: instant.nullable(),
  createdAt: instant,
});

/** 200 to GET /v1/webhook-deliveries. */
export const webhookDeliveryPageSchema = z.object({
  items: z.array(webhookDeliverySummarySchema),
  nextCursor: z.string().nullable(),
});

/** 200 to GET /v1/webhook-deliveries/{id} and 202 to its retry: the delivery, its event and every attempt. */
export const webhookDeliveryDetailSchema = webhookDeliverySummarySchema.extend({
  /** The envelope the delivery carries. */
  event: z.object({
    id: z.uuid(),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    createdAt: instant,
    tenantId: z.uuid(),
    data: z.record(z.string(), z.unknown()),
  }),
  attemptLog: z.array(
    z.object({
      attempt: z.int(),
      startedAt: instant,
      durationMs: z.int(),
      /** null: no response came (timeout, network error, refused address). */
      statusCode: z.int().nullable(),
      error: z.string().nullable(),
      responseExcerpt: z.string().nullable(),
    }),
  ),
});

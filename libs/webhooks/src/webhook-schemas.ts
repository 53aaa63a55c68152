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

export const listWebhookDeliveriesQuery = z
  .object({
    endpointId: z.uuid().optional(),
    eventId: z.uuid().optional(),
    eventType: z.enum(WEBHOOK_EVENT_TYPES).optional(),
    status: z.enum(['pending', 'delivered', 'failed']).optional(),
    since: instantSchema.optional(),
    until: instantSchema.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ListWebhookDeliveries = z.infer<typeof listWebhookDeliveriesQuery>;

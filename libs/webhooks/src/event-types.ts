/**
 * Every webhook event type. The callback events are emitted once scheduled callbacks exist; an
 * endpoint may subscribe to them already.
 */
export const WEBHOOK_EVENT_TYPES = [
  'autocall.target.completed',
  'autocall.completed',
  'contact.status_changed',
  'contact.disposition_set',
  'agent.session_terminated',
  'callback.scheduled',
  'callback.due',
  'callback.completed',
  'callback.cancelled',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The envelope every delivery carries (its JSON body), signed per Standard Webhooks. */
export interface WebhookEnvelope {
  id: string;
  type: string;
  createdAt: string;
  tenantId: string;
  data: Record<string, unknown>;
}

import type { OpenAPIObject } from '@nestjs/swagger';
import { jsonSchemaOf } from '@autocall/common';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_PAYLOAD_EXAMPLES,
  WEBHOOK_PAYLOAD_SCHEMAS,
  WebhookEventType,
} from '@autocall/webhooks';

/** When each event is sent (README, Webhooks and Callbacks). */
const EVENTS: Record<WebhookEventType, { summary: string; description: string }> = {
  'autocall.target.completed': {
    summary: 'A target reached a terminal status',
    description:
      'Sent when a target of an AutoCall reaches a terminal status (completed, no_answer, busy, failed, abandoned, ' +
      'machine, skipped, not_dialed, cancelled, expired): its outcome, attempts, your `reference` and `data`, and ' +
      'its last contact with its whole timeline (`contact` is null when it was never dialed). For a tenant with ' +
      "disposition codes, a connected call's target completes when its disposition is applied, and carries it.",
  },
  'autocall.completed': {
    summary: 'Every target of an AutoCall is terminal',
    description:
      'Sent when every target of the AutoCall is terminal, also after a cancel (`status` is then `cancelled`). ' +
      "Delivered to an endpoint after the AutoCall's earlier events to that endpoint were delivered or failed, so " +
      'it is the last event of the AutoCall an endpoint receives.',
  },
  'contact.status_changed': {
    summary: 'A contact (one dial attempt) changed status',
    description:
      'Sent on every status of a contact: `dialing`, `ringing`, `answered`, `waiting` (answered, no agent free yet), ' +
      '`connected`, then `ended` or `abandoned` (answered, and no agent took it). `sequence` orders one contact’s ' +
      'events. The event that ends the last contact of its target carries `target`: what the attempt did to it (a ' +
      'final status, or `pending` with `nextAttemptAt` when a retry follows); the others carry null.',
  },
  'contact.disposition_set': {
    summary: "A contact's disposition was set",
    description:
      'Sent once per contact when its disposition is set: by the agent (or a supervisor or an integrator for it), ' +
      'or `default` when nobody did within the wrap-up. Carries the code, its label and kind, and the notes.',
  },
  'agent.session_terminated': {
    summary: "A supervisor ended an agent's session",
    description:
      "Sent when an agent's session is ended by Terminate Agent Session (not when the agent logs out), with the " +
      'API key that did it.',
  },
  'callback.scheduled': {
    summary: 'A callback was scheduled',
    description: 'Sent when a callback is created, and when it is rescheduled (PATCH /v1/callbacks/{id}).',
  },
  'callback.due': {
    summary: 'A callback is due',
    description:
      'Sent when a callback’s time comes: it then waits for its owner (`waiting`) or its one-target AutoCall exists ' +
      '(`queued`, with `autocallId` and `targetId`).',
  },
  'callback.completed': {
    summary: 'A callback ended',
    description:
      'Sent when the target of a callback ended: `completed` when it completed, else `failed` with its final ' +
      'status as `outcome` (no_answer, busy, …).',
  },
  'callback.cancelled': {
    summary: 'A callback was cancelled',
    description: 'Sent when a callback is cancelled (POST /v1/callbacks/{id}/cancel, or its AutoCall cancelled).',
  },
};

const SIGNATURE_HEADERS = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description:
      "The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates " +
      '(delivery is at least once). Part of the signed content.',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description:
      'When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your ' +
      'clock to defeat replays.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      'Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, ' +
      "keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one " +
      'signature per valid secret, space-separated: accept the delivery when any of them matches (compare in ' +
      'constant time). Any Standard Webhooks library verifies them, e.g. ' +
      '`new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package.',
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$' },
  },
];

const RESPONSES = {
  '2XX': { description: 'Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored.' },
  '410': { description: 'Gone: the delivery fails and the endpoint is disabled (never called again until enabled).' },
  default: {
    description:
      'Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, ' +
      'the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a ' +
      'longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: ' +
      'POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the ' +
      'delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries.',
  },
};

/** `autocall.target.completed` → `WebhookAutocallTargetCompleted`. */
export function webhookSchemaName(type: WebhookEventType): string {
  return (
    'Webhook' +
    type
      .split(/[._]/)
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('')
  );
}

/**
 * The webhook events, as OpenAPI 3.1 `webhooks`: one POST per event type, its body the zod schema
 * the e2e suites check every delivery with (in components.schemas), the Standard Webhooks
 * signature headers, and what the answers mean.
 */
export function describeWebhooks(document: OpenAPIObject): OpenAPIObject {
  const schemas: Record<string, unknown> = { ...document.components?.schemas };
  const webhooks: Record<string, unknown> = {};
  for (const type of WEBHOOK_EVENT_TYPES) {
    const name = webhookSchemaName(type);
    schemas[name] = jsonSchemaOf(WEBHOOK_PAYLOAD_SCHEMAS[type], 'output');
    webhooks[type] = {
      post: {
        operationId: name,
        tags: ['Webhooks'],
        summary: EVENTS[type].summary,
        description: EVENTS[type].description,
        // AutoCall authenticates itself to the receiver by the signature headers, not by an API key.
        security: [],
        parameters: SIGNATURE_HEADERS,
        requestBody: {
          required: true,
          description: `The event (envelope \`{id, type, createdAt, tenantId, data}\`), signed per Standard Webhooks.`,
          content: {
            'application/json': {
              schema: { $ref: `#/components/schemas/${name}` },
              examples: { [type]: { summary: `A ${type} delivery`, value: WEBHOOK_PAYLOAD_EXAMPLES[type] } },
            },
          },
        },
        responses: RESPONSES,
      },
    };
  }
  const described = document as OpenAPIObject & { webhooks?: Record<string, unknown> };
  described.components = { ...document.components, schemas: schemas as never };
  described.webhooks = webhooks;
  return described;
}

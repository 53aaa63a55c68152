import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { describeProblems } from './openapi-problems';
import { describeWebhooks } from './openapi-webhooks';

type Schema = Record<string, unknown>;
type Header = { description: string; required?: boolean; schema: Schema };
type Response = { description: string; headers?: Record<string, Header>; content?: Record<string, unknown> };
type Operation = {
  parameters?: { in: string; name: string }[];
  responses: Record<string, Response>;
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/**
 * The API's OpenAPI 3.1 document, served at /openapi.json and shown at /docs: the operations and
 * their request schemas as the controllers declare them (zod schemas, as JSON Schema 2020-12), every
 * answer's body, the problem+json error model, the headers integrators rely on, and the webhook
 * events as `webhooks`.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('AutoCall')
      .setDescription(
        'Outbound dialer for contact centers. Errors are RFC 9457 problem+json with a stable `code`: ' +
          'invalid_security_user (401), unauthorized (403), invalid_agent_id / invalid_contact_id / not_found (404), ' +
          'invalid_request (400, with errors[]), conflict / idempotency_key_reused / idempotency_request_in_flight (409), ' +
          'payload_too_large (413), too_many_requests (429), service_unavailable (503). Schema: components.schemas.Problem.',
      )
      .setVersion('1')
      .setLicense('UNLICENSED', 'https://autocall.dev/license')
      .addServer('/', 'this AutoCall')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An AutoCall API key' })
      .build(),
  );
  return asOpenApi31(describeWebhooks(describeHeaders(describeProblems(document))));
}

/** Headers of answers: Retry-After on 429 and 503, Idempotent-Replayed where a key is honoured. */
function describeHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      const idempotent = operation.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '429' || status === '503') {
          response.headers = {
            ...response.headers,
            'Retry-After': {
              description: 'seconds to wait before trying again',
              required: true,
              schema: { type: 'integer', minimum: 0 },
            },
          };
        }
        if (idempotent && /^2\d\d$/.test(status)) {
          response.headers = {
            ...response.headers,
            'Idempotent-Replayed': {
              description: "`true` when this is the stored answer to the key's first request, replayed",
              schema: { type: 'string', enum: ['true'] },
            },
          };
        }
      }
    }
  }
  return document;
}

/**
 * OpenAPI 3.1: the document says so, and what @nestjs/swagger still writes in 3.0's dialect
 * (`nullable`) is restated in JSON Schema 2020-12 (a `null` type).
 */
export function asOpenApi31(document: OpenAPIObject): OpenAPIObject {
  const restated = restate(document) as OpenAPIObject;
  restated.openapi = '3.1.0';
  return restated;
}

function restate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(restate);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = restate(value);
  if (typeof out.nullable === 'boolean') {
    if (out.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
    delete out.nullable;
  }
  return out;
}

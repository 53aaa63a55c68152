import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  parameters?: { in: string }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** The error model of every operation: RFC 9457 problem+json with a stable `code`. */
const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details, with a stable machine-readable `code`.',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string', example: 'urn:autocall:problem:invalid_request' },
    title: { type: 'string', example: 'Invalid request' },
    status: { type: 'integer', example: 400 },
    code: {
      type: 'string',
      description:
        'invalid_security_user, unauthorized, invalid_agent_id, invalid_contact_id, not_found, invalid_request, ' +
        'payload_too_large, too_many_requests, conflict, idempotency_key_reused, idempotency_request_in_flight, ' +
        'service_unavailable, internal_error',
      example: 'invalid_request',
    },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'the request path, phone numbers masked' },
    requestId: { type: 'string', description: 'the x-request-id of the request' },
    errors: {
      type: 'array',
      description: 'with invalid_request: each offending field',
      items: {
        type: 'object',
        required: ['field', 'code', 'message'],
        properties: {
          field: { type: 'string', example: 'targets[3].phoneNumber' },
          code: { type: 'string', example: 'invalid_phone_number' },
          message: { type: 'string' },
        },
      },
    },
  },
};

const STANDARD: Record<string, string> = {
  '400': 'invalid_request: the request is not valid (errors[] names each field), or its body is not JSON',
  '401': 'invalid_security_user: missing, unknown or revoked API key',
  '403': "unauthorized: the key's role may not do this",
  '404': 'not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s',
  '413': 'payload_too_large: the body is larger than this endpoint accepts',
  '503': 'service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds',
};

/**
 * Completes the document's error responses: every operation lists the problems it can answer
 * with (401 and 403 behind a key, 404 with a path id, 400, 413 and 503 always), each as `application/problem+json` of the one `Problem` schema, beside the
 * operation's own (409, 429, …), which get the same content.
 */
export function describeProblems(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), Problem: PROBLEM_SCHEMA };
  const content = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1')) continue;
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      // The JSON body parser runs before routing, for every method: any request may carry a body
      // that is not JSON (400) or too large (413).
      const expected = new Set(['400', '413', '503']);
      if (operation.security?.length) ['401', '403'].forEach((s) => expected.add(s));
      if (path.includes('{')) expected.add('404');
      for (const status of expected) {
        operation.responses[status] = operation.responses[status] ?? { description: STANDARD[status] };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) response.content = content;
      }
    }
  }
  return document;
}

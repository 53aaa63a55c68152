import { isUuid } from '@autocall/common';

/** The methods that change something: only their successful answers are audited. */
export const MUTATING_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type MutatingMethod = (typeof MUTATING_METHODS)[number];

/** A request as the audit trail sees it: never its body, its query or a value of its path. */
export interface AnsweredRequest {
  method: string;
  /** The route's template as Express matched it, e.g. `/v1/autocalls/:id/cancel`. */
  route: string;
  params: Record<string, string | string[] | undefined>;
  status: number;
  /** An `Idempotency-Key` replay: the stored answer of a request recorded already. */
  replayed: boolean;
  /** The action the route declares (`@Audited`), if it does. */
  action?: string;
  /** The answer's body: a created resource's `id` is read from it, nothing else. */
  answer: unknown;
}

/** What a request did, as one audit event records it. */
export interface AuditEntry {
  action: string;
  method: MutatingMethod;
  /** OpenAPI style, e.g. `/v1/autocalls/{id}/cancel`. */
  route: string;
  resourceType: string;
  resourceId: string | null;
  status: number;
}

// A run of seven digits or more could be a phone number (E.164 numbers have 7 to 15 digits).
const DIGIT_RUN = /\d{7,}/;
const PLAIN_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The audit entry of an answered request, or null when it is not audited: not under /v1, not a
 * mutating method, not a success, or a replay (its first answer was recorded, and a replay changes
 * nothing). Generic over routes: the action is the route's declared one, or `METHOD template`;
 * the resource type is the declared action's prefix, or the route's collection; the resource id
 * comes from a path parameter named `id` or `…Id`, or from the `id` of the answer of a route
 * without one, and only when it cannot be personal data. Other path parameters (a phone number,
 * a skill) are never read.
 */
export function auditEntryOf(request: AnsweredRequest): AuditEntry | null {
  const method = request.method.toUpperCase();
  if (!isMutating(method)) return null;
  if (!request.route.startsWith('/v1/')) return null;
  if (request.status < 200 || request.status > 299 || request.replayed) return null;
  const route = request.route.replace(/:(\w+)/g, '{$1}');
  const idParams = [...request.route.matchAll(/:(\w+)/g)].map((m) => m[1]).filter((name) => /^(id|\w+Id)$/.test(name));
  const candidate = idParams.length ? request.params[idParams[0]] : idOfAnswer(request.answer);
  return {
    action: request.action ?? `${method} ${route}`,
    method,
    route,
    resourceType: request.action ? request.action.split('.')[0] : collectionOf(route),
    resourceId: typeof candidate === 'string' && isSafeId(candidate) ? candidate : null,
    status: request.status,
  };
}

function isMutating(method: string): method is MutatingMethod {
  return (MUTATING_METHODS as readonly string[]).includes(method);
}

function idOfAnswer(answer: unknown): string | undefined {
  const id = answer && typeof answer === 'object' ? (answer as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** An id that names a resource and cannot carry a phone number or anything else personal. */
export function isSafeId(value: string): boolean {
  return isUuid(value) || (PLAIN_ID.test(value) && !DIGIT_RUN.test(value));
}

/** `/v1/webhook-deliveries/{id}/retry` → `webhook_delivery`. */
function collectionOf(route: string): string {
  const collection = route.split('/')[2] ?? 'unknown';
  return collection
    .replace(/ies$/, 'y')
    .replace(/([^s])s$/, '$1')
    .replace(/-/g, '_');
}

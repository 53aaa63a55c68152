/**
 * Domain errors. Services throw these; the API's problem filter is the one place that turns them
 * into RFC 9457 problem+json responses. The `code` values are part of the public contract
 * (shared/DESIGN.md §4) and never change meaning.
 */
export type ProblemCode =
  | 'invalid_security_user'
  | 'unauthorized'
  | 'invalid_contact_id'
  | 'invalid_agent_id'
  | 'not_found'
  | 'invalid_request'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'conflict'
  | 'idempotency_key_reused'
  | 'idempotency_request_in_flight'
  | 'service_unavailable'
  | 'internal_error';

export interface FieldError {
  /** JSON path of the offending field, e.g. `targets[3].phoneNumber`. */
  field: string;
  code: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: ProblemCode;
  abstract readonly status: number;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidSecurityUserError extends DomainError {
  readonly code = 'invalid_security_user' as const;
  readonly status = 401;
  constructor(message = 'Missing, unknown or revoked API key.') {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized' as const;
  readonly status = 403;
  constructor(message = 'This API key does not have the role this action needs.') {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(
    readonly code: 'invalid_contact_id' | 'invalid_agent_id' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

export class InvalidRequestError extends DomainError {
  readonly code = 'invalid_request' as const;
  readonly status = 400;
  constructor(
    readonly errors: FieldError[],
    message = 'The request is not valid; see errors[] for each field.',
  ) {
    super(message);
  }

  static field(field: string, code: string, message: string): InvalidRequestError {
    return new InvalidRequestError([{ field, code, message }]);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  constructor(
    message: string,
    /** `conflict` unless a more specific 409 applies (the Idempotency-Key's own two). */
    readonly code: 'conflict' | 'idempotency_key_reused' | 'idempotency_request_in_flight' = 'conflict',
  ) {
    super(message);
  }
}

export class TooManyRequestsError extends DomainError {
  readonly code = 'too_many_requests' as const;
  readonly status = 429;
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Rate limit reached; retry after the time in Retry-After.',
  ) {
    super(message);
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly code = 'service_unavailable' as const;
  readonly status = 503;
}

/**
 * PostgreSQL's SQLSTATEs that mean "try again soon": the connection was lost or refused (class
 * 08), the server is shutting down or starting (57P01–57P03), a statement cancelled by its timeout
 * (57014), insufficient resources (class 53: disk, memory, connections), and a transaction that
 * lost a serialization or deadlock race (40001, 40P01).
 */
const SQLSTATE = /^[0-9A-Z]{5}$/;
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|57014|53...|40001|40P01)$/;
/**
 * Redis's answers that mean "try again soon": a replica or a failover in progress (READONLY,
 * MASTERDOWN, NOREPLICAS), a server loading its data (LOADING), out of memory under noeviction
 * (OOM), a script running too long (BUSY), a cluster resharding or down (TRYAGAIN, CLUSTERDOWN).
 */
const TRANSIENT_REDIS = /^(READONLY|MASTERDOWN|NOREPLICAS|LOADING|OOM|BUSY|TRYAGAIN|CLUSTERDOWN)\b/;

/**
 * The SQLSTATE of a PostgreSQL error, however it reached us: from `pg` directly (`code`), from
 * Prisma's driver adapter (`meta.driverAdapterError.cause.originalCode`, or `cause.originalCode`),
 * or from a raw query's message ("Code: `57P01`"). (Prisma's own codes, like P2010, also have five
 * characters: the wrapped SQLSTATE is preferred.)
 */
export function sqlStateOf(error: unknown): string | null {
  const e = error as {
    code?: unknown;
    message?: string;
    cause?: { originalCode?: unknown };
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  };
  const wrapped = [e?.meta?.driverAdapterError?.cause?.originalCode, e?.cause?.originalCode];
  for (const code of wrapped) if (typeof code === 'string' && SQLSTATE.test(code)) return code;
  const inMessage = /Code: `([0-9A-Z]{5})`/.exec(e?.message ?? '')?.[1];
  if (inMessage) return inMessage;
  return typeof e?.code === 'string' && SQLSTATE.test(e.code) ? e.code : null;
}

/** Errors of the storage layers that mean "try again soon", not "AutoCall is broken". */
export function isStorageUnavailable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string };
  const message = e?.message ?? '';
  const state = sqlStateOf(error);
  if (state && TRANSIENT_SQLSTATE.test(state)) return true;
  if (e?.name === 'ReplyError' && TRANSIENT_REDIS.test(message)) return true;
  return (
    ['P1001', 'P1002', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(e?.code ?? '') ||
    /Stream isn't writeable|Connection is closed|connect ECONNREFUSED|Can't reach database|Connection terminated|timeout exceeded when trying to connect|terminating connection|database system is|Client has encountered a connection error/i.test(
      message,
    ) ||
    e?.name === 'MaxRetriesPerRequestError'
  );
}

/**
 * Runs `step` until it no longer fails for lack of storage (PostgreSQL or Redis unreachable),
 * pausing 250 ms, then twice as long each time, up to 5 s; any other error is thrown at once. For
 * steps that must not be dropped halfway (a call already claimed has to be placed, or ended).
 */
export async function untilAvailable<T>(step: () => Promise<T>): Promise<T> {
  for (let pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
    try {
      return await step();
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

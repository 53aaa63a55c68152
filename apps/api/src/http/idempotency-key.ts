import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { InvalidRequestError } from '@autocall/common';

/**
 * The `Idempotency-Key` header of a request, validated (1–200 visible ASCII characters), or null
 * when none was sent. A bad key is a 400 before any work.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | null => {
  const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw InvalidRequestError.field('Idempotency-Key', 'invalid', 'must be 1 to 200 visible ASCII characters');
  }
  return value;
});

/** Documents the header and its two 409s on an operation that honours it. */
export function AcceptsIdempotencyKey(status: number) {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        `the first answer (${status} and its body) is stored and replayed exactly, with Idempotent-Replayed: true, ` +
        'for 24 hours; then the key is forgotten. The same key with another body: 409 idempotency_key_reused; ' +
        "while the key's first request is still in progress: 409 idempotency_request_in_flight",
    }),
    ApiResponse({
      status: 409,
      description: 'idempotency_key_reused (same key, another body) or idempotency_request_in_flight (retry later)',
    }),
  );
}

/** Marks a replayed answer. */
export function markReplayed(res: Response, replayed: boolean): void {
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
}

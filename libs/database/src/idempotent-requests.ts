import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError } from '@autocall/common';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

/** How long a key's first answer is replayed; after that the key is forgotten. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export type IdempotentOperation =
  'autocalls.submit' | 'callbacks.create' | 'call-stops.add' | 'pacing-simulations.request';

export interface KeyedRequest {
  tenantId: string;
  operation: IdempotentOperation;
  key: string;
  /** The request body; the same key with another body is refused. */
  body: unknown;
}

export interface StoredAnswer {
  statusCode: number;
  answer: unknown;
}

/**
 * Idempotency-Key as integrators know it (Stripe's semantics), decided inside the transaction that
 * does the request's work: a transaction-scoped advisory lock on the key (a second request while
 * the first is in flight: 409 `idempotency_request_in_flight`; the lock goes with a crashed
 * request's transaction, so a key is never stuck), then the stored answer (replayed exactly), or a
 * body that differs (409 `idempotency_key_reused`), or nothing: the caller does its work and
 * `remember`s its answer in the same transaction. Nothing is stored unless the work commits.
 * Answers hold personal data (numbers, references): they are kept 24 hours, then deleted by `forgetExpired`.
 */
@Injectable()
export class IdempotentRequests {
  constructor(private readonly prisma: PrismaService) {}

  static hashOf(body: unknown): string {
    return createHash('sha256').update(JSON.stringify(body)).digest('hex');
  }

  /** The stored answer to replay, or null: go on, and remember the answer in this transaction. */
  async claim(tx: Prisma.TransactionClient, request: KeyedRequest): Promise<StoredAnswer | null> {
    const { tenantId, operation, key } = request;
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(hashtextextended(${`${tenantId}/${operation}/${key}`}, 0)) AS locked`;
    if (!lock.locked) {
      throw new ConflictError(
        'A request with this Idempotency-Key is still in progress; retry once it has answered.',
        'idempotency_request_in_flight',
      );
    }
    const stored = await this.find(tx, request);
    if (stored?.expired) {
      await tx.$executeRaw`
        DELETE FROM idempotent_requests WHERE tenant_id = ${tenantId}::uuid AND operation = ${operation} AND key = ${key}`;
      return null;
    }
    return stored ? this.replayOf(stored, request) : null;
  }

  /** Without the lock: the answer of a request that has already answered, or null (decide in `claim`). */
  async peek(request: KeyedRequest): Promise<StoredAnswer | null> {
    const stored = await this.find(this.prisma, request);
    return stored && !stored.expired ? this.replayOf(stored, request) : null;
  }

  private async find(db: Prisma.TransactionClient, { tenantId, operation, key }: KeyedRequest) {
    const [stored] = await db.$queryRaw<
      { request_hash: string; status_code: number; answer: unknown; expired: boolean }[]
    >`
      SELECT request_hash, status_code, answer,
             created_at < now() - ${IDEMPOTENCY_KEY_TTL_HOURS} * interval '1 hour' AS expired
      FROM idempotent_requests
      WHERE tenant_id = ${tenantId}::uuid AND operation = ${operation} AND key = ${key}`;
    return stored as typeof stored | undefined;
  }

  private replayOf(
    stored: { request_hash: string; status_code: number; answer: unknown },
    request: KeyedRequest,
  ): StoredAnswer {
    if (stored.request_hash !== IdempotentRequests.hashOf(request.body)) {
      throw new ConflictError('This Idempotency-Key was used with a different request body.', 'idempotency_key_reused');
    }
    return { statusCode: stored.status_code, answer: stored.answer };
  }

  /** Stores the first answer, in the transaction that did the work (the caller holds the key's lock). */
  async remember(tx: Prisma.TransactionClient, request: KeyedRequest, stored: StoredAnswer): Promise<void> {
    await tx.idempotentRequest.create({
      data: {
        tenantId: request.tenantId,
        operation: request.operation,
        key: request.key,
        requestHash: IdempotentRequests.hashOf(request.body),
        statusCode: stored.statusCode,
        // As the integrator received it (JSON: instants as strings): what a replay gives back.
        answer: JSON.parse(JSON.stringify(stored.answer)) as Prisma.InputJsonValue,
      },
    });
  }

  /** Deletes the answers whose keys are forgotten, a batch at a time; returns how many. */
  async forgetExpired(batch = 1_000): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM idempotent_requests WHERE ctid IN (
        SELECT ctid FROM idempotent_requests
        WHERE created_at < now() - ${IDEMPOTENCY_KEY_TTL_HOURS} * interval '1 hour' LIMIT ${batch})`;
  }

  /** Erasure on request: the number taken out of the tenant's stored answers (replays give it as null). */
  async eraseNumber(tx: Prisma.TransactionClient, tenantId: string, phoneNumber: string): Promise<number> {
    return tx.$executeRaw`
      UPDATE idempotent_requests SET answer = erase_number_in(answer::text, ${phoneNumber})::jsonb
      WHERE tenant_id = ${tenantId}::uuid AND answer::text LIKE ${`%${phoneNumber.slice(1)}%`}`;
  }
}

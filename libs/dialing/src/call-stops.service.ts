import { Injectable } from '@nestjs/common';
import { decodeCursor, pageOf, NotFoundError } from '@autocall/common';
import { IdempotentRequests, KeyedRequest, Prisma, PrismaService } from '@autocall/database';

export interface CallStopView {
  phoneNumber: string;
  reason: string | null;
  expiresAt: Date | null;
  createdAt: Date;
}

/** The tenant's do-not-call list (CT-e1 架電止め). */
@Injectable()
export class CallStopsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly idempotency: IdempotentRequests,
  ) {}

  /** Adds the number (or updates its stop); with an Idempotency-Key, the first answer is replayed. */
  async add(
    tenantId: string,
    input: { phoneNumber: string; reason?: string; expiresAt?: Date },
    idempotencyKey: string | null = null,
  ): Promise<{ replayed: boolean; answer: CallStopView }> {
    const keyed: KeyedRequest | null = idempotencyKey
      ? { tenantId, operation: 'call-stops.add', key: idempotencyKey, body: input }
      : null;
    const earlier = keyed ? await this.idempotency.peek(keyed) : null;
    if (earlier) return { replayed: true, answer: earlier.answer as CallStopView };
    return this.prisma.$transaction(async (tx) => {
      const replay = keyed ? await this.idempotency.claim(tx, keyed) : null;
      if (replay) return { replayed: true, answer: replay.answer as CallStopView };
      const row = await tx.callStop.upsert({
        where: { tenantId_phoneNumber: { tenantId, phoneNumber: input.phoneNumber } },
        create: {
          tenantId,
          phoneNumber: input.phoneNumber,
          reason: input.reason ?? null,
          expiresAt: input.expiresAt ?? null,
        },
        update: { reason: input.reason ?? null, expiresAt: input.expiresAt ?? null },
      });
      const answer = {
        phoneNumber: row.phoneNumber,
        reason: row.reason,
        expiresAt: row.expiresAt,
        createdAt: row.createdAt,
      };
      if (keyed) await this.idempotency.remember(tx, keyed, { statusCode: 201, answer });
      return { replayed: false, answer };
    });
  }

  async list(tenantId: string, query: { cursor?: string; limit: number }) {
    const after = query.cursor
      ? decodeCursor(query.cursor, (v): v is { after: string } => typeof v.after === 'string').after
      : undefined;
    const rows = await this.prisma.callStop.findMany({
      where: { tenantId, ...(after ? { phoneNumber: { gt: after } } : {}) },
      orderBy: { phoneNumber: 'asc' },
      take: query.limit + 1,
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({ after: last.phoneNumber }));
    return {
      items: page.map((r) => ({
        phoneNumber: r.phoneNumber,
        reason: r.reason,
        expiresAt: r.expiresAt,
        createdAt: r.createdAt,
      })),
      nextCursor,
    };
  }

  async remove(tenantId: string, phoneNumber: string): Promise<void> {
    const { count } = await this.prisma.callStop.deleteMany({ where: { tenantId, phoneNumber } });
    if (count === 0) throw new NotFoundError('not_found', 'This number is not on the call-stop list.');
  }

  /** Is the number stopped right now? */
  async isStopped(tenantId: string, phoneNumber: string): Promise<boolean> {
    const row = await this.prisma.callStop.findUnique({ where: { tenantId_phoneNumber: { tenantId, phoneNumber } } });
    return !!row && (!row.expiresAt || row.expiresAt > new Date());
  }

  /** Erasure on request: the number leaves the list in clear (its hash takes its place, see ErasedNumbers). */
  async eraseNumber(tx: Prisma.TransactionClient, tenantId: string, phoneNumber: string): Promise<number> {
    return tx.$executeRaw`
      DELETE FROM call_stops WHERE tenant_id = ${tenantId}::uuid
        AND (phone_number = ${phoneNumber} OR reason LIKE ${`%${phoneNumber.slice(1)}%`})`;
  }
}

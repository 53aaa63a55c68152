import { Injectable } from '@nestjs/common';
import { ConflictError, decodeCursor, NotFoundError, pageOf } from '@autocall/common';
import { Prisma, PrismaService } from '@autocall/database';
import { WEBHOOK_NOTIFY_CHANNEL } from './webhook-outbox';
import { ListWebhookDeliveries } from './webhook-schemas';

const include = { event: { select: { id: true, type: true, createdAt: true } } } as const;
type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: typeof include }>;

const notFound = () => new NotFoundError('not_found', 'No webhook delivery with this id.');

/** The delivery log a tenant reads to see what was sent, and the hand retry (replay) of one. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(private readonly prisma: PrismaService) {}

  /** Newest first. */
  async list(tenantId: string, query: ListWebhookDeliveries) {
    const before = query.cursor
      ? decodeCursor(query.cursor, (v): v is { before: string } => typeof v.before === 'string').before
      : undefined;
    const rows = await this.prisma.webhookDelivery.findMany({
      where: {
        tenantId,
        ...(query.endpointId ? { endpointId: query.endpointId } : {}),
        ...(query.eventId ? { eventId: query.eventId } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.eventType ? { event: { type: query.eventType } } : {}),
        ...(query.since || query.until
          ? { createdAt: { ...(query.since ? { gte: query.since } : {}), ...(query.until ? { lt: query.until } : {}) } }
          : {}),
        ...(before ? { id: { lt: before } } : {}),
      },
      include,
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({ before: last.id }));
    return { items: page.map(view), nextCursor };
  }

  /** One delivery, with every attempt and the event it carries. */
  async get(tenantId: string, id: string) {
    const row = await this.prisma.webhookDelivery.findFirst({
      where: { tenantId, id },
      include: { event: true, attemptLog: { orderBy: { attempt: 'asc' } } },
    });
    if (!row) throw notFound();
    return {
      ...view(row),
      event: { id: row.event.id, type: row.event.type, createdAt: row.event.createdAt, tenantId, data: row.event.data },
      attemptLog: row.attemptLog.map((a) => ({
        attempt: a.attempt,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        statusCode: a.statusCode,
        error: a.error,
        responseExcerpt: a.responseExcerpt,
      })),
    };
  }

  /**
   * Sends a delivery again (a failed one, or a delivered one to replay it): it becomes pending,
   * with a fresh schedule of attempts numbered after the ones already made.
   */
  async retry(tenantId: string, id: string) {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.webhookDelivery.findFirst({ where: { tenantId, id }, include: { endpoint: true } });
      if (!row) throw notFound();
      if (row.status === 'pending') throw new ConflictError('This delivery is pending already.');
      if (!row.endpoint.enabled) throw new ConflictError('Its endpoint is disabled; enable it first.');
      await tx.webhookDelivery.update({
        where: { id },
        data: {
          status: 'pending',
          nextAttemptAt: new Date(),
          enqueuedAt: null,
          deliveredAt: null,
          failedAt: null,
          // The schedule starts again: attempts keep counting, the delays restart (see the relay).
          retryBase: row.attempts,
        },
      });
      await tx.$executeRaw`SELECT pg_notify(${WEBHOOK_NOTIFY_CHANNEL}, '')`;
    });
    return this.get(tenantId, id);
  }

  /**
   * Erasure on request: the number taken out of the tenant's event payloads (a delivery still to
   * come sends them so) and of what receivers answered and attempts recorded.
   */
  async eraseNumber(
    tx: Prisma.TransactionClient,
    tenantId: string,
    phoneNumber: string,
  ): Promise<{ webhookEvents: number; webhookDeliveryAttempts: number }> {
    const like = `%${phoneNumber.slice(1)}%`;
    // A disposition's notes are the agent's free text about the person (as the contact's are, they
    // go with the number): blanked in the events about the number's contacts. Text, not jsonb: the
    // payload keeps its key order.
    await tx.$executeRaw`
      UPDATE webhook_events SET data = replace(data::text, (data->'disposition'->'notes')::text, 'null')::json
      WHERE tenant_id = ${tenantId}::uuid AND type = 'contact.disposition_set' AND data->>'phoneNumber' = ${phoneNumber}
        AND json_typeof(data->'disposition'->'notes') = 'string'`;
    const webhookEvents = await tx.$executeRaw`
      UPDATE webhook_events SET data = erase_number_in(data::text, ${phoneNumber})::json
      WHERE tenant_id = ${tenantId}::uuid AND data::text LIKE ${like}`;
    const webhookDeliveryAttempts = await tx.$executeRaw`
      UPDATE webhook_delivery_attempts a
      SET response_excerpt = erase_number_in(a.response_excerpt, ${phoneNumber}), error = erase_number_in(a.error, ${phoneNumber})
      FROM webhook_deliveries d
      WHERE a.delivery_id = d.id AND d.tenant_id = ${tenantId}::uuid
        AND (a.response_excerpt LIKE ${like} OR a.error LIKE ${like})`;
    await tx.$executeRaw`
      UPDATE webhook_deliveries SET last_error = erase_number_in(last_error, ${phoneNumber})
      WHERE tenant_id = ${tenantId}::uuid AND last_error LIKE ${like}`;
    return { webhookEvents, webhookDeliveryAttempts };
  }
}

function view(row: DeliveryRow) {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.event.type,
    endpointId: row.endpointId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    failedAt: row.failedAt,
    createdAt: row.createdAt,
  };
}

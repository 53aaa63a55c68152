import { Injectable, Logger } from '@nestjs/common';
import { decodeCursor, pageOf, isUuid, NotFoundError } from '@autocall/common';
import { Prisma, PrismaService } from '@autocall/database';
import { RedisService } from '@autocall/redis';
import { CallRecords } from './call-records';
import { CapacityService } from './capacity.service';
import { PublicContactStatus, publicContactStatus, storedContactFilter } from './contact-lifecycle';

export interface ContactQuery {
  from?: Date;
  to?: Date;
  autocallId?: string;
  reference?: string;
  agentId?: string;
  phoneNumber?: string;
  status?: PublicContactStatus[];
  direction?: 'outbound' | 'inbound';
  cursor?: string;
  limit: number;
}

const ms = (from: Date | null, to: Date | null) => (from && to ? to.getTime() - from.getTime() : null);

/** A contact command for the worker that holds the call (see ContactCommands in the worker). */
export interface ContactCommand {
  type: 'end';
  tenantId: string;
  contactId: string;
  reason: string;
}

/**
 * Call history (CT-e1 通話履歴取得), one contact's timeline, End a Contact, and the answered calls
 * waiting for an agent (CT-e1 待呼取得).
 */
@Injectable()
export class ContactsService {
  private readonly logger = new Logger(ContactsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly capacity: CapacityService,
    private readonly records: CallRecords,
  ) {}

  commandChannel(): string {
    return `${this.redis.keys.prefix}:events:contact-commands`;
  }

  async list(tenantId: string, query: ContactQuery) {
    // Newest first by id (uuidv7: time-ordered), so pages stay stable while contacts are added.
    const before = query.cursor
      ? decodeCursor(query.cursor, (v): v is { before: string } => typeof v.before === 'string' && isUuid(v.before))
          .before
      : null;
    if (query.direction === 'inbound') return { items: [], nextCursor: null }; // AutoCall places outbound calls only
    const where: Prisma.ContactWhereInput = {
      tenantId,
      ...(before ? { id: { lt: before } } : {}),
      ...(query.from || query.to
        ? { createdAt: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } }
        : {}),
      ...(query.autocallId ? { autocallId: query.autocallId } : {}),
      ...(query.agentId ? { agentId: query.agentId } : {}),
      ...(query.phoneNumber ? { phoneNumber: query.phoneNumber } : {}),
      ...(query.status ? { OR: query.status.map(storedContactFilter) } : {}),
    };
    if (query.reference) {
      const targets = await this.prisma.target.findMany({
        where: { tenantId, reference: query.reference },
        select: { id: true },
      });
      where.targetId = { in: targets.map((t) => t.id) };
    }
    const rows = await this.prisma.contact.findMany({ where, orderBy: { id: 'desc' }, take: query.limit + 1 });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({ before: last.id }));
    const references = await this.references(page.map((c) => c.targetId));
    return {
      items: page.map((c) => this.summary(c, references.get(c.targetId) ?? null)),
      nextCursor,
    };
  }

  async get(tenantId: string, contactId: string) {
    const contact = await this.find(tenantId, contactId);
    const events = await this.prisma.contactEvent.findMany({ where: { contactId }, orderBy: { id: 'asc' } });
    const references = await this.references([contact.targetId]);
    const target = await this.prisma.target.findUnique({
      where: { id: contact.targetId },
      select: { status: true, reason: true },
    });
    return {
      ...this.summary(contact, references.get(contact.targetId) ?? null),
      target: { targetId: contact.targetId, status: target?.status ?? null, reason: target?.reason ?? null },
      timeline: events.map((e) => ({
        status: publicContactStatus(e.status, contact.abandoned),
        at: e.at,
        cause: e.cause,
        agentId: e.agentId,
      })),
    };
  }

  /**
   * End a Contact: the worker holding the call ends it (CANCEL before an answer, BYE after); a
   * dial not placed yet is stopped before it is. Ending an ending or ended contact is harmless.
   */
  async end(tenantId: string, contactId: string, reason: string) {
    const contact = await this.find(tenantId, contactId);
    if (contact.status !== 'ended') {
      // The intent is durable first (the first reason asked stays); the message only makes it quick.
      await this.records.requestEnd(tenantId, contactId, reason);
      const command: ContactCommand = { type: 'end', tenantId, contactId, reason };
      await this.redis.client
        .publish(this.commandChannel(), JSON.stringify(command))
        .catch((error: unknown) =>
          this.logger.warn(
            `End a Contact ${contactId}: the message was not sent (${(error as Error).message}); the worker's keeper will act`,
          ),
        );
    }
    return {
      contactId,
      status: publicContactStatus(contact.status, contact.abandoned),
      endRequested: contact.status !== 'ended',
      endedAt: contact.endedAt,
    };
  }

  /** Answered contacts of a skill waiting for an agent, in the order they will be served. */
  async waiting(tenantId: string, skill: string) {
    const known = await this.prisma.skill.findUnique({ where: { tenantId_name: { tenantId, name: skill } } });
    if (!known) throw new NotFoundError('not_found', 'No such skill.');
    const entries = await this.redis.client.zrange(
      `${this.redis.keys.tenantTag(tenantId)}:waiting:${skill}`,
      '0',
      '-1',
      'WITHSCORES',
    );
    const order: { contactId: string; answeredAt: number }[] = [];
    for (let i = 0; i < entries.length; i += 2)
      order.push({ contactId: entries[i], answeredAt: Number(entries[i + 1]) });
    const rows = await this.prisma.contact.findMany({ where: { id: { in: order.map((o) => o.contactId) }, tenantId } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const references = await this.references(rows.map((r) => r.targetId));
    const now = Date.now();
    return {
      skill,
      items: order
        .filter((o) => byId.has(o.contactId))
        .map((o, position) => {
          const c = byId.get(o.contactId)!;
          return {
            position,
            contactId: c.id,
            autocallId: c.autocallId,
            reference: references.get(c.targetId) ?? null,
            phoneNumber: c.phoneNumber,
            answeredAt: new Date(o.answeredAt),
            waitingMs: now - o.answeredAt,
          };
        }),
    };
  }

  /** The live contacts of an AutoCall (for cancel with hangUp). */
  async liveOf(autocallId: string): Promise<string[]> {
    const rows = await this.prisma.contact.findMany({
      where: { autocallId, status: { not: 'ended' } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  async liveOfAgent(tenantId: string, agentId: string): Promise<string[]> {
    const rows = await this.prisma.contact.findMany({
      where: { tenantId, agentId, status: { in: ['connected', 'answered', 'waiting'] } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  private async find(tenantId: string, contactId: string) {
    const contact = isUuid(contactId)
      ? await this.prisma.contact.findFirst({ where: { id: contactId, tenantId } })
      : null;
    if (!contact) throw new NotFoundError('invalid_contact_id', 'No contact with this id.');
    return contact;
  }

  private async references(targetIds: string[]): Promise<Map<string, string | null>> {
    const rows = await this.prisma.target.findMany({
      where: { id: { in: [...new Set(targetIds)] } },
      select: { id: true, reference: true },
    });
    return new Map(rows.map((r) => [r.id, r.reference]));
  }

  private summary(c: Prisma.ContactGetPayload<object>, reference: string | null) {
    return {
      contactId: c.id,
      direction: 'outbound' as const,
      autocallId: c.autocallId,
      targetId: c.targetId,
      reference,
      attempt: c.attempt,
      skill: c.skill,
      phoneNumber: c.phoneNumber,
      callerId: c.callerId,
      status: publicContactStatus(c.status, c.abandoned),
      agentId: c.agentId,
      answeredBy: c.answeredBy,
      detection: c.detection as 'pending' | 'human' | 'machine' | 'unknown' | null,
      cause: c.cause,
      sipCode: c.sipCode,
      disposition:
        c.disposition && c.dispositionAt
          ? {
              code: c.disposition,
              notes: c.dispositionNotes,
              by: c.dispositionBy as 'agent' | 'supervisor' | 'integrator' | 'admin' | 'default',
              at: c.dispositionAt,
            }
          : null,
      wrapUpUntil: c.wrapUpUntil,
      createdAt: c.createdAt,
      ringingAt: c.ringingAt,
      answeredAt: c.answeredAt,
      connectedAt: c.connectedAt,
      endedAt: c.endedAt,
      durations: {
        ringMs: ms(c.ringingAt, c.answeredAt ?? c.endedAt),
        waitMs: ms(c.answeredAt, c.connectedAt ?? c.endedAt),
        talkMs: ms(c.connectedAt, c.endedAt),
        totalMs: ms(c.createdAt, c.endedAt),
      },
    };
  }
}

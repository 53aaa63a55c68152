import { Injectable } from '@nestjs/common';
import { decodeCursor, isUuid, pageOf } from '@autocall/common';
import { AuditEvent, PrismaService } from '@autocall/database';
import type { Caller } from '@autocall/tenancy';
import type { AuditEntry } from './audit-entry';
import type { AuditEventListQuery } from './audit-schemas';

type Position = { at: string; id: string };
const isPosition = (v: Record<string, unknown>): v is Position =>
  typeof v.at === 'string' && !Number.isNaN(Date.parse(v.at)) && typeof v.id === 'string' && isUuid(v.id);

/** The audit trail: the one owner of audit_events, which are written once and never changed. */
@Injectable()
export class AuditEvents {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores one event; its id and time come from PostgreSQL. */
  async record(caller: Caller, requestId: string, entry: AuditEntry): Promise<void> {
    await this.prisma.auditEvent.create({
      data: {
        tenantId: caller.tenantId,
        requestId,
        keyId: caller.keyId,
        role: caller.role,
        agentId: caller.role === 'agent' ? caller.agentId : null,
        ...entry,
      },
      select: { id: true },
    });
  }

  /** A tenant's events, newest first (by PostgreSQL's time, then id), filtered. */
  async list(tenantId: string, query: AuditEventListQuery) {
    const after = query.cursor ? decodeCursor(query.cursor, isPosition) : null;
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        tenantId,
        ...(query.keyId ? { keyId: query.keyId } : {}),
        ...(query.resourceType ? { resourceType: query.resourceType } : {}),
        ...(query.resourceId ? { resourceId: query.resourceId } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.from || query.to
          ? { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } }
          : {}),
        ...(after
          ? { OR: [{ at: { lt: new Date(after.at) } }, { at: new Date(after.at), id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({ at: last.at.toISOString(), id: last.id }));
    return { items: page.map(view), nextCursor };
  }
}

function view(row: AuditEvent) {
  return {
    id: row.id,
    at: row.at,
    requestId: row.requestId,
    keyId: row.keyId,
    role: row.role,
    agentId: row.agentId,
    action: row.action,
    method: row.method,
    route: row.route,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    status: row.status,
  };
}

import { z } from 'zod';
import { instantSchema } from '@autocall/common';
import { ROLES } from '@autocall/tenancy';
import { MUTATING_METHODS } from './audit-entry';

/** GET /v1/audit-events: filters, all optional, and the page. */
export const auditEventListQuery = z
  .object({
    /** Events at or after this instant. */
    from: instantSchema.optional(),
    /** Events before this instant. */
    to: instantSchema.optional(),
    keyId: z.uuid().optional(),
    resourceType: z.string().max(64).optional(),
    resourceId: z.string().max(64).optional(),
    action: z.string().max(100).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditEventListQuery = z.infer<typeof auditEventListQuery>;

const instant = z.iso.datetime({ offset: true });

/** One audit event: a successful mutating request. No phone number, secret or body, ever. */
export const auditEventSchema = z.object({
  id: z.uuid(),
  /** When it was recorded, by PostgreSQL's clock. */
  at: instant,
  /** The request's x-request-id, as the logs carry it. */
  requestId: z.string(),
  /** Who: the API key, its role, and for an agent key the agent it acts for. */
  keyId: z.uuid(),
  role: z.enum(ROLES),
  agentId: z.string().nullable(),
  /** What, e.g. autocall.submitted (README, "Audit trail"). */
  action: z.string(),
  method: z.enum(MUTATING_METHODS),
  /** The route template, e.g. /v1/autocalls/{id}/cancel. */
  route: z.string(),
  resourceType: z.string(),
  /** null when the resource has no id that is not personal data (a call stop's number). */
  resourceId: z.string().nullable(),
  /** The HTTP status of the answer. */
  status: z.int(),
});

export const auditEventPageSchema = z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() });

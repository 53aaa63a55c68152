import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidRequestError, NotFoundError, uuidv7 } from '@autocall/common';
import { ApiKey, Prisma, PrismaService } from '@autocall/database';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-secret';
import { Caller, Role } from './roles';

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  agentId: string | null;
  keyPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** The key itself: shown once, never stored. */
  key: string;
}

// last_used_at is informative; writing it on every request would cost a write per call.
const LAST_USED_RESOLUTION_MS = 60_000;

export function toApiKeyView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    agentId: row.agentId,
    keyPrefix: row.keyPrefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(private readonly prisma: PrismaService) {}

  /** Resolves a bearer key to its caller, or null for a missing, unknown or revoked key. */
  async authenticate(key: string): Promise<Caller | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(key) } });
    if (!row || row.revokedAt) return null;
    const now = Date.now();
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
    }
    return { tenantId: row.tenantId, keyId: row.id, role: row.role, agentId: row.agentId };
  }

  /** Whether the key can still be used: it exists and is not revoked. */
  async isActive(keyId: string): Promise<boolean> {
    const row = await this.prisma.apiKey.findUnique({ where: { id: keyId }, select: { revokedAt: true } });
    return !!row && !row.revokedAt;
  }

  async create(
    tenantId: string,
    input: { name: string; role: Role; agentId?: string | null },
    db: Prisma.TransactionClient = this.prisma,
    key: string = generateApiKey(),
  ): Promise<CreatedApiKey> {
    if (input.role === 'agent' && !input.agentId) {
      throw InvalidRequestError.field('agentId', 'required', 'An agent key must name the agent it acts for.');
    }
    if (input.role !== 'agent' && input.agentId) {
      throw InvalidRequestError.field('agentId', 'not_allowed', 'Only keys with role agent act for one agent.');
    }
    if (input.agentId) {
      const agent = await db.agent.findUnique({ where: { tenantId_id: { tenantId, id: input.agentId } } });
      if (!agent) throw InvalidRequestError.field('agentId', 'unknown_agent', 'No agent with this id.');
    }
    const row = await db.apiKey.create({
      data: {
        id: uuidv7(),
        tenantId,
        name: input.name,
        role: input.role,
        agentId: input.agentId ?? null,
        keyPrefix: apiKeyPrefix(key),
        keyHash: hashApiKey(key),
      },
    });
    return { ...toApiKeyView(row), key };
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    const rows = await this.prisma.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
    return rows.map(toApiKeyView);
  }

  /**
   * Revokes a key at once. Revoking twice is harmless. The tenant's last active admin key cannot
   * be revoked, so a tenant can never lock itself out.
   */
  async revoke(caller: Caller, keyId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      // Serialises concurrent revocations of one tenant's keys (the last-admin rule).
      await tx.$queryRaw`SELECT id FROM tenants WHERE id = ${caller.tenantId}::uuid FOR UPDATE`;
      const row = await tx.apiKey.findFirst({ where: { id: keyId, tenantId: caller.tenantId } });
      if (!row) throw new NotFoundError('not_found', 'No API key with this id.');
      if (row.revokedAt) return;
      if (row.role === 'admin') {
        const admins = await tx.apiKey.count({
          where: { tenantId: caller.tenantId, role: 'admin', revokedAt: null },
        });
        if (admins <= 1)
          throw new ConflictError('This is the last active admin key of the tenant; create another first.');
      }
      await tx.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    });
  }
}

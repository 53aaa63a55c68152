/**
 * Every Redis key AutoCall uses, in one place. Keys of one tenant share the hash tag `{<tenantId>}`
 * so that the Lua scripts that update a tenant's live view atomically stay on one cluster slot.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  tenantTag(tenantId: string): string {
    return `${this.prefix}:{${tenantId}}`;
  }

  /** Marker that the tenant's live view was built from PostgreSQL (absent after a Redis loss). */
  liveViewMarker(tenantId: string): string {
    return `${this.tenantTag(tenantId)}:live`;
  }

  agent(tenantId: string, agentId: string): string {
    return `${this.tenantTag(tenantId)}:agent:${agentId}`;
  }

  /** Set of the logged-in agents' ids (logged-out ones keep only their hash, as a tombstone). */
  agents(tenantId: string): string {
    return `${this.tenantTag(tenantId)}:agents`;
  }

  /** Available agents of a skill, scored by the time they became available (longest idle first). */
  availableAgents(tenantId: string, skill: string): string {
    return `${this.tenantTag(tenantId)}:available:${skill}`;
  }

  lines(tenantId: string): string {
    return `${this.tenantTag(tenantId)}:lines`;
  }

  /** Inbound calls in progress, as last reported by the tenant's PBX or SBC (expires unless refreshed). */
  inboundLines(tenantId: string): string {
    return `${this.tenantTag(tenantId)}:inbound`;
  }

  rateLimit(tenantId: string, action: string): string {
    return `${this.tenantTag(tenantId)}:rate:${action}`;
  }

  /** Pub/sub channel on which every revoked API key is announced (to every API replica). */
  apiKeyRevokedChannel(): string {
    return `${this.prefix}:events:api-key-revoked`;
  }
}

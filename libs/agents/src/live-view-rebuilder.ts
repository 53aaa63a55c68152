import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@autocall/database';
import { RedisService } from '@autocall/redis';
import { AgentLiveView } from './agent-live-view';
import { toAgentSnapshot } from './agent-view';

/**
 * Rebuilds a tenant's live view in Redis from PostgreSQL. Idempotent and safe beside live
 * updates: every snapshot goes through the same version guard, so a newer live update always wins.
 * Other capabilities (lines, and later reservations and held targets) register their own parts.
 */
export interface LiveViewPart {
  readonly name: string;
  /** `lost`: Redis lost the tenant's view (rebuild everything); else a cheap repair pass. */
  rebuild(tenantId: string, lost: boolean): Promise<void>;
}

@Injectable()
export class AgentLiveViewPart implements LiveViewPart {
  readonly name = 'agents';

  constructor(
    private readonly prisma: PrismaService,
    private readonly liveView: AgentLiveView,
  ) {}

  async rebuild(tenantId: string): Promise<void> {
    const agents = await this.prisma.agent.findMany({ where: { tenantId } });
    for (const agent of agents) await this.liveView.apply(toAgentSnapshot(agent));
  }
}

@Injectable()
export class LiveViewRebuilder {
  private readonly logger = new Logger(LiveViewRebuilder.name);
  private readonly parts: LiveViewPart[] = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    agents: AgentLiveViewPart,
  ) {
    this.register(agents);
  }

  register(part: LiveViewPart): void {
    if (!this.parts.some((p) => p.name === part.name)) this.parts.push(part);
  }

  async isBuilt(tenantId: string): Promise<boolean> {
    return (await this.redis.client.exists(this.redis.keys.liveViewMarker(tenantId))) === 1;
  }

  async rebuildTenant(tenantId: string, lost = true): Promise<void> {
    for (const part of this.parts) await part.rebuild(tenantId, lost);
    await this.redis.client.set(this.redis.keys.liveViewMarker(tenantId), new Date().toISOString());
  }

  /** Rebuilds every tenant whose live view is missing (after a Redis loss), or all when `force`. */
  async rebuildMissing(force = false): Promise<string[]> {
    const tenants = await this.prisma.tenant.findMany({ select: { id: true } });
    const rebuilt: string[] = [];
    for (const { id } of tenants) {
      const built = await this.isBuilt(id);
      if (built && !force) continue;
      await this.rebuildTenant(id, !built);
      if (!built) rebuilt.push(id);
    }
    if (rebuilt.length) this.logger.log(`rebuilt the live view of ${rebuilt.length} tenant(s) from PostgreSQL`);
    return rebuilt;
  }
}

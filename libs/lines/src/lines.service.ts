import { Injectable, OnModuleInit } from '@nestjs/common';
import { LiveViewPart, LiveViewRebuilder } from '@autocall/agents';
import { PrismaService } from '@autocall/database';
import { RedisService } from '@autocall/redis';
import { lineUsage, LineUsage } from './line-usage';

// Capacity changes carry the revision PostgreSQL gave them; an older one never wins, whatever the
// order the writes arrive in. (The field was capacityVersion, the application's clock, before.)
const SET_LINE_CAPACITY = `
local current = tonumber(redis.call('HGET', KEYS[1], 'capacityRevision') or '-1')
if current > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'capacity', ARGV[1], 'capacityRevision', ARGV[2])
return 1
`;

/** How long a report of inbound calls holds unless refreshed, by default. */
export const INBOUND_REPORT_TTL_SECONDS = 30;

type LinesRedis = { setLineCapacity(key: string, capacity: string, revision: string): Promise<number> };

/**
 * Whatever takes lines in Redis for calls in progress (the dialing engine's live contacts): after a
 * Redis loss it restores them from PostgreSQL when asked, before the capacity reappears.
 */
export interface LiveLinesSource {
  restoreLiveLines(tenantId: string): Promise<void>;
}

@Injectable()
export class LinesService implements LiveViewPart, OnModuleInit {
  readonly name = 'lines';
  private readonly sources: LiveLinesSource[] = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly rebuilder: LiveViewRebuilder,
  ) {
    if (!('setLineCapacity' in redis.client)) {
      redis.client.defineCommand('setLineCapacity', { numberOfKeys: 1, lua: SET_LINE_CAPACITY });
    }
  }

  onModuleInit(): void {
    this.rebuilder.register(this);
  }

  registerSource(source: LiveLinesSource): void {
    if (!this.sources.includes(source)) this.sources.push(source);
  }

  async setCapacity(tenantId: string, capacity: number): Promise<LineUsage> {
    // One statement: the row lock orders concurrent changes, and each gets the next revision.
    const [row] = await this.prisma.$queryRaw<{ capacity: number; revision: number }[]>`
      INSERT INTO line_settings (tenant_id, capacity, revision, updated_at)
      VALUES (${tenantId}::uuid, ${capacity}, 1, now())
      ON CONFLICT (tenant_id) DO UPDATE
        SET capacity = EXCLUDED.capacity, revision = line_settings.revision + 1, updated_at = now()
      RETURNING capacity, revision`;
    await this.ensureLive(tenantId);
    await this.writeCapacity(tenantId, row.capacity, row.revision);
    return this.usage(tenantId);
  }

  /**
   * The tenant's PBX or SBC says how many inbound calls are in progress on the trunk: they take
   * lines from the outbound bound until the report expires (a reporter that goes silent never
   * holds lines for ever: its last word falls back to zero), or until the next report.
   */
  async reportInbound(tenantId: string, inUse: number, ttlSeconds: number): Promise<LineUsage> {
    // PostgreSQL decides with it (contacts_take_line), by its own clock; Redis's copy only admits.
    await this.prisma.$executeRaw`
      UPDATE line_settings SET inbound_in_use = ${inUse},
        inbound_until = CASE WHEN ${inUse}::int > 0 THEN now() + ${ttlSeconds}::int * interval '1 second' END
      WHERE tenant_id = ${tenantId}::uuid`;
    const key = this.redis.keys.inboundLines(tenantId);
    if (inUse > 0) await this.redis.client.set(key, String(inUse), 'PX', ttlSeconds * 1_000);
    else await this.redis.client.del(key);
    return this.usage(tenantId);
  }

  async usage(tenantId: string): Promise<LineUsage> {
    const key = this.redis.keys.lines(tenantId);
    let hash = await this.redis.client.hgetall(key);
    if (hash.capacity === undefined) {
      // Redis lost the lines (or never had them): take them from PostgreSQL now. The rest of the
      // live view is the worker's to rebuild.
      await this.ensureLive(tenantId);
      hash = await this.redis.client.hgetall(key);
    }
    // Every live outbound contact holds a line from its reservation on; `reserved` of them are
    // still being placed.
    const live = await this.redis.client.zcard(`${this.redis.keys.tenantTag(tenantId)}:contacts`);
    const inbound = Number((await this.redis.client.get(this.redis.keys.inboundLines(tenantId))) ?? 0);
    const reserved = Math.max(0, Number(hash.reserved ?? 0));
    return lineUsage({
      capacity: Number(hash.capacity ?? 0),
      outbound: Math.max(0, live - reserved),
      inbound,
      reserved,
    });
  }

  /**
   * Makes sure Redis knows the tenant's lines (a new tenant, or after a Redis loss). The lines that
   * calls in progress take come back first, and the capacity last: without a capacity nothing can
   * be reserved, so nothing is dialed past the bound while calls that outlived the loss are not
   * counted yet.
   */
  async ensureLive(tenantId: string): Promise<void> {
    if (await this.redis.client.hexists(this.redis.keys.lines(tenantId), 'capacity')) return;
    for (const source of this.sources) await source.restoreLiveLines(tenantId);
    await this.rebuild(tenantId);
  }

  /** Live-view part: after a loss, everything as in ensureLive; else a repair of the capacity. */
  async rebuild(tenantId: string, lost = false): Promise<void> {
    if (lost) return this.ensureLive(tenantId);
    const row = await this.prisma.lineSettings.findUnique({ where: { tenantId } });
    await this.writeCapacity(tenantId, row?.capacity ?? 0, row?.revision ?? 0);
  }

  private async writeCapacity(tenantId: string, capacity: number, revision: number): Promise<void> {
    await (this.redis.client as unknown as LinesRedis).setLineCapacity(
      this.redis.keys.lines(tenantId),
      String(capacity),
      String(revision),
    );
  }
}

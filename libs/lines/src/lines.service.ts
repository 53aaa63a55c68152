import { Injectable, OnModuleInit } from '@nestjs/common';
import { LiveViewPart, LiveViewRebuilder } from '@autocall/agents';
import { PrismaService } from '@autocall/database';
import { RedisService } from '@autocall/redis';
import { lineUsage, LineUsage } from './line-usage';

// Capacity changes carry their PostgreSQL update time as a version; an older write never wins.
const SET_LINE_CAPACITY = `
local current = tonumber(redis.call('HGET', KEYS[1], 'capacityVersion') or '-1')
if current > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'capacity', ARGV[1], 'capacityVersion', ARGV[2])
return 1
`;

type LinesRedis = { setLineCapacity(key: string, capacity: string, version: string): Promise<number> };

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
    const row = await this.prisma.lineSettings.upsert({
      where: { tenantId },
      create: { tenantId, capacity },
      update: { capacity },
    });
    await this.ensureLive(tenantId);
    await this.writeCapacity(tenantId, row.capacity, row.updatedAt);
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
    const reserved = Math.max(0, Number(hash.reserved ?? 0));
    return lineUsage({
      capacity: Number(hash.capacity ?? 0),
      outbound: Math.max(0, live - reserved),
      inbound: Number(hash.inbound ?? 0),
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
    await this.writeCapacity(tenantId, row?.capacity ?? 0, row?.updatedAt ?? new Date(0));
  }

  private async writeCapacity(tenantId: string, capacity: number, version: Date): Promise<void> {
    await (this.redis.client as unknown as LinesRedis).setLineCapacity(
      this.redis.keys.lines(tenantId),
      String(capacity),
      String(version.getTime()),
    );
  }
}

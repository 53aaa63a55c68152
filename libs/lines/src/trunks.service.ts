import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { ConflictError, NotFoundError, uuidv7 } from '@autocall/common';
import { PrismaService } from '@autocall/database';
import type { Trunk } from '@autocall/database';
import { SecretBox } from '@autocall/secrets';
import type { TrunkRoute } from '@autocall/telephony';
import { CreateTrunk, TrunkAnswer, TrunkUsage, UpdateTrunk } from './trunk-schemas';

const notFound = () => new NotFoundError('not_found', 'No trunk with this id.');
const nameTaken = () => new ConflictError('The tenant has a trunk with this name already.');

function answer(row: Trunk): TrunkAnswer {
  return {
    id: row.id,
    name: row.name,
    target: row.target,
    transport: row.transport as TrunkAnswer['transport'],
    username: row.username,
    hasPassword: row.password !== null,
    channels: row.channels,
    callsPerSecond: row.callsPerSecond,
    priority: row.priority,
    callerIds: row.callerIds ?? [],
    overloadPauseSeconds: row.overloadPauseSeconds,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === 'P2002';

/**
 * A tenant's trunks (carriers): their settings for the API, their use now, and the route of a dial
 * for the worker (the one place a trunk's password is opened, sealed at rest by the SecretBox).
 * What a dial may take of a trunk is PostgreSQL's to decide (take_trunk, migration trunks).
 */
@Injectable()
export class TrunksService implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly box: SecretBox,
  ) {}

  /** Each trunk's use at every scrape, by PostgreSQL's clock (one query for every tenant's trunks). */
  onModuleInit(): void {
    if (register.getSingleMetric('autocall_trunks')) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'autocall_trunks',
      help:
        "Each trunk's channels, channels in use, calls per second, calls started in the last second, " +
        'and seconds left of its pause after an overload (0: not paused)',
      labelNames: ['tenant', 'trunk', 'kind'],
      async collect() {
        this.reset();
        for (const t of await self.usageOfAll()) {
          const labels = (kind: string) => ({ tenant: t.tenantId, trunk: t.id, kind });
          this.set(labels('channels'), t.channels);
          this.set(labels('channels_in_use'), t.channelsInUse);
          this.set(labels('calls_per_second'), t.callsPerSecond);
          this.set(labels('calls_last_second'), t.callsLastSecond);
          this.set(
            labels('paused_seconds'),
            t.pausedUntil ? Math.max(0, (Date.parse(t.pausedUntil) - Date.now()) / 1000) : 0,
          );
        }
      },
    });
  }

  async create(tenantId: string, input: CreateTrunk): Promise<TrunkAnswer> {
    try {
      const row = await this.prisma.trunk.create({
        data: {
          id: uuidv7(),
          tenantId,
          name: input.name,
          target: input.target,
          transport: input.transport,
          username: input.username,
          password: input.password === null ? null : this.box.seal(input.password),
          channels: input.channels,
          callsPerSecond: input.callsPerSecond,
          priority: input.priority,
          callerIds: input.callerIds,
          overloadPauseSeconds: input.overloadPauseSeconds,
        },
      });
      return answer(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }

  async list(tenantId: string): Promise<{ items: TrunkAnswer[] }> {
    const rows = await this.prisma.trunk.findMany({
      where: { tenantId },
      orderBy: [{ priority: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    });
    return { items: rows.map(answer) };
  }

  async get(tenantId: string, id: string): Promise<TrunkAnswer> {
    const row = await this.prisma.trunk.findFirst({ where: { tenantId, id } });
    if (!row) throw notFound();
    return answer(row);
  }

  async update(tenantId: string, id: string, patch: UpdateTrunk): Promise<TrunkAnswer> {
    const { password, ...rest } = patch;
    const data = {
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      ...(password === undefined ? {} : { password: password === null ? null : this.box.seal(password) }),
      updatedAt: new Date(),
    };
    try {
      const { count } = await this.prisma.trunk.updateMany({ where: { tenantId, id }, data });
      if (count === 0) throw notFound();
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
    return this.get(tenantId, id);
  }

  /** Deleted only while it carries no call (PostgreSQL's count of its live contacts, in the statement). */
  async remove(tenantId: string, id: string): Promise<void> {
    const deleted = await this.prisma.$executeRaw`
      DELETE FROM trunks WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid AND channels_in_use = 0`;
    if (deleted > 0) return;
    await this.get(tenantId, id);
    throw new ConflictError('The trunk carries calls now; delete it once they have ended (channelsInUse 0).');
  }

  /** Each trunk's use now, by PostgreSQL's clock; empty for a tenant on the default trunk. */
  async usage(tenantId: string): Promise<TrunkUsage[]> {
    return (await this.usageOf(tenantId)).map(({ tenantId: _tenant, ...usage }) => usage);
  }

  /** Every tenant's trunks' use now (the metrics' gauge), with their tenant. */
  async usageOfAll(): Promise<(TrunkUsage & { tenantId: string })[]> {
    return this.usageOf(null);
  }

  private async usageOf(tenantId: string | null): Promise<(TrunkUsage & { tenantId: string })[]> {
    const rows = await this.prisma.$queryRaw<
      {
        tenant_id: string;
        id: string;
        name: string;
        priority: number;
        channels: number;
        channels_in_use: number;
        calls_per_second: number;
        calls_last_second: number;
        paused_until: Date | null;
        overloads: number;
      }[]
    >`
      SELECT tenant_id, id, name, priority, channels, channels_in_use, calls_per_second, overloads,
             (SELECT count(*) FROM unnest(recent_starts) s WHERE s > clock_timestamp() - interval '1 second')::int
               AS calls_last_second,
             CASE WHEN paused_until > clock_timestamp() THEN paused_until END AS paused_until
      FROM trunks WHERE ${tenantId}::uuid IS NULL OR tenant_id = ${tenantId}::uuid
      ORDER BY tenant_id, priority, created_at, id`;
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      id: r.id,
      name: r.name,
      priority: r.priority,
      channels: r.channels,
      channelsInUse: r.channels_in_use,
      callsPerSecond: r.calls_per_second,
      callsLastSecond: r.calls_last_second,
      pausedUntil: r.paused_until ? r.paused_until.toISOString() : null,
      overloads: r.overloads,
    }));
  }

  /** Where a dial that took this trunk goes, with its credentials opened (the worker, per dial). */
  async route(trunkId: string): Promise<TrunkRoute | null> {
    const row = await this.prisma.trunk.findUnique({ where: { id: trunkId } });
    if (!row) return null;
    return {
      id: row.id,
      target: row.target,
      transport: row.transport as TrunkRoute['transport'],
      username: row.username,
      password: row.password === null ? null : this.box.open(row.password),
      callerIds: row.callerIds ?? [],
      overloadPauseSeconds: row.overloadPauseSeconds,
    };
  }
}

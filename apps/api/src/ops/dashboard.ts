import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { maskPhoneNumber } from '@autocall/common';
import { PrismaService } from '@autocall/database';
import {
  ComplianceService,
  ContactRates,
  OPEN_TARGET_STATUSES,
  PacingSimulations,
  PacingStore,
  poolPacingSettings,
  Queues,
} from '@autocall/dialing';
import { LinesService } from '@autocall/lines';
import { RedisService } from '@autocall/redis';
import { ApiKeysService } from '@autocall/tenancy';
import { DASHBOARD_PAGE } from './dashboard.page';
import { KeyRevocations } from './key-revocations';
import { OpsAccess, OpsViewer } from './ops-access';

export const DASHBOARD_PATH = '/admin/dashboard';
const TICK_MS = 1_000;
const AGENT_STATES = ['available', 'reserved', 'on_call', 'wrap_up', 'unavailable'] as const;

/**
 * The live dashboard: a server-rendered page and a Server-Sent Events stream that pushes a
 * snapshot of the caller's scope every second (a tenant for an admin or supervisor key, every
 * tenant for the operator). Phone numbers are masked. Authenticated like Bull Board. A stream
 * ends when the key that opened it is revoked: at once when the revocation is announced (on any
 * replica), and in any case at its next push, which checks the key against PostgreSQL first.
 */
@Injectable()
export class Dashboard implements OnApplicationShutdown {
  private readonly streams = new Set<Response>();

  constructor(
    private readonly access: OpsAccess,
    private readonly prisma: PrismaService,
    private readonly lines: LinesService,
    private readonly rates: ContactRates,
    private readonly queues: Queues,
    private readonly redis: RedisService,
    private readonly apiKeys: ApiKeysService,
    private readonly revocations: KeyRevocations,
    private readonly simulations: PacingSimulations,
    private readonly pacing: PacingStore,
    private readonly compliance: ComplianceService,
  ) {}

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => void this.handle(req, res).catch(next);
  }

  onApplicationShutdown(): void {
    for (const res of this.streams) res.end();
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const viewer = await this.access.viewerOf(req, res, 'The dashboard');
    if (!viewer) return;
    const { scope } = viewer;
    if (req.path === '/stream') return this.stream(viewer, req, res);
    if (req.path === '/snapshot') {
      res.json(await this.snapshot(scope));
      return;
    }
    if (req.path === '/pacing') {
      res.json(await this.pacingCharts(scope));
      return;
    }
    res
      .status(200)
      .type('html')
      .setHeader('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
      .send(DASHBOARD_PAGE);
  }

  private async stream(viewer: OpsViewer, req: Request, res: Response): Promise<void> {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.streams.add(res);
    let busy = false;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      stopWatching();
      this.streams.delete(res);
    };
    const revoked = () => {
      if (ended) return;
      res.end(`event: revoked\ndata: ${JSON.stringify({ message: 'the key of this page was revoked' })}\n\n`);
      end();
    };
    const push = async () => {
      if (busy || ended) return;
      busy = true;
      try {
        // A revocation whose announcement was lost still ends the stream here.
        if (viewer.keyId && !(await this.apiKeys.isActive(viewer.keyId))) return revoked();
        const snapshot = await this.snapshot(viewer.scope);
        if (!ended) res.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
      } catch {
        if (!ended) {
          res.write(`event: problem\ndata: ${JSON.stringify({ message: 'figures unavailable for a moment' })}\n\n`);
        }
      } finally {
        busy = false;
      }
    };
    const stopWatching = viewer.keyId ? this.revocations.watch(viewer.keyId, revoked) : () => undefined;
    const timer = setInterval(() => void push(), TICK_MS);
    req.on('close', end);
    await push();
  }

  async snapshot(scope: string) {
    const tenants = await this.prisma.tenant.findMany({
      where: scope === 'operator' ? {} : { id: scope },
      select: { id: true, name: true },
      orderBy: { createdAt: 'asc' },
    });
    return { at: new Date().toISOString(), tenants: await Promise.all(tenants.map((t) => this.tenant(t))) };
  }

  /**
   * The pacing charts' data: per pool of the scope that paced within the last hour, the leader's
   * samples (occupancy, dials per minute, abandon rates, risk and mode) with the pool's cap and target.
   */
  async pacingCharts(scope: string) {
    const since = Date.now() - 3_600_000;
    const pools = (await this.queues.pools()).filter((p) => scope === 'operator' || p.tenantId === scope);
    const charts = await Promise.all(
      pools.map(async ({ tenantId, skill }) => {
        const samples = await this.pacing.samples(tenantId, skill, since);
        if (!samples.length) return null;
        const settings = poolPacingSettings(await this.compliance.settings(tenantId), skill, 30);
        return {
          tenantId,
          skill,
          maxAbandonRate: settings.maxAbandonRate,
          targetAbandonRate: settings.targetAbandonRate,
          samples,
        };
      }),
    );
    return { at: new Date().toISOString(), pools: charts.filter((c) => c !== null) };
  }

  private async tenant(tenant: { id: string; name: string }) {
    const [usage, rates, agents, autocalls, recent, pools, simulation] = await Promise.all([
      this.lines.usage(tenant.id),
      this.rates.of(tenant.id),
      this.prisma.agent.findMany({ where: { tenantId: tenant.id }, select: { id: true, skills: true, state: true } }),
      this.prisma.autoCall.findMany({
        where: {
          tenantId: tenant.id,
          OR: [{ status: 'active' }, { completedAt: { gt: new Date(Date.now() - 60_000) } }],
        },
        orderBy: { createdAt: 'desc' },
        take: 12,
      }),
      this.prisma.contact.findMany({
        where: { tenantId: tenant.id },
        orderBy: { createdAt: 'desc' },
        take: 12,
        select: { id: true, phoneNumber: true, status: true, agentId: true, skill: true, cause: true, createdAt: true },
      }),
      this.queues.pools(),
      this.simulations.lastDone(tenant.id),
    ]);
    const progress = autocalls.length
      ? await this.prisma.target.groupBy({
          by: ['autocallId', 'status'],
          where: { autocallId: { in: autocalls.map((a) => a.id) } },
          _count: { _all: true },
        })
      : [];
    // Targets by the disposition that decided them (the tenant's codes: a bounded set).
    const dispositions = autocalls.length
      ? await this.prisma.target.groupBy({
          by: ['autocallId', 'disposition'],
          where: { autocallId: { in: autocalls.map((a) => a.id) }, disposition: { not: null } },
          _count: { _all: true },
        })
      : [];
    const reservedAgents = new Set(
      (
        await Promise.all(
          agents
            .filter((a) => a.state === 'available')
            .map(async (a) =>
              (await this.redis.client.hget(this.redis.keys.agent(tenant.id, a.id), 'reservedFor')) ? a.id : null,
            ),
        )
      ).filter(Boolean),
    );
    const skills = [...new Set(agents.flatMap((a) => a.skills))].sort();
    const skillRows = await Promise.all(
      skills.map(async (skill) => {
        const byState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<string, number>;
        for (const agent of agents.filter((a) => a.skills.includes(skill) && a.state !== 'logged_out')) {
          byState[reservedAgents.has(agent.id) ? 'reserved' : agent.state] += 1;
        }
        const pool = pools.find((p) => p.tenantId === tenant.id && p.skill === skill);
        const held = pool ? await this.queues.held(pool).getJobCountByTypes('waiting', 'prioritized', 'delayed') : 0;
        const waiting = await this.redis.client.zcard(`${this.redis.keys.tenantTag(tenant.id)}:waiting:${skill}`);
        return { skill, agents: byState, held, waiting };
      }),
    );
    return {
      id: tenant.id,
      name: tenant.name,
      lines: usage,
      skills: skillRows,
      rates,
      /** The tenant's last what-if pacing simulation that finished (POST /v1/pacing/simulations). */
      simulation,
      autocalls: autocalls.map((a) => {
        const counts = Object.fromEntries(
          progress.filter((p) => p.autocallId === a.id).map((p) => [p.status, p._count._all]),
        ) as Record<string, number>;
        const open = OPEN_TARGET_STATUSES.reduce((n, s) => n + (counts[s] ?? 0), 0);
        return {
          id: a.id,
          mode: a.mode,
          skill: a.skill,
          status: a.status,
          targetCount: a.targetCount,
          done: a.targetCount - open,
          live: open - (counts.pending ?? 0),
          counts,
          dispositions: Object.fromEntries(
            dispositions.filter((d) => d.autocallId === a.id).map((d) => [d.disposition, d._count._all]),
          ) as Record<string, number>,
        };
      }),
      recent: recent.map((c) => ({
        id: c.id,
        phoneNumber: maskPhoneNumber(c.phoneNumber),
        skill: c.skill,
        status: c.status,
        cause: c.cause,
        agentId: c.agentId,
        at: c.createdAt,
      })),
    };
  }
}

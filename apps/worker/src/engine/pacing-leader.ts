import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import {
  adjustRisk,
  ComplianceService,
  decideDials,
  effectiveCompliance,
  initialControl,
  PacingControl,
  PacingEstimates,
  PacingSettings,
  PacingStats,
  PacingStore,
  poolId,
  poolPacingSettings,
  Queues,
} from '@autocall/dialing';
import { TelephonyPort } from '@autocall/telephony';
import { WorkerIdentity } from './worker-identity';

const pacingDials = new Gauge({
  name: 'autocall_pacing_dials',
  help: 'Predictive calls the pacer allowed at its last decision, per pool',
  labelNames: ['tenant', 'skill', 'mode'],
});
const pacingAlpha = new Gauge({
  name: 'autocall_pacing_risk',
  help: "The pacer's bound on the expected share of answers left without an agent (its slow loop's output)",
  labelNames: ['tenant', 'skill'],
});
const complianceAbandonRate = new Gauge({
  name: 'autocall_abandon_rate_compliance',
  help: 'Abandoned ÷ answered by a person over the compliance window (30 days US, 24 h UK), per pool',
  labelNames: ['tenant', 'skill'],
});

interface PacedPool {
  tenantId: string;
  skill: string;
  ringTimeoutSeconds: number;
  agentReserve: number;
  control?: PacingControl;
  estimates?: PacingEstimates;
  settings?: PacingSettings;
  controlledAt: number;
  controlling?: boolean;
  leading: boolean;
}

/**
 * One pacing leader per pool (tenant + skill) with active predictive AutoCalls, across every
 * worker: each worker tries to hold the pool's lease; the holder runs the fast loop (every
 * PACING_TICK_MS: snapshot the pool, decide, set the budget the dispatchers spend) and the slow
 * loop (every PACING_CONTROL_INTERVAL_MS: re-estimate from PostgreSQL, correct the risk from the
 * measured abandon rate). A leader that dies loses its lease within a few ticks; the next one
 * carries on from the control state it left in Redis, and its budget expires with it.
 */
@Injectable()
export class PacingLeader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PacingLeader.name);
  private readonly pools = new Map<string, PacedPool>();
  private timer?: NodeJS.Timeout;
  private poolsReadAt = 0;
  private ticking = false;
  private stopping = false;
  private readonly timeScale: number;

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: PacingStore,
    private readonly stats: PacingStats,
    private readonly compliance: ComplianceService,
    private readonly queues: Queues,
    private readonly identity: WorkerIdentity,
    private readonly config: AppConfig,
    telephony: TelephonyPort,
  ) {
    this.timeScale = telephony.timeScale;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.get('PACING_TICK_MS'));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
  }

  private get tickMs() {
    return this.config.get('PACING_TICK_MS');
  }

  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      if (Date.now() - this.poolsReadAt > 2_000) await this.readPools();
      await Promise.all([...this.pools.values()].map((pool) => this.pace(pool)));
    } catch (error) {
      this.logger.warn(`pacing: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  /** The pools with active predictive AutoCalls, from PostgreSQL. */
  private async readPools(): Promise<void> {
    const rows = await this.prisma.$queryRaw<
      { tenant_id: string; skill: string; ring_timeout: number; agent_reserve: number }[]
    >`
      SELECT tenant_id, skill, max(ring_timeout_seconds)::int AS ring_timeout,
             max(coalesce((checks -> 'freeAgents' ->> 'reserve')::int, 0))::int AS agent_reserve
      FROM autocalls WHERE status = 'active' AND mode = 'predictive'
      GROUP BY tenant_id, skill`;
    this.poolsReadAt = Date.now();
    const seen = new Set<string>();
    for (const row of rows) {
      const id = poolId({ tenantId: row.tenant_id, skill: row.skill });
      seen.add(id);
      const pool = this.pools.get(id) ?? {
        tenantId: row.tenant_id,
        skill: row.skill,
        controlledAt: 0,
        leading: false,
        ringTimeoutSeconds: row.ring_timeout,
        agentReserve: row.agent_reserve,
      };
      pool.ringTimeoutSeconds = row.ring_timeout;
      pool.agentReserve = row.agent_reserve;
      this.pools.set(id, pool);
    }
    for (const id of this.pools.keys()) if (!seen.has(id)) this.pools.delete(id);
  }

  private async pace(pool: PacedPool): Promise<void> {
    const leaseMs = Math.max(2_000, this.tickMs * 8);
    pool.leading = await this.store.lead(pool.tenantId, pool.skill, this.identity.id, leaseMs);
    if (!pool.leading) {
      pool.control = undefined; // another worker leads; take its control state if it hands over
      return;
    }
    // The slow loop reads PostgreSQL: the first time it is waited for, later it runs beside the
    // ticks, so a slow query never stops the fast loop (nor another pool's).
    if (!pool.control || !pool.settings || !pool.estimates) await this.control(pool);
    else if (!pool.controlling && Date.now() - pool.controlledAt >= this.config.get('PACING_CONTROL_INTERVAL_MS')) {
      pool.controlling = true;
      void this.control(pool)
        .catch((error: unknown) => this.logger.warn(`pacing control of ${poolId(pool)}: ${(error as Error).message}`))
        .finally(() => (pool.controlling = false));
    }
    const snapshot = await this.store.snapshot(pool.tenantId, pool.skill, pool.agentReserve);
    const decision = decideDials(snapshot, pool.estimates!, pool.control!, pool.settings!);
    // The budget lives a few ticks: a leader that stops deciding stops the dialing it allowed.
    const budget = await this.store.setBudget(
      pool.tenantId,
      pool.skill,
      this.identity.id,
      snapshot,
      decision,
      this.tickMs * 4,
    );
    pacingDials.set({ tenant: pool.tenantId, skill: pool.skill, mode: decision.mode }, decision.dials);
    if (budget > 0) await this.queues.announcePool({ tenantId: pool.tenantId, skill: pool.skill });
  }

  /** The slow loop: estimates, the measured abandon rates, the risk correction. */
  private async control(pool: PacedPool): Promise<void> {
    const settings = await this.compliance.settings(pool.tenantId);
    const compliance = effectiveCompliance(settings);
    const pacing = poolPacingSettings(settings, pool.skill, pool.ringTimeoutSeconds);
    // The engine's clock runs faster under a scaled simulator: the threshold is in the callee's time.
    pool.settings = { ...pacing, connectThresholdSeconds: pacing.connectThresholdSeconds / this.timeScale };
    pool.estimates = await this.stats.estimates(pool.tenantId, pool.skill, pool.ringTimeoutSeconds / this.timeScale);
    const measured = await this.stats.abandons(pool.tenantId, pool.skill, compliance.abandonWindowSeconds);
    pool.control ??= (await this.store.loadControl(pool.tenantId, pool.skill)) ?? initialControl(pacing);
    if (pool.controlledAt > 0) pool.control = adjustRisk(pool.control, measured, pacing);
    pool.controlledAt = Date.now();
    await this.store.saveControl(pool.tenantId, pool.skill, pool.control);
    const answered = measured.compliance.answered;
    complianceAbandonRate.set(
      { tenant: pool.tenantId, skill: pool.skill },
      answered ? measured.compliance.abandoned / answered : 0,
    );
    pacingAlpha.set({ tenant: pool.tenantId, skill: pool.skill }, pool.control.alpha);
  }
}

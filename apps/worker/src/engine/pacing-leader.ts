import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AppConfig } from '@autocall/config';
import { PrismaService } from '@autocall/database';
import {
  adjustRisk,
  campaignKey,
  CampaignPacing,
  CampaignsService,
  ComplianceService,
  decideGroup,
  effectiveCompliance,
  initialControl,
  MeasuredAbandons,
  PacingControl,
  PacingEstimates,
  pacingGroups,
  PacingSettings,
  PacingSnapshot,
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

const campaignAbandonRate = new Gauge({
  name: 'autocall_campaign_abandon_rate',
  help:
    'Abandoned ÷ answered by a person over the compliance window, per campaign with an active predictive ' +
    'AutoCall, named campaigns only (campaign "*": the tenant, abandonScope tenant); at most 50 per tenant and worker',
  labelNames: ['tenant', 'campaign'],
});
const campaignsProgressive = new Gauge({
  name: 'autocall_campaigns_progressive',
  help: 'Campaigns with an active predictive AutoCall dialing progressively: at the abandon cap, until back under the target',
  labelNames: ['tenant'],
});

const AUTOCALL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Per-campaign series per tenant, at most: the label's cardinality is bounded (the rest are counted only). */
export const CAMPAIGN_SERIES_PER_TENANT = 50;

/**
 * A campaign is measured every control interval, or less often when its count is slow: at most 1%
 * of the time per campaign (a measurement of 100 ms, a huge campaign over 30 days, waits 10 s).
 */
const MEASURE_COST_FACTOR = 100;
/** However slow a count was, a campaign is measured again within this (a slow first count under load). */
const MEASURE_MAX_GAP_MS = 30_000;

const measureEvery = (interval: number, campaign: MeasuredCampaign) =>
  Math.max(interval, Math.min(MEASURE_MAX_GAP_MS, campaign.tookMs * MEASURE_COST_FACTOR));

const IDLE_POOLS_READ_MS = 30_000;

/** A campaign as this leader last measured it. */
interface MeasuredCampaign {
  at: number;
  /** How long its measurement took (ms): a campaign is measured at most 1% of the time. */
  tookMs: number;
  /** The AutoCalls it was measured with (an AutoCall joining it has it measured at once). */
  autocalls: Set<string>;
  state: CampaignPacing;
  series: boolean;
}

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
  /** Its campaigns are being measured (measureCampaigns). */
  measuring?: boolean;
  leading: boolean;
  /** The pool at the fast loop's last decision, and the dial counter at the last sample (for the charts). */
  last?: { at: number; loggedIn: number; busy: number; dialedSeen: number; mode: string };
  sampledDials?: { at: number; dialed: number };
}

/**
 * One pacing leader per group of pools (tenant + skill) with active predictive AutoCalls that
 * share logged-in agents (a pool whose agents hold no other paced skill is a group of its own),
 * across every worker. The groups are recomputed every tick from the agents logged in then
 * (pacing-groups.ts). Each worker tries to hold the lease of the group's first pool (its anchor);
 * the holder takes the leases of the group's other pools, and a worker that holds one of those
 * without the anchor lets it go. Holding them all, it runs the fast loop (every PACING_TICK_MS:
 * snapshot the tenant's pools, one decision for the group over its agents counted once, split into
 * the budgets each pool's dispatchers spend) and each pool's slow loop (every
 * PACING_CONTROL_INTERVAL_MS: re-estimate from PostgreSQL, correct the pool's risk from its own
 * measured abandon rate). Until it holds them all it sets no budget: the old ones expire within a
 * few ticks, so two workers never pace one group's agents twice. A leader that dies loses its
 * leases within a few ticks; the next one carries on from the control state it left in Redis.
 */
@Injectable()
export class PacingLeader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PacingLeader.name);
  private readonly pools = new Map<string, PacedPool>();
  private timer?: NodeJS.Timeout;
  private poolsReadAt = 0;
  private ticking = false;
  /** Whose turn it is to get a group's odd dial. */
  private turn = 0;
  private stopping = false;
  private readonly timeScale: number;
  /** Per tenant, the campaigns of the predictive pools led here, by key. */
  private readonly campaigns = new Map<string, Map<string, MeasuredCampaign>>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: PacingStore,
    private readonly stats: PacingStats,
    private readonly compliance: ComplianceService,
    private readonly queues: Queues,
    private readonly identity: WorkerIdentity,
    private readonly config: AppConfig,
    private readonly campaignsService: CampaignsService,
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
      // The engine leader finds new predictive pools within 2 s and takes their leases; another
      // worker that knows of none looks every 30 s (to take over a pool whose leader died), so
      // that an idle deployment does not read PostgreSQL every 2 s in every worker.
      const every = this.identity.leading || this.pools.size ? 2_000 : IDLE_POOLS_READ_MS;
      if (Date.now() - this.poolsReadAt > every) await this.readPools();
      const tenants = new Map<string, PacedPool[]>();
      for (const pool of this.pools.values()) tenants.set(pool.tenantId, [...(tenants.get(pool.tenantId) ?? []), pool]);
      this.turn++;
      await Promise.all([...tenants.values()].map((pools) => this.paceTenant(pools)));
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
    // A tenant with no predictive pool left: its campaigns' series go.
    const tenants = new Set([...this.pools.values()].map((pool) => pool.tenantId));
    for (const [tenantId, known] of this.campaigns)
      if (!tenants.has(tenantId)) {
        for (const [key, campaign] of known)
          if (campaign.series) campaignAbandonRate.remove({ tenant: tenantId, campaign: key });
        campaignsProgressive.remove({ tenant: tenantId });
        this.campaigns.delete(tenantId);
      }
  }

  /** Reads the tenant's predictive pools at one instant, and paces each group of them sharing agents. */
  private async paceTenant(pools: PacedPool[]): Promise<void> {
    const bySkill = new Map(pools.map((pool) => [pool.skill, pool]));
    const skills = [...bySkill.keys()].sort();
    const snapshot = await this.store.snapshot(pools[0].tenantId, skills);
    const groups = pacingGroups(skills, snapshot.agents);
    await Promise.all(
      groups.map((group) =>
        this.paceGroup(
          group.map((skill) => bySkill.get(skill)!),
          snapshot,
        ),
      ),
    );
  }

  private async paceGroup(group: PacedPool[], snapshot: PacingSnapshot): Promise<void> {
    const leaseMs = Math.max(2_000, this.tickMs * 8);
    const [anchor, ...others] = group;
    const tenantId = anchor.tenantId;
    anchor.leading = await this.store.lead(tenantId, anchor.skill, this.identity.id, leaseMs);
    if (!anchor.leading) {
      // Another worker leads the group: let go of its other pools, and take its control state if it hands over.
      for (const pool of group) {
        if (pool.leading) await this.store.release(tenantId, pool.skill, this.identity.id);
        pool.leading = false;
        pool.control = undefined;
      }
      return;
    }
    for (const pool of others) pool.leading = await this.store.lead(tenantId, pool.skill, this.identity.id, leaseMs);
    // A pool still led by another worker (it has not seen the group yet): no budget until it lets go.
    if (others.some((pool) => !pool.leading)) return;
    // The slow loop reads PostgreSQL: the first time it is waited for, later it runs beside the
    // ticks, so a slow query never stops the fast loop (nor another pool's).
    for (const pool of group) {
      if (!pool.control || !pool.settings || !pool.estimates) await this.control(pool);
      else if (!pool.controlling && Date.now() - pool.controlledAt >= this.config.get('PACING_CONTROL_INTERVAL_MS')) {
        pool.controlling = true;
        void this.control(pool)
          .catch((error: unknown) => this.logger.warn(`pacing control of ${poolId(pool)}: ${(error as Error).message}`))
          .finally(() => (pool.controlling = false));
      }
    }
    const calls = new Map(snapshot.pools.map((pool) => [pool.skill, pool]));
    const { decision, dials } = decideGroup(
      group.map((pool) => ({
        ...calls.get(pool.skill)!,
        estimates: pool.estimates!,
        control: pool.control!,
        settings: pool.settings!,
      })),
      snapshot.agents,
      { agentReserve: Math.max(...group.map((pool) => pool.agentReserve)), turn: this.turn },
    );
    // The budgets live a few ticks: a leader that stops deciding stops the dialing it allowed.
    const budgets = await this.store.setBudgets(
      tenantId,
      this.identity.id,
      group.map((pool, i) => ({ skill: pool.skill, dialedSeen: calls.get(pool.skill)!.dialedSeen, dials: dials[i] })),
      decision,
      this.tickMs * 4,
    );
    group.forEach((pool, i) => {
      pacingDials.set({ tenant: tenantId, skill: pool.skill, mode: decision.mode }, dials[i]);
      const agents = snapshot.agents.filter((agent) => agent.skills.includes(pool.skill));
      pool.last = {
        at: snapshot.at,
        loggedIn: agents.length,
        busy: agents.filter((agent) => agent.state === 'busy').length,
        dialedSeen: calls.get(pool.skill)!.dialedSeen,
        mode: decision.mode,
      };
    });
    if (!budgets) return;
    await Promise.all(
      group.map((pool, i) =>
        budgets[i] > 0 ? this.queues.announcePool({ tenantId, skill: pool.skill }) : Promise.resolve(),
      ),
    );
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
    // The compliance cap is the campaigns' (measureCampaigns): the law counts abandons per campaign,
    // and a pool's own rate over the window capping it would stop every campaign of the pool (and of
    // its group) from dialing ahead for one campaign's abandons.
    if (pool.controlledAt > 0)
      pool.control = adjustRisk(pool.control, { ...measured, compliance: { answered: 0, abandoned: 0 } }, pacing);
    pool.controlledAt = Date.now();
    await this.store.saveControl(pool.tenantId, pool.skill, pool.control);
    const answered = measured.compliance.answered;
    complianceAbandonRate.set(
      { tenant: pool.tenantId, skill: pool.skill },
      answered ? measured.compliance.abandoned / answered : 0,
    );
    pacingAlpha.set({ tenant: pool.tenantId, skill: pool.skill }, pool.control.alpha);
    await this.sample(pool, measured);
    // Beside the control step, never holding up the pool's first decision: a campaign not measured
    // yet dials progressively meanwhile (CampaignsService.dialState).
    if (!pool.measuring) {
      pool.measuring = true;
      void this.measureCampaigns(pool, compliance.abandonScope, compliance.abandonWindowSeconds, settings.pacing)
        .catch((error: unknown) => this.logger.warn(`campaigns of ${poolId(pool)}: ${(error as Error).message}`))
        .finally(() => (pool.measuring = false));
    }
  }

  /**
   * The campaigns of the pool's active predictive AutoCalls: each measured over the compliance
   * window and its state recorded in PostgreSQL (CampaignsService.measure), at most once per control
   * interval whichever of its pools asks (a campaign may span skills); the dispatchers read the state.
   */
  private async measureCampaigns(
    pool: PacedPool,
    scope: 'campaign' | 'tenant',
    windowSeconds: number,
    limits: { maxAbandonRate: number; targetAbandonRate: number },
  ): Promise<void> {
    const active = await this.campaignsService.activePredictive(pool.tenantId, pool.skill);
    // Per key, the pool's active AutoCalls in it: a campaign an AutoCall joined is measured at once.
    const members = new Map<string, string>();
    for (const { campaign, autocalls } of active) {
      const key = campaignKey(campaign, scope);
      members.set(key, [members.get(key), ...autocalls].filter(Boolean).join(','));
    }
    let known = this.campaigns.get(pool.tenantId);
    if (!known) this.campaigns.set(pool.tenantId, (known = new Map()));
    const interval = this.config.get('PACING_CONTROL_INTERVAL_MS');
    for (const [key, autocalls] of members) {
      const seen = known.get(key);
      const joined = seen && !autocalls.split(',').every((id) => seen.autocalls.has(id));
      if (seen && !joined && Date.now() - seen.at < measureEvery(interval, seen)) continue;
      const started = Date.now();
      const measured = await this.campaignsService.measure(pool.tenantId, key, windowSeconds, limits);
      // Named campaigns only: an unnamed one is an AutoCall's id, a per-submission label value.
      const series =
        seen?.series ??
        (!AUTOCALL_ID.test(key) && [...known.values()].filter((c) => c.series).length < CAMPAIGN_SERIES_PER_TENANT);
      const measuredWith = new Set([...(seen?.autocalls ?? []), ...autocalls.split(',')]);
      known.set(key, {
        at: Date.now(),
        tookMs: Date.now() - started,
        state: measured.state,
        series,
        autocalls: measuredWith,
      });
      if (series)
        campaignAbandonRate.set(
          { tenant: pool.tenantId, campaign: key },
          measured.answered ? measured.abandoned / measured.answered : 0,
        );
    }
    this.forgetCampaigns(pool.tenantId, known, interval);
  }

  /** Campaigns not measured for a while (no active predictive AutoCall led here) lose their series. */
  private forgetCampaigns(tenantId: string, known: Map<string, MeasuredCampaign>, interval: number): void {
    for (const [key, campaign] of known) {
      const every = measureEvery(interval, campaign);
      if (campaign.at >= Date.now() - Math.max(3 * every, 10_000)) continue;
      known.delete(key);
      if (campaign.series) campaignAbandonRate.remove({ tenant: tenantId, campaign: key });
    }
    campaignsProgressive.set(
      { tenant: tenantId },
      [...known.values()].filter((c) => c.state === 'progressive_until_under_cap').length,
    );
  }

  /** A point of the dashboard's pacing charts: what the pool looked like at this control step. */
  private async sample(pool: PacedPool, measured: MeasuredAbandons): Promise<void> {
    if (!pool.last) return;
    const last = pool.last;
    const previous = pool.sampledDials;
    pool.sampledDials = { at: last.at, dialed: last.dialedSeen };
    const elapsed = previous ? last.at - previous.at : 0;
    // The dial counter lives in Redis: after a Redis loss it starts again, and the first rate is unknown.
    const dialed = previous ? last.dialedSeen - previous.dialed : -1;
    const rate = (count: { answered: number; abandoned: number }) =>
      count.answered ? count.abandoned / count.answered : null;
    await this.store.recordSample(pool.tenantId, pool.skill, {
      at: Date.now(),
      occupancy: last.loggedIn ? last.busy / last.loggedIn : null,
      dialsPerMinute: elapsed > 0 && dialed >= 0 ? Number(((dialed * 60_000) / elapsed).toFixed(2)) : null,
      abandonRate: rate(measured.recent),
      complianceAbandonRate: rate(measured.compliance),
      alpha: pool.control!.alpha,
      mode: last.mode,
    });
  }
}

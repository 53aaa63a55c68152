import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@autocall/common';
import { PrismaService } from '@autocall/database';
import type { AbandonScope } from '../compliance/compliance';
import {
  campaignKey,
  CampaignCount,
  CampaignLimits,
  CampaignPacing,
  nextCampaignPacing,
  WHOLE_TENANT,
} from './campaign-compliance';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A campaign's compliance as measured and stored. */
export interface CampaignMeasurement extends CampaignCount {
  state: CampaignPacing;
  progressiveSince: Date | null;
  measuredAt: Date | null;
}

/**
 * Campaigns' abandon rates from PostgreSQL, and their pacing state. The count of a campaign is its
 * AutoCalls' contacts answered by a person within the window (an index range scan per AutoCall:
 * contacts_human_answers_by_autocall_idx), or the tenant's (contacts_human_answers_by_tenant_idx).
 */
@Injectable()
export class CampaignsService {
  constructor(private readonly prisma: PrismaService) {}

  /** Answered by a person and abandoned (ended with no agent ever connected) within the window. */
  async count(tenantId: string, key: string, windowSeconds: number, db: Db = this.prisma): Promise<CampaignCount> {
    if (key === WHOLE_TENANT) {
      const [row] = await db.$queryRaw<CampaignCount[]>`
        SELECT count(*)::int AS answered,
               count(*) FILTER (WHERE connected_at IS NULL AND status = 'ended')::int AS abandoned
        FROM contacts
        WHERE tenant_id = ${tenantId}::uuid AND answered_by = 'human'
          AND answered_at > now() - ${windowSeconds} * interval '1 second'`;
      return row;
    }
    // The campaign's AutoCalls: those named so, and the one whose id it is if it has no name.
    const ownId = UUID.test(key) ? key : null;
    const [row] = await db.$queryRaw<CampaignCount[]>`
      SELECT count(*)::int AS answered,
             count(*) FILTER (WHERE c.connected_at IS NULL AND c.status = 'ended')::int AS abandoned
      FROM autocalls a
      JOIN contacts c ON c.autocall_id = a.id AND c.answered_by = 'human'
        AND c.answered_at > now() - ${windowSeconds} * interval '1 second'
      WHERE a.tenant_id = ${tenantId}::uuid
        AND (a.campaign = ${key} OR (a.campaign IS NULL AND a.id = ${ownId}::uuid))`;
    return row;
  }

  /**
   * Measures a campaign and records its pacing state, in one transaction holding its row: the
   * count is read under the row's lock and the state decided from the one stored, so two leaders
   * measuring at once decide one after the other.
   */
  async measure(
    tenantId: string,
    key: string,
    windowSeconds: number,
    limits: CampaignLimits,
  ): Promise<CampaignMeasurement> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO campaign_compliance (tenant_id, campaign, window_seconds)
        VALUES (${tenantId}::uuid, ${key}, ${windowSeconds}) ON CONFLICT DO NOTHING`;
      const [stored] = await tx.$queryRaw<{ progressive_since: Date | null }[]>`
        SELECT progressive_since FROM campaign_compliance
        WHERE tenant_id = ${tenantId}::uuid AND campaign = ${key} FOR UPDATE`;
      const count = await this.count(tenantId, key, windowSeconds, tx);
      const previous: CampaignPacing = stored.progressive_since ? 'progressive_until_under_cap' : 'predictive';
      const state = nextCampaignPacing(previous, count, limits);
      const [row] = await tx.$queryRaw<{ progressive_since: Date | null; measured_at: Date }[]>`
        UPDATE campaign_compliance
        SET answered = ${count.answered}, abandoned = ${count.abandoned}, window_seconds = ${windowSeconds},
            progressive_since = CASE WHEN ${state === 'predictive'} THEN NULL
                                     ELSE coalesce(progressive_since, now()) END,
            measured_at = now()
        WHERE tenant_id = ${tenantId}::uuid AND campaign = ${key}
        RETURNING progressive_since, measured_at`;
      return { ...count, state, progressiveSince: row.progressive_since, measuredAt: row.measured_at };
    });
  }

  /** The campaigns of a pool's active predictive AutoCalls, each with those AutoCalls' ids. */
  async activePredictive(tenantId: string, skill: string): Promise<{ campaign: string; autocalls: string[] }[]> {
    return this.prisma.$queryRaw<{ campaign: string; autocalls: string[] }[]>`
      SELECT coalesce(campaign, id::text) AS campaign, array_agg(id::text ORDER BY id) AS autocalls FROM autocalls
      WHERE tenant_id = ${tenantId}::uuid AND skill = ${skill} AND status = 'active' AND mode = 'predictive'
      GROUP BY 1`;
  }

  /**
   * Whether an AutoCall is active, and whether its campaign dials progressively now (as last
   * recorded): what the dispatcher reads before reserving for one of its targets. A campaign never
   * measured yet dials progressively until the pacing leader has measured it (its first control
   * step, before its first budget; the pacer is progressive while it learns anyway), so that a
   * campaign already at the cap never dials ahead before it is known to be.
   */
  async dialState(
    autocallId: string,
    scope: AbandonScope,
  ): Promise<{ active: boolean; campaign: CampaignPacing } | null> {
    const [row] = await this.prisma.$queryRaw<{ status: string; progressive: boolean }[]>`
      SELECT a.status::text AS status, (s.campaign IS NULL OR s.progressive_since IS NOT NULL) AS progressive
      FROM autocalls a
      LEFT JOIN campaign_compliance s ON s.tenant_id = a.tenant_id
        AND s.campaign = CASE WHEN ${scope} = 'tenant' THEN ${WHOLE_TENANT} ELSE coalesce(a.campaign, a.id::text) END
      WHERE a.id = ${autocallId}::uuid`;
    if (!row) return null;
    return {
      active: row.status === 'active',
      campaign: row.progressive ? 'progressive_until_under_cap' : 'predictive',
    };
  }

  /** The tenant's AutoCalls of a campaign, and those active; NotFound when it has none. */
  async autocallsOf(tenantId: string, campaign: string): Promise<{ total: number; active: number }> {
    const ownId = UUID.test(campaign) ? campaign : null;
    const [row] = await this.prisma.$queryRaw<{ total: number; active: number }[]>`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'active')::int AS active FROM autocalls
      WHERE tenant_id = ${tenantId}::uuid AND (campaign = ${campaign} OR (campaign IS NULL AND id = ${ownId}::uuid))`;
    if (!row || row.total === 0)
      throw new NotFoundError('not_found', 'No AutoCall of this tenant is in this campaign.');
    return row;
  }

  /** A campaign now: counted on request (the stored count is the leader's last), with its stored state. */
  async report(tenantId: string, campaign: string, scope: AbandonScope, windowSeconds: number) {
    const autocalls = await this.autocallsOf(tenantId, campaign);
    const key = campaignKey(campaign, scope);
    const count = await this.count(tenantId, key, windowSeconds);
    const stored = await this.prisma.campaignCompliance.findUnique({
      where: { tenantId_campaign: { tenantId, campaign: key } },
    });
    return {
      ...count,
      activeAutoCalls: autocalls.active,
      state: (stored?.progressiveSince ? 'progressive_until_under_cap' : 'predictive') as CampaignPacing,
      progressiveSince: stored?.progressiveSince ?? null,
      measuredAt: stored?.measuredAt ?? null,
    };
  }

  /** The campaigns with an active AutoCall, by name. */
  async active(tenantId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ campaign: string }[]>`
      SELECT DISTINCT coalesce(campaign, id::text) AS campaign FROM autocalls
      WHERE tenant_id = ${tenantId}::uuid AND status = 'active' ORDER BY 1 LIMIT 1000`;
    return rows.map((r) => r.campaign);
  }
}

type Db = Pick<PrismaService, '$queryRaw'>;

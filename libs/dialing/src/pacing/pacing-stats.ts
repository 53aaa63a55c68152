import { Injectable } from '@nestjs/common';
import { PrismaService } from '@autocall/database';
import { MeasuredAbandons, PacingEstimates } from './pacer';

/** Answered by a person and abandoned (ended with no agent ever connected), over a window. */
export interface AbandonCount {
  answered: number;
  abandoned: number;
  rate: number | null;
}

const ESTIMATION_SAMPLE = 2_000;

/**
 * What the pacer learns from PostgreSQL: the pool's recent dials (answer probability, time to
 * answer, handle time: from the connection to the end of the wrap-up, when the disposition was
 * applied; a call still in its wrap-up is left out until then) and its abandon rates over the compliance window, the last hour and the
 * last minute. An abandoned call is one a person answered that ended with no agent connected.
 */
@Injectable()
export class PacingStats {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * From the pool's last 2,000 dials of the last hour placed at least a ring timeout ago (younger
   * ones are biased: quick failures have ended, answers still ring), with how long its unanswered
   * dials lasted.
   */
  async estimates(tenantId: string, skill: string, ringTimeoutSeconds: number): Promise<PacingEstimates> {
    const [row] = await this.prisma.$queryRaw<
      { dials: number; human: number; delays: number[] | null; handles: number[] | null; unanswered: number[] | null }[]
    >`
      WITH recent AS (
        SELECT created_at, answered_at, connected_at, ended_at, answered_by, wrap_up_until, wrap_up_ended_at
        FROM contacts
        WHERE tenant_id = ${tenantId}::uuid AND skill = ${skill} AND created_at > now() - interval '1 hour'
          AND created_at < now() - ${ringTimeoutSeconds} * interval '1 second'
          AND (ended_at IS NOT NULL OR answered_at IS NOT NULL)
        ORDER BY created_at DESC LIMIT ${ESTIMATION_SAMPLE}
      )
      SELECT count(*)::int AS dials,
             count(*) FILTER (WHERE answered_by = 'human')::int AS human,
             array_agg(extract(epoch FROM answered_at - created_at)::float8) FILTER (WHERE answered_by = 'human') AS delays,
             array_agg(extract(epoch FROM COALESCE(wrap_up_ended_at, ended_at) - connected_at)::float8)
               FILTER (WHERE connected_at IS NOT NULL AND ended_at IS NOT NULL AND wrap_up_until IS NULL) AS handles,
             array_agg(extract(epoch FROM ended_at - created_at)::float8)
               FILTER (WHERE answered_at IS NULL AND ended_at IS NOT NULL) AS unanswered
      FROM recent`;
    return {
      dials: row?.dials ?? 0,
      humanAnswers: row?.human ?? 0,
      answerDelaysSeconds: row?.delays ?? [],
      handleSeconds: row?.handles ?? [],
      unansweredSeconds: row?.unanswered ?? [],
    };
  }

  async abandons(tenantId: string, skill: string, complianceWindowSeconds: number): Promise<MeasuredAbandons> {
    const rows = await this.prisma.$queryRaw<{ w: string; answered: number; abandoned: number }[]>`
      SELECT w.name AS w,
             count(c.id)::int AS answered,
             count(c.id) FILTER (WHERE c.connected_at IS NULL AND c.status = 'ended')::int AS abandoned
      FROM (VALUES ('compliance', ${complianceWindowSeconds}::int), ('recent', 3600), ('burst', 60)) AS w(name, seconds)
      LEFT JOIN contacts c ON c.tenant_id = ${tenantId}::uuid AND c.skill = ${skill} AND c.answered_by = 'human'
        AND c.answered_at > now() - w.seconds * interval '1 second'
      GROUP BY w.name`;
    const of = (name: string) => {
      const row = rows.find((r) => r.w === name);
      return { answered: row?.answered ?? 0, abandoned: row?.abandoned ?? 0 };
    };
    return { compliance: of('compliance'), recent: of('recent'), burst: of('burst') };
  }

  /**
   * One AutoCall's abandon rate over its whole life (its campaign's over the compliance window is
   * CampaignsService's): its contacts,
   * and those retention deleted (counted on the AutoCall by the statement that deleted them; see
   * CallRecords.removeEndedContacts), in one snapshot.
   */
  async ofAutoCall(autocallId: string): Promise<AbandonCount> {
    const [row] = await this.prisma.$queryRaw<{ answered: number; abandoned: number }[]>`
      SELECT (a.removed_answered + count(c.id))::int AS answered,
             (a.removed_abandoned + count(c.id) FILTER (WHERE c.connected_at IS NULL AND c.status = 'ended'))::int
               AS abandoned
      FROM autocalls a LEFT JOIN contacts c ON c.autocall_id = a.id AND c.answered_by = 'human'
      WHERE a.id = ${autocallId}::uuid
      GROUP BY a.id`;
    return withRate(row ?? { answered: 0, abandoned: 0 });
  }
}

export function withRate(count: { answered: number; abandoned: number }): AbandonCount {
  return { ...count, rate: count.answered ? count.abandoned / count.answered : null };
}

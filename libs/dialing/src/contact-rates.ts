import { Injectable } from '@nestjs/common';
import { PrismaService } from '@autocall/database';

export const RATE_WINDOWS = { '1m': 60, '1h': 3_600, '24h': 86_400 } as const;
export type RateWindow = keyof typeof RATE_WINDOWS;

export interface WindowRates {
  /** Contacts (dial attempts) started in the window. */
  dialed: number;
  /** Of those, answered by a person (answering machines excluded). */
  answered: number;
  /** Of those answered, left without an agent (message played, hung up). */
  abandoned: number;
  /** answered ÷ dialed (null with nothing dialed). */
  answerRate: number | null;
  /** abandoned ÷ answered: the regulators' abandon rate (null with nothing answered). */
  abandonRate: number | null;
}

const CACHE_MS = 5_000;

/**
 * Answer and abandon rates of a tenant over the last minute, hour and day, from PostgreSQL (the
 * contacts started in each window), for the dashboard and Prometheus. Kept five seconds per tenant.
 */
@Injectable()
export class ContactRates {
  private readonly cache = new Map<string, { at: number; rates: Record<RateWindow, WindowRates> }>();

  constructor(private readonly prisma: PrismaService) {}

  async of(tenantId: string): Promise<Record<RateWindow, WindowRates>> {
    const cached = this.cache.get(tenantId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.rates;
    const rows = await this.prisma.$queryRaw<{ w: RateWindow; dialed: number; answered: number; abandoned: number }[]>`
      SELECT w.name AS w,
             count(c.id)::int AS dialed,
             count(c.id) FILTER (WHERE c.answered_by = 'human')::int AS answered,
             count(c.id) FILTER (WHERE EXISTS (SELECT 1 FROM target_events te
                                              WHERE te.contact_id = c.id AND te.to_status = 'abandoned'))::int AS abandoned
      FROM (VALUES ('1m', 60), ('1h', 3600), ('24h', 86400)) AS w(name, seconds)
      LEFT JOIN contacts c ON c.tenant_id = ${tenantId}::uuid AND c.created_at > now() - w.seconds * interval '1 second'
      GROUP BY w.name`;
    const rates = {} as Record<RateWindow, WindowRates>;
    for (const row of rows) {
      rates[row.w] = {
        dialed: row.dialed,
        answered: row.answered,
        abandoned: row.abandoned,
        answerRate: row.dialed ? row.answered / row.dialed : null,
        abandonRate: row.answered ? row.abandoned / row.answered : null,
      };
    }
    this.cache.set(tenantId, { at: Date.now(), rates });
    return rates;
  }
}

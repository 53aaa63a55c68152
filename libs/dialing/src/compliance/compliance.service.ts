import { Injectable } from '@nestjs/common';
import { Clock } from '@autocall/common';
import { Prisma, PrismaService } from '@autocall/database';
import { SettingsService, TenantSettings } from '@autocall/tenancy';
import { DEFAULT_PACING_SETTINGS, PacingSettings } from '../pacing/pacer';
import {
  CallingWindow,
  checkGuards,
  Compliance,
  GuardVerdict,
  historySeconds,
  NumberHistory,
  numberHistory,
  numberTimeZones,
  RecentCall,
  REGIME_DEFAULTS,
  zonesOfCode,
} from './compliance';

export interface TenantCompliance extends Compliance {
  fallbackTimeZone: string;
}

/** The regime's defaults with the tenant's overrides. */
export function effectiveCompliance(settings: TenantSettings): TenantCompliance {
  const base = REGIME_DEFAULTS[settings.complianceRegime];
  const o = settings.compliance;
  return {
    callingWindow: o.callingWindow ?? base.callingWindow,
    minRingSeconds: o.minRingSeconds ?? base.minRingSeconds,
    redialAfterAbandonSeconds: o.redialAfterAbandonSeconds ?? base.redialAfterAbandonSeconds,
    maxAttemptsPerNumberPerDay: o.maxAttemptsPerNumberPerDay ?? base.maxAttemptsPerNumberPerDay,
    abandonWindowSeconds: o.abandonWindowSeconds ?? base.abandonWindowSeconds,
    abandonScope: o.abandonScope ?? base.abandonScope,
    connectThresholdSeconds: o.connectThresholdSeconds ?? base.connectThresholdSeconds,
    abandonMessage: o.abandonMessage ?? base.abandonMessage,
    fallbackTimeZone: o.fallbackTimeZone ?? 'UTC',
  };
}

/** A pool's pacing settings: the skill's own, else the tenant's, with the compliance timings. */
export function poolPacingSettings(
  settings: TenantSettings,
  skill: string,
  ringTimeoutSeconds: number,
): PacingSettings {
  const pacing = settings.pacingBySkill[skill] ?? settings.pacing;
  return {
    ...DEFAULT_PACING_SETTINGS,
    ...pacing,
    connectThresholdSeconds: effectiveCompliance(settings).connectThresholdSeconds,
    ringTimeoutSeconds,
  };
}

/** The zones a target may be in: its own, else its number's, else the tenant's fallback. */
export function targetTimeZones(phoneNumber: string, timeZone: string | null, compliance: TenantCompliance): string[] {
  if (timeZone) return [timeZone];
  return numberTimeZones(phoneNumber) ?? [compliance.fallbackTimeZone];
}

const SETTINGS_TTL_MS = 5_000;
/** A number with no recent call. */
const NO_HISTORY: NumberHistory = { lastAbandonedAt: null, attemptsLastDay: [] };

/** When contact `c` was abandoned (a person answered and no agent was ever connected), else null. */
export const ABANDONED_AT_SQL = `CASE WHEN c.answered_by = 'human' AND c.connected_at IS NULL AND c.status = 'ended'
  THEN coalesce(c.answered_at, c.created_at) END`;

/**
 * The guards, with what they need read from PostgreSQL: the tenant's settings (kept five seconds)
 * and, only when a redial or attempts guard is on, the number's recent calls.
 */
@Injectable()
export class ComplianceService {
  private readonly cache = new Map<string, { at: number; settings: TenantSettings }>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly settingsService: SettingsService,
    private readonly clock: Clock,
  ) {}

  async settings(tenantId: string): Promise<TenantSettings> {
    const cached = this.cache.get(tenantId);
    if (cached && Date.now() - cached.at < SETTINGS_TTL_MS) return cached.settings;
    const settings = await this.settingsService.get(tenantId);
    this.cache.set(tenantId, { at: Date.now(), settings });
    return settings;
  }

  async compliance(tenantId: string): Promise<TenantCompliance> {
    return effectiveCompliance(await this.settings(tenantId));
  }

  /**
   * Checks one target right before it is dialed, with the number's recent calls already read (in
   * the dispatcher's one read before a dial; null when historySeconds said none were needed).
   */
  verdict(
    compliance: TenantCompliance,
    target: { phoneNumber: string; timeZone: string | null },
    autocallWindow: CallingWindow | null,
    recentCalls: RecentCall[] | null,
  ): GuardVerdict {
    const now = this.clock.now();
    return checkGuards({
      compliance,
      autocallWindow,
      zones: targetTimeZones(target.phoneNumber, target.timeZone, compliance),
      history: historySeconds(compliance) > 0 ? numberHistory(recentCalls ?? [], now) : null,
      now,
    });
  }

  /**
   * Checks a held target before its dial from the zones its job carries (targetZonesCode), without
   * reading it: null when that cannot be done (a guard needs the number's recent calls, or another
   * zone table wrote the code), and the target is read first.
   */
  verdictByZones(
    compliance: TenantCompliance,
    zonesCode: string,
    autocallWindow: CallingWindow | null,
  ): GuardVerdict | null {
    if (historySeconds(compliance) > 0) return null;
    const zones = zonesOfCode(zonesCode, compliance.fallbackTimeZone);
    if (!zones) return null;
    return checkGuards({ compliance, autocallWindow, zones, history: null, now: this.clock.now() });
  }

  /** Checks one target right before it is dialed. */
  async check(
    tenantId: string,
    target: { phoneNumber: string; timeZone: string | null },
    autocallWindow: CallingWindow | null,
  ): Promise<GuardVerdict> {
    const compliance = await this.compliance(tenantId);
    const history = needsHistory(compliance)
      ? ((await this.histories(tenantId, [target.phoneNumber], compliance)).get(target.phoneNumber) ?? NO_HISTORY)
      : null;
    return checkGuards({
      compliance,
      autocallWindow,
      zones: targetTimeZones(target.phoneNumber, target.timeZone, compliance),
      history,
      now: this.clock.now(),
    });
  }

  /** Checks many targets at once (immediate mode at submission). */
  async checkMany(
    tenantId: string,
    targets: { phoneNumber: string; timeZone: string | null }[],
    autocallWindow: CallingWindow | null,
  ): Promise<GuardVerdict[]> {
    const compliance = await this.compliance(tenantId);
    const histories = needsHistory(compliance)
      ? await this.histories(
          tenantId,
          targets.map((t) => t.phoneNumber),
          compliance,
        )
      : null;
    const now = this.clock.now();
    return targets.map((target) =>
      checkGuards({
        compliance,
        autocallWindow,
        zones: targetTimeZones(target.phoneNumber, target.timeZone, compliance),
        history: histories ? (histories.get(target.phoneNumber) ?? NO_HISTORY) : null,
        now,
      }),
    );
  }

  /**
   * Recent calls of the numbers: starts in the last 24 hours, and the last abandoned call (a person
   * answered and no agent was ever connected) within the redial lock.
   */
  private async histories(
    tenantId: string,
    numbers: string[],
    compliance: TenantCompliance,
  ): Promise<Map<string, NumberHistory>> {
    const lookBack = historySeconds(compliance);
    const rows = await this.prisma.$queryRaw<{ phone_number: string; created_at: Date; abandoned_at: Date | null }[]>`
      SELECT c.phone_number, c.created_at, ${Prisma.raw(ABANDONED_AT_SQL)} AS abandoned_at
      FROM contacts c
      WHERE c.tenant_id = ${tenantId}::uuid AND c.phone_number = ANY(${numbers}::varchar[])
        AND c.created_at > now() - ${lookBack} * interval '1 second'`;
    const calls = new Map<string, RecentCall[]>();
    for (const row of rows) {
      const list = calls.get(row.phone_number) ?? [];
      list.push({ createdAt: row.created_at, abandonedAt: row.abandoned_at });
      calls.set(row.phone_number, list);
    }
    const now = this.clock.now();
    const histories = new Map<string, NumberHistory>();
    for (const [number, list] of calls) histories.set(number, numberHistory(list, now));
    return histories;
  }
}

function needsHistory(compliance: Compliance): boolean {
  return historySeconds(compliance) > 0;
}

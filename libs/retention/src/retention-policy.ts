import type { FieldError } from '@autocall/common';

/**
 * How long a tenant's call history is kept, as pure arithmetic. The history is read by the
 * compliance guards and the pacer over windows of their own: the abandon rate over the regime's
 * window (30 days us and jp, 24 hours uk), the lock on a number after an abandoned call (72 hours
 * uk) and the attempts per number in 24 hours. Retention never removes what a window still reads:
 * its period is at least the longest of them, plus a day, whatever the tenant asked for.
 */

export const DEFAULT_RETENTION_DAYS = 90;

const DAY_SECONDS = 86_400;

/** The windows over which the compliance guards and the pacer read past contacts. */
export interface HistoryWindows {
  /** The abandon rate is measured and capped over this window (contacts answered within it). */
  abandonWindowSeconds: number;
  /** No call to a number this long after a call to it was abandoned (contacts started within it). */
  redialAfterAbandonSeconds: number;
}

/**
 * The shortest retention the windows allow, in whole days: the longest window (never less than the
 * 24 hours of the attempts-per-day guard), rounded up, plus one day. A window counts from when a
 * call started or was answered and retention from when it ended, which is later: the extra day is
 * a margin, not a correction.
 */
export function minimumRetentionDays(windows: HistoryWindows): number {
  const longest = Math.max(windows.abandonWindowSeconds, windows.redialAfterAbandonSeconds, DAY_SECONDS);
  return Math.ceil(longest / DAY_SECONDS) + 1;
}

/**
 * The period a pass applies: the tenant's retentionDays, or the minimum when that is longer. The
 * setting can be below the minimum only if the regime or its windows changed after it was set
 * (PUT /v1/settings refuses it otherwise): the longer windows win, the setting is left as it is.
 */
export function effectiveRetentionDays(retentionDays: number, windows: HistoryWindows): number {
  return Math.max(retentionDays, minimumRetentionDays(windows));
}

/**
 * A retentionDays the tenant asks for is refused below the minimum of the settings it would apply
 * with (the regime and windows of the same change included); null when it is allowed.
 */
export function retentionDaysError(retentionDays: number, windows: HistoryWindows, regime: string): FieldError | null {
  const minimum = minimumRetentionDays(windows);
  if (retentionDays >= minimum) return null;
  return {
    field: 'retentionDays',
    code: 'below_minimum_retention',
    message:
      `must be at least ${minimum} days: the ${regime} compliance settings read ${minimum - 1} days of ` +
      'call history (the abandon-rate window or the redial lock after an abandoned call), plus a day.',
  };
}

/** What a pass removes, in the order it removes it. */
export const RETENTION_KINDS = [
  /** Contacts that ended before the period, and their events: deleted. */
  'contacts',
  /** Targets of finished AutoCalls completed before the period: number, reference and data removed. */
  'targets',
  /** Callbacks that ended before the period: number and data removed. */
  'callbacks',
  /** Webhook events created before the period with no delivery pending: deleted with their deliveries. */
  'webhook_events',
  /** Receivers' answers to attempts made before the period (of events still kept): removed. */
  'webhook_responses',
  /** Stored answers of Idempotency-Keys (forgotten after 24 hours anyway): deleted. */
  'idempotent_answers',
] as const;

export type RetentionKind = (typeof RETENTION_KINDS)[number];

export type RemovedCounts = Record<RetentionKind, number>;

export const noneRemoved = (): RemovedCounts =>
  Object.fromEntries(RETENTION_KINDS.map((kind) => [kind, 0])) as RemovedCounts;

/**
 * When a callback is due, and what is done when it is: pure rules, the clock passed in (the
 * service reads it from its Clock), so that tests drive them at any instant.
 */

export const DEFAULT_DELAY_MS = 30 * 60_000;
export const MAX_AHEAD_MS = 30 * 86_400_000;
/** A scheduled time this little in the past is taken as "now" (clock skew, slow clients). */
const PAST_TOLERANCE_MS = 5_000;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds (local − UTC). */
function offsetAt(instant: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return local - Math.floor(instant / 1_000) * 1_000;
}

/**
 * A wall-clock time in a zone, as an instant, with the zone's offset on that date (not today's):
 * 09:00 in New York is 13:00Z in summer and 14:00Z in winter. A time that does not exist (the
 * hour skipped when clocks go forward) moves forward by the gap, like 02:30 → 03:30; a time that
 * happens twice (clocks go back) is the first one.
 */
export function zonedTimeToInstant(local: string, timeZone: string): Date | null {
  const m = LOCAL.exec(local);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', ms = '0'] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'));
  const check = new Date(wall);
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23) return null;
  const candidates = [wall - offsetAt(wall - 86_400_000, timeZone), wall - offsetAt(wall + 86_400_000, timeZone)];
  const valid = candidates.filter((c) => c + offsetAt(c, timeZone) === wall);
  return new Date(valid.length ? Math.min(...valid) : Math.max(...candidates));
}

export type Resolved = { ok: true; at: Date } | { ok: false; field: string; code: string; message: string };

/**
 * `scheduledAt` as given: absent (now + 30 min), an instant with an offset, or a local date-time
 * with `timeZone`.
 */
export function resolveScheduledAt(input: { scheduledAt?: string; timeZone?: string }, now: Date): Resolved {
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) {
    return {
      ok: false,
      field: 'timeZone',
      code: 'invalid_time_zone',
      message: 'must be an IANA time zone such as Asia/Tokyo',
    };
  }
  if (input.scheduledAt === undefined) return { ok: true, at: new Date(now.getTime() + DEFAULT_DELAY_MS) };
  if (WITH_OFFSET.test(input.scheduledAt)) {
    const at = Date.parse(input.scheduledAt);
    if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(input.scheduledAt)) {
      return { ok: false, field: 'scheduledAt', code: 'invalid_date_time', message: 'must be an ISO 8601 date-time' };
    }
    return { ok: true, at: new Date(at) };
  }
  if (!input.timeZone) {
    return {
      ok: false,
      field: 'timeZone',
      code: 'required',
      message: 'a local scheduledAt (without an offset) needs the IANA timeZone it is in',
    };
  }
  const at = zonedTimeToInstant(input.scheduledAt, input.timeZone);
  if (!at)
    return { ok: false, field: 'scheduledAt', code: 'invalid_date_time', message: 'must be an ISO 8601 date-time' };
  return { ok: true, at };
}

export interface CallbackLimits {
  /** How far ahead an owned callback may be scheduled (tenant setting, 1 h to 30 days). */
  ownedMaxAheadSeconds: number;
}

/** Field errors for a scheduled time: not in the past, at most 30 days ahead (less if owned). */
export function checkScheduledAt(
  at: Date,
  now: Date,
  owned: boolean,
  limits: CallbackLimits,
): { field: string; code: string; message: string }[] {
  const ahead = at.getTime() - now.getTime();
  if (ahead < -PAST_TOLERANCE_MS)
    return [{ field: 'scheduledAt', code: 'in_the_past', message: 'must not be in the past' }];
  if (ahead > MAX_AHEAD_MS) {
    return [{ field: 'scheduledAt', code: 'too_far_ahead', message: 'must be at most 30 days ahead' }];
  }
  if (owned && ahead > limits.ownedMaxAheadSeconds * 1_000) {
    return [
      {
        field: 'scheduledAt',
        code: 'too_far_ahead',
        message: `an owned callback must be at most ${limits.ownedMaxAheadSeconds} seconds ahead (tenant setting)`,
      },
    ];
  }
  return [];
}

export type DueAction =
  /** Not yet: wait until `scheduledAt`. */
  | { kind: 'not_yet'; untilMs: number }
  /** Owned, within its window: dial if the owner is available, else look again shortly. */
  | { kind: 'owner'; recheckAtMs: number }
  /** Unowned, or the owner's window is over: hold it in the skill's queue. */
  | { kind: 'queue' };

/** How often a due, owned callback looks for its owner. */
export const OWNER_RECHECK_MS = 500;

export function dueAction(
  callback: { scheduledAt: Date; ownerAgentId: string | null; ownerUntil: Date | null },
  now: Date,
): DueAction {
  const t = now.getTime();
  if (t < callback.scheduledAt.getTime()) return { kind: 'not_yet', untilMs: callback.scheduledAt.getTime() };
  if (callback.ownerAgentId && callback.ownerUntil && t < callback.ownerUntil.getTime()) {
    return { kind: 'owner', recheckAtMs: Math.min(t + OWNER_RECHECK_MS, callback.ownerUntil.getTime()) };
  }
  return { kind: 'queue' };
}

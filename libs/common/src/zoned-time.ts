/**
 * Wall-clock time in IANA time zones, from the platform's own zone data (Intl): what a local time
 * is as an instant, and what an instant is locally, across daylight-saving changes.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// The last offset asked of each zone, by the minute it was asked for: the engine asks the same
// zones for the same minute many times a second (each dial's calling window), and Intl takes
// microseconds to answer. Since 1980 every zone's offsets are whole minutes and change only at
// whole minutes (tzdata), so an offset holds for the whole minute it was read in.
const lastOffsets = new Map<string, { minute: number; offset: number }>();
const CACHED_SINCE = Date.UTC(1980, 0, 1);

/** The zone's offset from UTC at an instant, in milliseconds (local − UTC). */
export function offsetAt(instant: number, timeZone: string): number {
  if (instant < CACHED_SINCE) return readOffset(instant, timeZone);
  const minute = Math.floor(instant / 60_000);
  const last = lastOffsets.get(timeZone);
  if (last?.minute === minute) return last.offset;
  const offset = readOffset(instant, timeZone);
  lastOffsets.set(timeZone, { minute, offset });
  return offset;
}

function readOffset(instant: number, timeZone: string): number {
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

/** An instant as the zone's local date, minute of the day and ISO weekday (1 = Monday … 7 = Sunday). */
export function localTimeAt(instant: number, timeZone: string): { date: string; minute: number; weekday: number } {
  const local = new Date(Math.floor(instant / 1_000) * 1_000 + offsetAt(instant, timeZone));
  return {
    date: local.toISOString().slice(0, 10),
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
  };
}

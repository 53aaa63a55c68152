import { createHash } from 'node:crypto';
import { isTimeZone, localTimeAt } from '@autocall/common';
import { PREFIX_TIME_ZONES, TIME_ZONES } from './number-time-zones.data';

/**
 * The rules a dial must keep whatever the mode, as pure functions of the time and what is known
 * of the number: the calling window in the called party's local time, the lock on a number after
 * an abandoned call, and the attempts per number per day. The dispatcher asks before every dial;
 * a guard that says no names itself and says when the target may be tried again.
 */

/** Local wall-clock hours in which calls may be placed; `days` are ISO weekdays (1 = Monday). */
export interface CallingWindow {
  start: string;
  end: string;
  days: number[];
}

export const REGIMES = ['us', 'uk', 'jp'] as const;
export type AbandonScope = 'campaign' | 'tenant';
export type ComplianceRegime = (typeof REGIMES)[number];

export interface Compliance {
  callingWindow: CallingWindow;
  /** Shortest ring timeout allowed (the law's floor is 15 s). */
  minRingSeconds: number;
  /** No call to a number for this long after a call to it was abandoned (0: off). */
  redialAfterAbandonSeconds: number;
  /** Calls placed to one number in any 24 hours, at most (null: no limit). */
  maxAttemptsPerNumberPerDay: number | null;
  /** The window the abandon rate is measured over (30 days US, 24 h UK). */
  abandonWindowSeconds: number;
  /** What the abandon rate is counted over: each campaign, or the tenant as one (UK "per call centre"). */
  abandonScope: AbandonScope;
  /** An answered caller with no agent within this is abandoned: the message is played. */
  connectThresholdSeconds: number;
  /** Played to an abandoned caller: who called and how to decline further calls. */
  abandonMessage: string;
}

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const DAY = 86_400;

/**
 * Defaults per regime (see the pacing and compliance research): US FCC/FTC (8:00–21:00 local,
 * 3% over 30 days, 2 s), UK Ofcom (3% over 24 h, 72 h lock after an abandoned call), Japan
 * (8:00–21:00 JST as the usual reading of 特商法 rules; no numeric abandon rule, 30 days kept).
 */
export const REGIME_DEFAULTS: Record<ComplianceRegime, Compliance> = {
  us: {
    callingWindow: { start: '08:00', end: '21:00', days: EVERY_DAY },
    minRingSeconds: 15,
    redialAfterAbandonSeconds: 0,
    maxAttemptsPerNumberPerDay: null,
    abandonWindowSeconds: 30 * DAY,
    abandonScope: 'campaign',
    connectThresholdSeconds: 2,
    abandonMessage: 'Sorry, all our agents are busy. To stop our calls, call us back on the number shown.',
  },
  uk: {
    callingWindow: { start: '08:00', end: '21:00', days: EVERY_DAY },
    minRingSeconds: 15,
    redialAfterAbandonSeconds: 3 * DAY,
    maxAttemptsPerNumberPerDay: null,
    abandonWindowSeconds: DAY,
    abandonScope: 'campaign',
    connectThresholdSeconds: 2,
    abandonMessage: 'Sorry, all our agents are busy. To stop our calls, call us back on the number shown.',
  },
  jp: {
    callingWindow: { start: '08:00', end: '21:00', days: EVERY_DAY },
    minRingSeconds: 15,
    redialAfterAbandonSeconds: 0,
    maxAttemptsPerNumberPerDay: null,
    abandonWindowSeconds: 30 * DAY,
    abandonScope: 'campaign',
    connectThresholdSeconds: 2,
    abandonMessage: '申し訳ございません。ただいま担当者が応答できません。',
  },
};

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The time zones a number may be in, from its country code and leading digits (libphonenumber's
 * map): one for most numbers; several where a prefix spans zones (all of them are then kept).
 * Null when the number says nothing (then the tenant's fallback zone applies).
 */
export function numberTimeZones(e164: string): string[] | null {
  return numberZoneIndexes(e164)?.map((i) => TIME_ZONES[i]) ?? null;
}

/** The places in TIME_ZONES of a number's zones, from the longest prefix the table knows. */
function numberZoneIndexes(e164: string): readonly number[] | null {
  const digits = e164.replace(/^\+/, '');
  for (let length = Math.min(digits.length, 10); length > 0; length--) {
    const zones = PREFIX_TIME_ZONES[digits.slice(0, length)];
    if (zones) return zones;
  }
  return null;
}

/** The zone table's distinct zone lists, in table order: a number's list is named by its place here. */
let zoneSets: { byKey: Map<string, number>; lists: readonly (readonly number[])[] } | undefined;
function sets() {
  if (!zoneSets) {
    const byKey = new Map<string, number>();
    const lists: (readonly number[])[] = [];
    for (const list of Object.values(PREFIX_TIME_ZONES)) {
      const key = list.join(',');
      if (byKey.has(key)) continue;
      byKey.set(key, lists.length);
      lists.push(list);
    }
    zoneSets = { byKey, lists };
  }
  return zoneSets;
}

/**
 * Names the zone tables this build was generated with: a held job's zones are written as places in
 * TIME_ZONES and in its list of zone lists, which a newer libphonenumber map may reorder, so each
 * code says which tables it indexes and a code of other tables is not read (the target is read
 * from PostgreSQL).
 */
let zoneTableTag: string | undefined;
const tag = () =>
  (zoneTableTag ??= createHash('sha256')
    .update(TIME_ZONES.join(','))
    .update(
      sets()
        .lists.map((list) => list.join(','))
        .join(';'),
    )
    .digest('hex')
    .slice(0, 4));
let zoneIndexes: Map<string, number> | undefined;

/**
 * The zones a target may be in, as its held job carries them (no number: the zones it implies),
 * so that its calling window can be judged before its dial without reading it first: the
 * target's own zone, as its place in the zone table (a zone the table lacks by its name); else its
 * number's, as the place of its zone, or of its list of zones (`s<n>`: a number may be in many,
 * 42 for a North American number whose area code is not assigned); none (`<tag>:`) when neither
 * names one, for the tenant's fallback zone at the dial. A few characters, never a digit of the
 * number.
 */
export function targetZonesCode(phoneNumber: string, timeZone: string | null): string {
  zoneIndexes ??= new Map(TIME_ZONES.map((zone, i) => [zone, i]));
  if (timeZone) return `${tag()}:${zoneIndexes.get(timeZone) ?? timeZone}`;
  const list = numberZoneIndexes(phoneNumber);
  if (!list) return `${tag()}:`;
  return list.length === 1 ? `${tag()}:${list[0]}` : `${tag()}:s${sets().byKey.get(list.join(','))}`;
}

/** The zones a targetZonesCode names (the fallback when none); null if other zone tables wrote it. */
export function zonesOfCode(code: string, fallbackTimeZone: string): string[] | null {
  const colon = code.indexOf(':');
  if (colon < 0 || code.slice(0, colon) !== tag()) return null;
  const list = code.slice(colon + 1);
  if (!list) return [fallbackTimeZone];
  if (/^s\d+$/.test(list)) {
    const set = sets().lists[Number(list.slice(1))];
    return set ? set.map((i) => TIME_ZONES[i]) : null;
  }
  return list.split(',').map((part) => (/^\d+$/.test(part) ? TIME_ZONES[Number(part)] : part));
}

export function isValidTimeZone(zone: string): boolean {
  return isTimeZone(zone);
}

/** Is the window open at this instant in this zone? */
function openIn(window: CallingWindow, at: number, zone: string): boolean {
  const local = localTimeAt(at, zone);
  const start = minuteOf(window.start);
  const end = minuteOf(window.end);
  if (!window.days.includes(local.weekday)) return false;
  return start <= end ? local.minute >= start && local.minute < end : local.minute >= start || local.minute < end;
}

export type WindowVerdict = { open: true } | { open: false; opensAt: Date | null };

/**
 * Whether a number may be called now under every window given, in every zone it may be in (the
 * most restrictive reading: a number whose prefix spans zones is called only when it is allowed
 * in all of them). When closed, the first instant (to the minute) at which all are open, within
 * eight days; null if never.
 */
export function callingWindowVerdict(windows: CallingWindow[], zones: string[], now: Date): WindowVerdict {
  const allOpen = (at: number) => windows.every((w) => zones.every((zone) => openIn(w, at, zone)));
  if (allOpen(now.getTime())) return { open: true };
  // Windows open on minute boundaries in every zone (offsets are whole minutes): step minutes,
  // first by 15 to find the opening, then back to the exact minute.
  const start = Math.ceil(now.getTime() / 60_000) * 60_000;
  const limit = start + 8 * 86_400_000;
  for (let at = start; at <= limit; at += 15 * 60_000) {
    if (allOpen(at)) {
      let first = at;
      while (first - 60_000 >= start && allOpen(first - 60_000)) first -= 60_000;
      return { open: false, opensAt: new Date(first) };
    }
  }
  return { open: false, opensAt: null };
}

/** What the redial and attempts guards need to know about the number's recent calls. */
/** One recent call of a number: when it started, and when it was abandoned (a person answered, no agent came). */
export interface RecentCall {
  createdAt: Date;
  abandonedAt: Date | null;
}

/**
 * How far back a number's calls matter to the guards (seconds): a day for the attempts guard, the
 * redial lock after an abandoned call; 0 when neither guard is on (nothing needs to be read).
 */
export function historySeconds(compliance: Compliance): number {
  if (compliance.redialAfterAbandonSeconds <= 0 && compliance.maxAttemptsPerNumberPerDay === null) return 0;
  return Math.max(86_400, compliance.redialAfterAbandonSeconds);
}

/** A number's history as the guards read it, from its recent calls. */
export function numberHistory(calls: RecentCall[], now: Date): NumberHistory {
  const history: NumberHistory = { lastAbandonedAt: null, attemptsLastDay: [] };
  for (const call of calls) {
    if (call.createdAt.getTime() > now.getTime() - 86_400_000) history.attemptsLastDay.push(call.createdAt);
    if (call.abandonedAt && (!history.lastAbandonedAt || call.abandonedAt > history.lastAbandonedAt))
      history.lastAbandonedAt = call.abandonedAt;
  }
  return history;
}

export interface NumberHistory {
  /** When the number's last abandoned call was answered (or started), if any. */
  lastAbandonedAt: Date | null;
  /** Start times of calls placed to the number in the last 24 hours. */
  attemptsLastDay: Date[];
}

export type GuardVerdict =
  | { allowed: true }
  | { allowed: false; guard: 'calling_window' | 'redial_after_abandon' | 'max_attempts_per_day'; retryAt: Date | null };

/** Every guard, in order; the first that refuses names itself. */
export function checkGuards(input: {
  compliance: Compliance;
  autocallWindow: CallingWindow | null;
  zones: string[];
  history: NumberHistory | null;
  now: Date;
}): GuardVerdict {
  const { compliance, now } = input;
  const windows = input.autocallWindow ? [compliance.callingWindow, input.autocallWindow] : [compliance.callingWindow];
  const window = callingWindowVerdict(windows, input.zones, now);
  if (!window.open) return { allowed: false, guard: 'calling_window', retryAt: window.opensAt };
  const history = input.history;
  if (!history) return { allowed: true };
  if (compliance.redialAfterAbandonSeconds > 0 && history.lastAbandonedAt) {
    const until = history.lastAbandonedAt.getTime() + compliance.redialAfterAbandonSeconds * 1_000;
    if (until > now.getTime()) return { allowed: false, guard: 'redial_after_abandon', retryAt: new Date(until) };
  }
  const max = compliance.maxAttemptsPerNumberPerDay;
  if (max !== null) {
    const recent = history.attemptsLastDay
      .map((d) => d.getTime())
      .filter((t) => t > now.getTime() - 86_400_000)
      .sort((a, b) => a - b);
    if (recent.length >= max) {
      // Allowed again once enough of them have aged out of the 24 hours.
      return {
        allowed: false,
        guard: 'max_attempts_per_day',
        retryAt: new Date(recent[recent.length - max] + 86_400_000),
      };
    }
  }
  return { allowed: true };
}

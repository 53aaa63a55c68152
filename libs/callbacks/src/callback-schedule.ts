/**
 * When a callback is due, and what is done when it is: pure rules, the clock passed in (the
 * service reads it from its Clock), so that tests drive them at any instant.
 */
import { isTimeZone, zonedTimeToInstant } from '@autocall/common';
import type { GuardVerdict } from '@autocall/dialing';

export { isTimeZone, zonedTimeToInstant };

export const DEFAULT_DELAY_MS = 30 * 60_000;
export const MAX_AHEAD_MS = 30 * 86_400_000;
/** A scheduled time this little in the past is taken as "now" (clock skew, slow clients). */
const PAST_TOLERANCE_MS = 5_000;

const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

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

/**
 * From the time the customer asked for to this long after it, an owned callback keeps the
 * appointment even outside the calling window: the customer chose that time. Past it, the call is
 * like any other and every guard applies.
 */
export const APPOINTMENT_GRACE_MS = 15 * 60_000;

export type OwnedDial =
  { dial: true; waived: 'calling_window' | null } | { dial: false; guard: string; recheckAtMs: number };

/**
 * Whether a due callback may be dialed to its owner now. The calling window is waived only within
 * the appointment's grace; the lock after an abandoned call and the attempts per day are never
 * waived. A refused callback keeps waiting for its owner and looks again when the guard allows it
 * (or when its ownership ends, after which the skill's queue holds it under the same guards).
 */
export function ownedDial(
  callback: { scheduledAt: Date; ownerUntil: Date | null },
  guards: GuardVerdict,
  now: Date,
): OwnedDial {
  if (guards.allowed) return { dial: true, waived: null };
  const withinGrace = now.getTime() - callback.scheduledAt.getTime() <= APPOINTMENT_GRACE_MS;
  if (guards.guard === 'calling_window' && withinGrace) return { dial: true, waived: 'calling_window' };
  const ownerUntil = callback.ownerUntil?.getTime() ?? now.getTime();
  const retry = guards.retryAt?.getTime() ?? ownerUntil;
  return { dial: false, guard: guards.guard, recheckAtMs: Math.max(now.getTime(), Math.min(retry, ownerUntil)) };
}

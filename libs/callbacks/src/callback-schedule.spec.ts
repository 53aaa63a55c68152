import { checkScheduledAt, dueAction, ownedDial, resolveScheduledAt, zonedTimeToInstant } from './callback-schedule';

const iso = (d: Date | null) => d?.toISOString();

describe('local times in a time zone', () => {
  it('use the offset of their own date, across a change of clocks', () => {
    // New York leaves summer time on Sunday 1 November 2026.
    expect(iso(zonedTimeToInstant('2026-10-30T09:00', 'America/New_York'))).toBe('2026-10-30T13:00:00.000Z');
    expect(iso(zonedTimeToInstant('2026-11-02T09:00', 'America/New_York'))).toBe('2026-11-02T14:00:00.000Z');
    // London enters summer time on Sunday 29 March 2026.
    expect(iso(zonedTimeToInstant('2026-03-27T09:00', 'Europe/London'))).toBe('2026-03-27T09:00:00.000Z');
    expect(iso(zonedTimeToInstant('2026-03-30T09:00', 'Europe/London'))).toBe('2026-03-30T08:00:00.000Z');
    expect(iso(zonedTimeToInstant('2026-06-01T09:00:30.5', 'Asia/Tokyo'))).toBe('2026-06-01T00:00:30.500Z');
  });

  it('move a time skipped by the clocks forward, and take the first of a time that happens twice', () => {
    expect(iso(zonedTimeToInstant('2026-03-08T02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(zonedTimeToInstant('2026-11-01T01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('refuse dates that do not exist', () => {
    expect(zonedTimeToInstant('2026-02-30T09:00', 'Asia/Tokyo')).toBeNull();
    expect(zonedTimeToInstant('2026-02-10T24:00', 'Asia/Tokyo')).toBeNull();
    expect(zonedTimeToInstant('tomorrow', 'Asia/Tokyo')).toBeNull();
  });
});

describe('resolving scheduledAt', () => {
  const now = new Date('2026-10-30T12:00:00Z');

  it('defaults to thirty minutes from now', () => {
    expect(resolveScheduledAt({}, now)).toEqual({ ok: true, at: new Date('2026-10-30T12:30:00Z') });
  });

  it('takes an instant with an offset as it is, and a local time in its zone', () => {
    expect(resolveScheduledAt({ scheduledAt: '2026-11-02T09:00:00+09:00' }, now)).toEqual({
      ok: true,
      at: new Date('2026-11-02T00:00:00Z'),
    });
    expect(resolveScheduledAt({ scheduledAt: '2026-11-02T09:00', timeZone: 'America/New_York' }, now)).toEqual({
      ok: true,
      at: new Date('2026-11-02T14:00:00Z'),
    });
  });

  it('asks for a zone for a local time, and a real one', () => {
    expect(resolveScheduledAt({ scheduledAt: '2026-11-02T09:00' }, now)).toMatchObject({
      ok: false,
      field: 'timeZone',
    });
    expect(resolveScheduledAt({ scheduledAt: '2026-11-02T09:00', timeZone: 'Mars/Olympus' }, now)).toMatchObject({
      ok: false,
      code: 'invalid_time_zone',
    });
    expect(resolveScheduledAt({ scheduledAt: 'next tuesdayZ' }, now)).toMatchObject({
      ok: false,
      field: 'scheduledAt',
    });
  });
});

describe('limits of a scheduled time', () => {
  const now = new Date('2026-10-30T12:00:00Z');
  const limits = { ownedMaxAheadSeconds: 7 * 86_400 };
  const at = (ms: number) => new Date(now.getTime() + ms);

  it('refuses the past, beyond a few seconds of skew', () => {
    expect(checkScheduledAt(at(-2_000), now, false, limits)).toEqual([]);
    expect(checkScheduledAt(at(-60_000), now, false, limits)[0].code).toBe('in_the_past');
  });

  it('refuses more than 30 days ahead, and more than the tenant allows for an owned callback', () => {
    expect(checkScheduledAt(at(30 * 86_400_000), now, false, limits)).toEqual([]);
    expect(checkScheduledAt(at(30 * 86_400_000 + 1_000), now, false, limits)[0].code).toBe('too_far_ahead');
    expect(checkScheduledAt(at(8 * 86_400_000), now, false, limits)).toEqual([]);
    expect(checkScheduledAt(at(8 * 86_400_000), now, true, limits)[0].code).toBe('too_far_ahead');
  });
});

describe('what a due callback does', () => {
  const scheduledAt = new Date('2026-10-30T09:00:00Z');
  const ownerUntil = new Date('2026-10-30T10:00:00Z');

  it('waits for its time', () => {
    expect(dueAction({ scheduledAt, ownerAgentId: null, ownerUntil: null }, new Date('2026-10-30T08:59:59Z'))).toEqual({
      kind: 'not_yet',
      untilMs: scheduledAt.getTime(),
    });
  });

  it('goes to the queue when it has no owner', () => {
    expect(dueAction({ scheduledAt, ownerAgentId: null, ownerUntil: null }, scheduledAt)).toEqual({ kind: 'queue' });
  });

  it('looks for its owner during the window, then goes to the queue', () => {
    const owned = { scheduledAt, ownerAgentId: 'alice', ownerUntil };
    expect(dueAction(owned, new Date('2026-10-30T09:30:00Z'))).toEqual({
      kind: 'owner',
      recheckAtMs: new Date('2026-10-30T09:30:00.500Z').getTime(),
    });
    expect(dueAction(owned, new Date('2026-10-30T09:59:59.800Z'))).toEqual({
      kind: 'owner',
      recheckAtMs: ownerUntil.getTime(),
    });
    expect(dueAction(owned, ownerUntil)).toEqual({ kind: 'queue' });
  });
});

describe('an owned callback and the compliance guards', () => {
  const scheduledAt = new Date('2026-10-30T21:00:00Z');
  const ownerUntil = new Date('2026-10-31T21:00:00Z');
  const closed = (retryAt: string | null) =>
    ({ allowed: false, guard: 'calling_window', retryAt: retryAt ? new Date(retryAt) : null }) as const;
  const minutesAfter = (m: number) => new Date(scheduledAt.getTime() + m * 60_000);

  it('is dialed when every guard allows it', () => {
    expect(ownedDial({ scheduledAt, ownerUntil }, { allowed: true }, minutesAfter(300))).toEqual({
      dial: true,
      waived: null,
    });
  });

  it('keeps the appointment outside the calling window only within the grace after the requested time', () => {
    const window = closed('2026-10-31T08:00:00Z');
    expect(ownedDial({ scheduledAt, ownerUntil }, window, minutesAfter(0))).toEqual({
      dial: true,
      waived: 'calling_window',
    });
    expect(ownedDial({ scheduledAt, ownerUntil }, window, minutesAfter(15))).toMatchObject({ dial: true });
    // The owner freed up later, at night: held until the window opens.
    expect(ownedDial({ scheduledAt, ownerUntil }, window, minutesAfter(16))).toEqual({
      dial: false,
      guard: 'calling_window',
      recheckAtMs: Date.parse('2026-10-31T08:00:00Z'),
    });
  });

  it('never waives the lock after an abandoned call or the attempts per day', () => {
    const locked = { allowed: false, guard: 'redial_after_abandon', retryAt: minutesAfter(60) } as const;
    expect(ownedDial({ scheduledAt, ownerUntil }, locked, minutesAfter(0))).toEqual({
      dial: false,
      guard: 'redial_after_abandon',
      recheckAtMs: minutesAfter(60).getTime(),
    });
    const attempts = { allowed: false, guard: 'max_attempts_per_day', retryAt: minutesAfter(5) } as const;
    expect(ownedDial({ scheduledAt, ownerUntil }, attempts, minutesAfter(1))).toMatchObject({ dial: false });
  });

  it('looks again no later than the end of its ownership, and never in the past', () => {
    // The window opens only after the owner's time is over (or never): back at the ownership's end,
    // when the callback goes to the skill's queue and the dispatcher holds it.
    expect(ownedDial({ scheduledAt, ownerUntil }, closed('2026-11-02T08:00:00Z'), minutesAfter(60))).toMatchObject({
      recheckAtMs: ownerUntil.getTime(),
    });
    expect(ownedDial({ scheduledAt, ownerUntil }, closed(null), minutesAfter(60))).toMatchObject({
      recheckAtMs: ownerUntil.getTime(),
    });
    const late = new Date(ownerUntil.getTime() + 1_000);
    expect(ownedDial({ scheduledAt, ownerUntil }, closed(null), late)).toMatchObject({ recheckAtMs: late.getTime() });
  });
});

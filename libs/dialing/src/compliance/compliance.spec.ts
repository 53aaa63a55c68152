import {
  callingWindowVerdict,
  checkGuards,
  numberTimeZones,
  REGIME_DEFAULTS,
  targetZonesCode,
  zonesOfCode,
} from './compliance';

const at = (iso: string) => new Date(iso);
const DAYTIME = { start: '08:00', end: '21:00', days: [1, 2, 3, 4, 5, 6, 7] };

describe('the zone a number is in', () => {
  it('comes from its country code and leading digits', () => {
    expect(numberTimeZones('+81312345678')).toEqual(['Asia/Tokyo']);
    expect(numberTimeZones('+12125551234')).toEqual(['America/New_York']);
    expect(numberTimeZones('+14155551234')).toEqual(['America/Los_Angeles']);
    expect(numberTimeZones('+18085551234')).toEqual(['Pacific/Honolulu']);
  });

  it('keeps every zone a prefix may span', () => {
    const zones = numberTimeZones('+15555551234')!;
    expect(zones).toEqual(expect.arrayContaining(['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu']));
  });
});

describe("the zones a held target's job carries", () => {
  it("are its number's, or its own when it names one, read back as zone names", () => {
    expect(zonesOfCode(targetZonesCode('+81312345678', null), 'UTC')).toEqual(['Asia/Tokyo']);
    expect(zonesOfCode(targetZonesCode('+81312345678', 'Europe/London'), 'UTC')).toEqual(['Europe/London']);
    expect(zonesOfCode(targetZonesCode('+15555551234', null), 'UTC')).toEqual(numberTimeZones('+15555551234'));
  });

  it('are a few characters, with no digit of the number, however many zones the number may be in', () => {
    const code = targetZonesCode('+14155551234', null);
    expect(code.length).toBeLessThanOrEqual(8);
    expect(code).not.toContain('4155551234');
    // An unassigned North American area code: any of the country's 42 zones, named by their list.
    const everywhere = targetZonesCode('+12215550123', null);
    expect(numberTimeZones('+12215550123')).toHaveLength(42);
    expect(everywhere.length).toBeLessThanOrEqual(9);
    expect(everywhere).not.toContain('221');
    expect(zonesOfCode(everywhere, 'UTC')).toEqual(numberTimeZones('+12215550123'));
    // Australia's +61 8 9101 ...: three zones.
    expect(zonesOfCode(targetZonesCode('+61891010000', null), 'UTC')).toEqual(numberTimeZones('+61891010000'));
  });

  it("name a zone the table lacks by its name, and none as the tenant's fallback", () => {
    expect(zonesOfCode(targetZonesCode('+81312345678', 'Etc/GMT+5'), 'UTC')).toEqual(['Etc/GMT+5']);
    // +999: no country, no zone: the fallback zone given when the code is read.
    expect(zonesOfCode(targetZonesCode('+999123456', null), 'Europe/Paris')).toEqual(['Europe/Paris']);
  });

  it('are not read when another zone table wrote them', () => {
    const code = targetZonesCode('+81312345678', null);
    expect(zonesOfCode(`zzzz${code.slice(code.indexOf(':'))}`, 'UTC')).toBeNull();
    expect(zonesOfCode('57', 'UTC')).toBeNull();
  });
});

describe('the calling window', () => {
  it("is read in the called party's local time", () => {
    // 23:30 UTC is 08:30 in Tokyo (open) and 18:30 in New York (open), 15:30 in Los Angeles.
    expect(callingWindowVerdict([DAYTIME], ['Asia/Tokyo'], at('2026-11-20T23:30:00Z'))).toEqual({ open: true });
    // 13:00 UTC is 22:00 in Tokyo: closed until 08:00 Tokyo, i.e. 23:00 UTC.
    expect(callingWindowVerdict([DAYTIME], ['Asia/Tokyo'], at('2026-11-20T13:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-11-20T23:00:00Z'),
    });
  });

  it('follows daylight saving time: 08:00 New York is 12:00Z in summer and 13:00Z in winter', () => {
    expect(callingWindowVerdict([DAYTIME], ['America/New_York'], at('2026-07-01T05:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-07-01T12:00:00Z'),
    });
    expect(callingWindowVerdict([DAYTIME], ['America/New_York'], at('2026-12-01T05:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-12-01T13:00:00Z'),
    });
  });

  it('is open only when open in every zone a number may be in (the most restrictive reading)', () => {
    // 13:30 UTC in January: 08:30 New York (open) but 05:30 Los Angeles (closed until 16:00Z).
    const verdict = callingWindowVerdict(
      [DAYTIME],
      ['America/New_York', 'America/Los_Angeles'],
      at('2026-01-15T13:30:00Z'),
    );
    expect(verdict).toEqual({ open: false, opensAt: at('2026-01-15T16:00:00Z') });
  });

  it("keeps both the tenant's window and the AutoCall's, and the days of the week", () => {
    const weekdays = { start: '10:00', end: '12:00', days: [1, 2, 3, 4, 5] };
    // Saturday 2026-11-21 10:30 Tokyo: the weekday window is closed until Monday 10:00 Tokyo.
    expect(callingWindowVerdict([DAYTIME, weekdays], ['Asia/Tokyo'], at('2026-11-21T01:30:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-11-23T01:00:00Z'),
    });
  });

  it('may run past midnight, and says never when no instant is open everywhere', () => {
    const night = { start: '22:00', end: '02:00', days: [1, 2, 3, 4, 5, 6, 7] };
    expect(callingWindowVerdict([night], ['UTC'], at('2026-11-21T01:00:00Z'))).toEqual({ open: true });
    const tokyoMorning = { start: '08:00', end: '09:00', days: [1, 2, 3, 4, 5, 6, 7] };
    // 08:00–09:00 in Tokyo and in New York never overlap.
    expect(
      callingWindowVerdict([tokyoMorning], ['Asia/Tokyo', 'America/New_York'], at('2026-11-21T00:00:00Z')),
    ).toEqual({
      open: false,
      opensAt: null,
    });
  });
});

describe('the guards', () => {
  const open = { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };
  const uk = { ...REGIME_DEFAULTS.uk, callingWindow: open };
  const now = at('2026-11-21T12:00:00Z');

  it('lock a number for 72 hours after an abandoned call in UK mode', () => {
    const abandoned = at('2026-11-20T12:00:00Z');
    expect(
      checkGuards({
        compliance: uk,
        autocallWindow: null,
        zones: ['Europe/London'],
        history: { lastAbandonedAt: abandoned, attemptsLastDay: [] },
        now,
      }),
    ).toEqual({ allowed: false, guard: 'redial_after_abandon', retryAt: at('2026-11-23T12:00:00Z') });
    expect(
      checkGuards({
        compliance: REGIME_DEFAULTS.us,
        autocallWindow: open,
        zones: ['UTC'],
        history: { lastAbandonedAt: abandoned, attemptsLastDay: [] },
        now,
      }),
    ).toEqual({ allowed: true });
  });

  it('hold a number that reached its attempts for the last 24 hours until the oldest ages out', () => {
    const compliance = { ...uk, redialAfterAbandonSeconds: 0, maxAttemptsPerNumberPerDay: 2 };
    const attempts = [at('2026-11-20T15:00:00Z'), at('2026-11-21T09:00:00Z'), at('2026-11-19T12:00:00Z')];
    expect(
      checkGuards({
        compliance,
        autocallWindow: null,
        zones: ['UTC'],
        history: { lastAbandonedAt: null, attemptsLastDay: attempts },
        now,
      }),
    ).toEqual({ allowed: false, guard: 'max_attempts_per_day', retryAt: at('2026-11-21T15:00:00Z') });
    expect(
      checkGuards({
        compliance,
        autocallWindow: null,
        zones: ['UTC'],
        history: { lastAbandonedAt: null, attemptsLastDay: attempts.slice(1) },
        now,
      }),
    ).toEqual({ allowed: true });
  });

  it('name the calling window first', () => {
    const verdict = checkGuards({
      compliance: REGIME_DEFAULTS.us,
      autocallWindow: null,
      zones: ['Asia/Tokyo'],
      history: { lastAbandonedAt: now, attemptsLastDay: [] },
      now: at('2026-11-21T13:00:00Z'),
    });
    expect(verdict).toMatchObject({ allowed: false, guard: 'calling_window' });
  });
});

/**
 * The verdict at any instant: a sweep over a whole day and around both changes of the clocks in
 * zones of both hemispheres (and with half- and quarter-hour offsets), checked against a reference
 * read straight from the platform's zone data. The instants are chosen, never the machine's clock.
 */
describe('the calling window at any instant', () => {
  const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const formats = new Map<string, Intl.DateTimeFormat>();
  /** Local hour, minute and ISO weekday, from Intl directly (not from the code under test). */
  const local = (instant: number, zone: string) => {
    let format = formats.get(zone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      });
      formats.set(zone, format);
    }
    const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
    return { minute: Number(parts.hour) * 60 + Number(parts.minute), weekday: WEEKDAYS.indexOf(parts.weekday) + 1 };
  };
  const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const openAt = (window: typeof DAYTIME, zone: string, instant: number) => {
    const { minute, weekday } = local(instant, zone);
    const [start, end] = [minuteOf(window.start), minuteOf(window.end)];
    if (!window.days.includes(weekday)) return false;
    return start < end ? minute >= start && minute < end : minute >= start || minute < end;
  };

  const ZONES = [
    'Asia/Tokyo',
    'America/New_York',
    'Europe/London',
    'Australia/Sydney',
    'Asia/Kolkata',
    'Asia/Kathmandu',
  ];
  const WINDOWS = [
    DAYTIME,
    { start: '22:00', end: '02:00', days: [1, 2, 3, 4, 5, 6, 7] },
    { start: '09:30', end: '17:00', days: [1, 2, 3, 4, 5] },
  ];
  const MINUTE = 60_000;
  const span = (from: string, hours: number, stepMinutes: number) =>
    Array.from(
      { length: Math.floor((hours * 60) / stepMinutes) + 1 },
      (_, i) => Date.parse(from) + i * stepMinutes * MINUTE,
    );
  const INSTANTS = [
    // A whole day, at minutes that are not whole hours.
    ...span('2026-06-10T00:07:00Z', 24, 37),
    // Three hours either side of each change of the clocks, in 2026.
    ...span('2026-03-08T04:00:00Z', 6, 11), // New York, forward
    ...span('2026-11-01T03:00:00Z', 6, 11), // New York, back
    ...span('2026-03-28T22:00:00Z', 6, 11), // London, forward
    ...span('2026-10-24T22:00:00Z', 6, 11), // London, back
    ...span('2026-04-04T13:00:00Z', 6, 11), // Sydney, back
    ...span('2026-10-03T13:00:00Z', 6, 11), // Sydney, forward
  ];

  it.each(ZONES)('agrees with the local clock in %s, and names the first open minute', (zone) => {
    const wrong: string[] = [];
    let closed = 0;
    for (const window of WINDOWS) {
      for (const now of INSTANTS) {
        const case_ = `${window.start}-${window.end} at ${new Date(now).toISOString()}`;
        const verdict = callingWindowVerdict([window], [zone], new Date(now));
        if (verdict.open !== openAt(window, zone, now)) wrong.push(`${case_}: open is ${verdict.open}`);
        if (verdict.open) continue;
        closed++;
        const opens = verdict.opensAt!.getTime();
        if (opens <= now || !openAt(window, zone, opens))
          wrong.push(`${case_}: not open at ${verdict.opensAt!.toISOString()}`);
        // Closed on the minute before, and at every quarter hour between (openings fall on quarter
        // hours in every zone).
        const first = Math.ceil(now / MINUTE) * MINUTE;
        if (opens - MINUTE >= first && openAt(window, zone, opens - MINUTE))
          wrong.push(`${case_}: open a minute earlier`);
        for (let at = Math.ceil(first / (15 * MINUTE)) * 15 * MINUTE; at < opens; at += 15 * MINUTE)
          if (openAt(window, zone, at)) wrong.push(`${case_}: already open at ${new Date(at).toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(closed).toBeGreaterThan(INSTANTS.length / 2); // closed instants were examined, not only open ones
  });
});

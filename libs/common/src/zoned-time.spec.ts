import { localTimeAt, offsetAt, zonedTimeToInstant } from './zoned-time';

/**
 * Local times and instants at every quarter hour of the days the clocks change, in both
 * hemispheres: the instants are chosen, so the result does not depend on when or where this runs.
 */
describe('local times on the days the clocks change', () => {
  // Zone, date, and how many quarter hours of that day do not exist (skipped by the clocks).
  const DAYS: Array<[string, string, number]> = [
    ['America/New_York', '2026-03-08', 4],
    ['America/New_York', '2026-11-01', 0],
    ['Europe/London', '2026-03-29', 4],
    ['Europe/London', '2026-10-25', 0],
    ['Australia/Sydney', '2026-04-05', 0],
    ['Australia/Sydney', '2026-10-04', 4],
    ['Asia/Tokyo', '2026-03-08', 0],
  ];
  const pad = (n: number) => String(n).padStart(2, '0');

  it.each(DAYS)(
    '%s on %s: every wall time maps to an instant that shows it, or the time after a gap',
    (zone, date, skipped) => {
      const wrong: string[] = [];
      let moved = 0;
      for (let minute = 0; minute < 1_440; minute += 15) {
        const wall = `${date}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
        const instant = zonedTimeToInstant(wall, zone)!.getTime();
        const shown = localTimeAt(instant, zone);
        // A skipped time moves forward by the gap (one hour in these zones); others show as given.
        if (shown.minute !== minute) moved++;
        const expected = shown.minute === minute ? minute : (minute + 60) % 1_440;
        if (shown.date !== date || shown.minute !== expected) wrong.push(`${wall} shows ${shown.date} ${shown.minute}`);
        // The offset used is the one in force at that instant.
        if (instant + offsetAt(instant, zone) !== Date.parse(`${date}T00:00:00Z`) + shown.minute * 60_000)
          wrong.push(`${wall}: offset`);
      }
      expect(wrong).toEqual([]);
      expect(moved).toBe(skipped);
    },
  );

  it.each(DAYS)('%s on %s: the offset at every 7th second is the one Intl gives for that instant', (zone, date) => {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      ...{ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' },
    } as const);
    const intl = (instant: number) => {
      const p = Object.fromEntries(format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
      return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(instant / 1000) * 1000;
    };
    const wrong: string[] = [];
    // The offset is kept for the minute it was read in: read it twice in each minute, across the change.
    const start = Date.parse(`${date}T00:00:00Z`) - 86_400_000;
    for (let instant = start; instant < start + 3 * 86_400_000; instant += 7_001) {
      if (offsetAt(instant, zone) !== intl(instant)) wrong.push(new Date(instant).toISOString());
    }
    expect(wrong).toEqual([]);
  });

  it('names the ISO weekday of the local date, not of UTC', () => {
    // Monday 00:30 in Tokyo is still Sunday in UTC.
    expect(localTimeAt(Date.parse('2026-11-29T15:30:00Z'), 'Asia/Tokyo')).toEqual({
      date: '2026-11-30',
      minute: 30,
      weekday: 1,
    });
    // Sunday 23:30 in Los Angeles is already Monday in UTC.
    expect(localTimeAt(Date.parse('2026-11-30T07:30:00Z'), 'America/Los_Angeles')).toEqual({
      date: '2026-11-29',
      minute: 23 * 60 + 30,
      weekday: 7,
    });
  });
});

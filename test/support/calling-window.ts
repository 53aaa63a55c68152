import { localTimeAt } from '../../libs/common/src/zoned-time';

/**
 * The calling window in tests. Every regime's default window (08:00–21:00 in the callee's local
 * time) is closed somewhere at every hour, so a suite that is not about the window must open it,
 * or its targets are held until morning and the suite passes only at some hours of the day.
 *
 * - Suites on an ApiHarness get an open window from `createTenant`.
 * - Suites that spawn the apps as processes, on the tenant `BOOTSTRAP_ADMIN_KEY` makes, call
 *   `openCallingWindow` once the API is up.
 * - Suites about the window choose one with `windowOpenInClosedIn`, from the instant they run at.
 */

/** A window open at every hour of every day. */
export const WHOLE_DAY = { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };

/** The settings change that opens the calling window at every hour (PUT /v1/settings body). */
export const OPEN_AT_ANY_HOUR = { compliance: { callingWindow: WHOLE_DAY } } as const;

/** Opens the calling window of the tenant whose admin key this is, through a running API. */
export async function openCallingWindow(apiBaseUrl: string, adminKey: string): Promise<void> {
  const response = await fetch(`${apiBaseUrl}/v1/settings`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(OPEN_AT_ANY_HOUR),
  });
  if (response.status !== 200) throw new Error(`opening the calling window answered ${response.status}`);
}

const mod24 = (hours: number) => ((hours % 24) + 24) % 24;
const hhmm = (hour: number) => `${String(mod24(hour)).padStart(2, '0')}:00`;

/**
 * A calling window, on whole hours, that is open now in `openZone` and closed now in `closedZone`,
 * with at least `marginHours` between now and every edge of the window in both zones: a test that
 * takes minutes cannot see the window open or close under it, whatever the hour it starts at.
 * Throws when the two zones' local times are too close for such a window.
 */
export function windowOpenInClosedIn(
  openZone: string,
  closedZone: string,
  options: { now?: Date; marginHours?: number } = {},
): { start: string; end: string; days: number[] } {
  const now = (options.now ?? new Date()).getTime();
  const margin = options.marginHours ?? 2;
  const hourIn = (zone: string) => localTimeAt(now, zone).minute / 60;
  const open = hourIn(openZone);
  // From the whole hour `margin` before now to the whole hour at least `margin` after now.
  const start = Math.floor(open) - margin;
  const end = Math.floor(open) + margin + 1;
  // The closed zone's local time must lie in the closed part [end, start + 24), margins inside.
  const fromEnd = mod24(hourIn(closedZone) - end);
  if (fromEnd < margin || fromEnd > 24 - (end - start) - margin)
    throw new Error(`no window with ${margin} h margins is open in ${openZone} and closed in ${closedZone} now`);
  return { start: hhmm(start), end: end % 24 === 0 ? '24:00' : hhmm(end), days: WHOLE_DAY.days };
}

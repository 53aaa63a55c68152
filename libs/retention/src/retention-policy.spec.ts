import { REGIME_DEFAULTS } from '@autocall/dialing';
import {
  DEFAULT_RETENTION_DAYS,
  effectiveRetentionDays,
  minimumRetentionDays,
  retentionDaysError,
} from './retention-policy';

const HOUR = 3_600;
const DAY = 86_400;

describe('retention period', () => {
  it('is at least the longest window the regime reads, plus a day: 31 days us and jp, 4 uk', () => {
    expect(minimumRetentionDays(REGIME_DEFAULTS.us)).toBe(31);
    expect(minimumRetentionDays(REGIME_DEFAULTS.jp)).toBe(31);
    // The uk abandon rate is over 24 hours, but a number is locked 72 hours after an abandoned call.
    expect(minimumRetentionDays(REGIME_DEFAULTS.uk)).toBe(4);
  });

  it("follows a tenant's longer windows, rounded up to whole days, and never goes below the attempts' day", () => {
    expect(minimumRetentionDays({ abandonWindowSeconds: 90 * DAY, redialAfterAbandonSeconds: 0 })).toBe(91);
    expect(minimumRetentionDays({ abandonWindowSeconds: DAY, redialAfterAbandonSeconds: 10 * DAY + 1 })).toBe(12);
    expect(minimumRetentionDays({ abandonWindowSeconds: HOUR, redialAfterAbandonSeconds: 0 })).toBe(2);
  });

  it('keeps the default of 90 days under every regime', () => {
    for (const regime of Object.values(REGIME_DEFAULTS))
      expect(effectiveRetentionDays(DEFAULT_RETENTION_DAYS, regime)).toBe(90);
  });

  it('applies the minimum when the regime changed after a shorter period was set', () => {
    // Set to 5 days under uk, then the tenant moves to us: 31 days apply, the setting stays 5.
    expect(effectiveRetentionDays(5, REGIME_DEFAULTS.uk)).toBe(5);
    expect(effectiveRetentionDays(5, REGIME_DEFAULTS.us)).toBe(31);
    expect(effectiveRetentionDays(400, REGIME_DEFAULTS.us)).toBe(400);
  });

  it('refuses a period below the minimum with a field error that names it, and allows the minimum', () => {
    expect(retentionDaysError(30, REGIME_DEFAULTS.us, 'us')).toEqual({
      field: 'retentionDays',
      code: 'below_minimum_retention',
      message: expect.stringMatching(/^must be at least 31 days: the us compliance settings read 30 days/),
    });
    expect(retentionDaysError(31, REGIME_DEFAULTS.us, 'us')).toBeNull();
    expect(retentionDaysError(3, REGIME_DEFAULTS.uk, 'uk')?.message).toMatch(/at least 4 days/);
    expect(retentionDaysError(4, REGIME_DEFAULTS.uk, 'uk')).toBeNull();
  });
});

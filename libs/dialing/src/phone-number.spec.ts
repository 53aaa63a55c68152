import { normalizePhoneNumber } from './phone-number';

describe('phone numbers', () => {
  it('accepts E.164 as it is', () => {
    expect(normalizePhoneNumber('+81312345678', null)).toEqual({ ok: true, e164: '+81312345678' });
  });

  it('reads national numbers with the default country', () => {
    expect(normalizePhoneNumber('03-1234-5678', 'JP')).toEqual({ ok: true, e164: '+81312345678' });
    expect(normalizePhoneNumber('(415) 555-0123', 'US')).toEqual({ ok: true, e164: '+14155550123' });
  });

  it('refuses national numbers without a default country, and what is not a number', () => {
    for (const bad of ['03-1234-5678', '+0123456789', '+1', 'call me', '', '+8131234567890123']) {
      expect(normalizePhoneNumber(bad, null).ok).toBe(false);
    }
    expect(normalizePhoneNumber('12', 'JP').ok).toBe(false);
    expect(normalizePhoneNumber("1'; DROP TABLE targets;--", 'JP').ok).toBe(false);
  });
});

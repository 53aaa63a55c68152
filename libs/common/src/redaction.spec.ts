import { maskPhoneNumber, maskPhoneNumbersIn } from './redaction';

describe('phone number masking', () => {
  it('keeps the country code and the last two digits of an E.164 number', () => {
    expect(maskPhoneNumber('+81312345678')).toBe('+81*******78');
  });

  it('masks numbers inside free text but leaves dates and short numbers alone', () => {
    const text = 'dial +14155550123 failed at 2026-11-21T03:11:00Z after 3 tries (0312345678)';
    expect(maskPhoneNumbersIn(text)).toBe(
      'dial +14*******23 failed at 2026-11-21T03:11:00Z after 3 tries (03******78)',
    );
  });
});

import { parsePhoneNumberFromString, CountryCode } from 'libphonenumber-js/min';

const E164 = /^\+[1-9]\d{6,14}$/;

export type PhoneNumberResult = { ok: true; e164: string } | { ok: false; message: string };

/**
 * E.164 numbers pass as they are (the fast path for large lists); a national number is read with
 * the tenant's default country, if it has one. Anything else is refused.
 */
export function normalizePhoneNumber(input: string, defaultCountry: string | null): PhoneNumberResult {
  const trimmed = input.trim();
  if (E164.test(trimmed)) return { ok: true, e164: trimmed };
  if (trimmed.startsWith('+')) return { ok: false, message: 'must be an E.164 number: + and 7 to 15 digits' };
  if (!defaultCountry) {
    return {
      ok: false,
      message: 'must be an E.164 number (+ and country code); set defaultCountry to send national numbers',
    };
  }
  if (!/^[\d\s().-]{4,20}$/.test(trimmed)) return { ok: false, message: 'is not a phone number' };
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
  if (!parsed || !parsed.isPossible())
    return { ok: false, message: `is not a possible phone number in ${defaultCountry}` };
  return { ok: true, e164: parsed.number };
}

export function isE164(value: string): boolean {
  return E164.test(value);
}

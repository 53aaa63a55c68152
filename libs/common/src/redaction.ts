/**
 * Phone numbers never appear whole in logs or queue payloads: `+81312345678` → `+81******78`.
 */
export function maskPhoneNumber(phoneNumber: string): string;
export function maskPhoneNumber(phoneNumber: string | null): string | null;
export function maskPhoneNumber(phoneNumber: string | null): string | null {
  if (phoneNumber === null) return null;
  if (phoneNumber.length <= 5) return '*'.repeat(phoneNumber.length);
  const head = phoneNumber.startsWith('+') ? phoneNumber.slice(0, 3) : phoneNumber.slice(0, 2);
  return head + '*'.repeat(phoneNumber.length - head.length - 2) + phoneNumber.slice(-2);
}

// E.164 numbers, and bare national numbers of 9+ digits (dates and times have separators).
const PHONE_LIKE = /\+\d{6,15}|\b\d{9,15}\b/g;

/** Masks anything that looks like a phone number inside free text (log messages, errors). */
export function maskPhoneNumbersIn(text: string): string {
  return text.replace(PHONE_LIKE, maskPhoneNumber);
}

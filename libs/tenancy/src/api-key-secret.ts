import { createHash, randomBytes } from 'node:crypto';

/** A new API key: `ac_` and 43 random base64url characters (256 bits). */
export function generateApiKey(): string {
  return `ac_${randomBytes(32).toString('base64url')}`;
}

/** Keys are high-entropy random strings, so a plain SHA-256 is a safe and fast lookup hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The first characters of a key, shown in lists so people can tell keys apart. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 10);
}

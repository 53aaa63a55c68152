import { z } from 'zod';

/** The keys that seal secrets at rest (libs/secrets): the first one seals, every one opens. */
export interface SecretsKeyRing {
  /** Id of the key new secrets are sealed under. */
  readonly current: string;
  /** Every key by id, the current one included: older ones still open what they sealed. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/**
 * SECRETS_KEYS=<id>:<base64 of 32 bytes>,<id>:<base64>,… — AES-256 keys, the first one current.
 * Messages name the entry by position and id, never a key's bytes.
 */
export const secretsKeysSetting = z.string().transform((value, context): SecretsKeyRing => {
  const keys = new Map<string, Buffer>();
  const entries = value.split(',').map((entry) => entry.trim());
  const fail = (message: string) => {
    context.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    const key = colon < 0 ? '' : entry.slice(colon + 1);
    const where = `entry ${index + 1}`;
    if (!KEY_ID.test(id))
      return fail(
        `must be <id>:<base64 of 32 bytes>, comma-separated (${where}: the id must be 1 to 32 letters, digits, "_" or "-")`,
      );
    if (keys.has(id)) return fail(`must not repeat a key id (${where}: "${id}" again)`);
    if (!BASE64_32_BYTES.test(key)) {
      const bytes =
        /^[A-Za-z0-9+/]*={0,2}$/.test(key) && key.length % 4 === 0 ? Buffer.from(key, 'base64').length : null;
      return fail(
        bytes === null
          ? `must hold base64 keys (${where}, key "${id}": not base64)`
          : `must hold 32-byte keys (${where}, key "${id}": ${bytes} bytes; make one with: openssl rand -base64 32)`,
      );
    }
    keys.set(id, Buffer.from(key, 'base64'));
  }
  return { current: entries[0].slice(0, entries[0].indexOf(':')), keys };
});

/** ERASURE_HASH_KEY=<base64 of 32 bytes>: the HMAC key of erased numbers' hashes. */
export const erasureHashKeySetting = z.string().transform((value, context): Buffer => {
  if (!BASE64_32_BYTES.test(value.trim())) {
    context.addIssue({
      code: 'custom',
      message: 'must be 32 bytes in base64 (make one with: openssl rand -base64 32)',
    });
    return z.NEVER;
  }
  return Buffer.from(value.trim(), 'base64');
});

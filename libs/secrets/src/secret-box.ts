import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig, SecretsKeyRing } from '@autocall/config';

/**
 * How a sealed secret is stored: one self-describing string,
 *   enc:v1:<key id>:<iv base64>:<tag base64>:<ciphertext base64>
 * rather than columns per part, because (1) it fits where the secret already lives, a column or a
 * field of a JSON document (the tenant settings), with no schema per place; (2) it can be copied as
 * it is (a rotated webhook secret becomes the previous one without being decrypted); (3) the key id
 * travels with it, so any key of the ring opens it and `secrets:rotate` sees which ones are not
 * under the current key; (4) a value without the prefix is a legacy secret stored in clear before
 * encryption (a migration has no key, so it cannot encrypt them), read as it is until
 * `secrets:rotate` seals it.
 */
const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretsNotConfiguredError extends Error {
  constructor() {
    super(
      'SECRETS_KEYS is not set: secrets are encrypted at rest under it (<id>:<base64 of 32 bytes>,…; ' +
        '`npm start` keeps a development key in .autocall/dev-secrets-key)',
    );
  }
}

/** A sealed secret that cannot be opened: its key is not in SECRETS_KEYS, or it was altered. */
export class SecretUnreadableError extends Error {}

/**
 * Seals secrets (AES-256-GCM, a fresh 96-bit IV each time) under the current key of SECRETS_KEYS
 * and opens them under whichever key of the ring sealed them. The one way to store or read a
 * secret that must come back in clear (webhook signing secrets, the call-stop check secret, and
 * later trunk credentials): nothing reads those columns but through it.
 */
export class SecretBox {
  constructor(private readonly ring: SecretsKeyRing) {}

  static fromConfig(config: AppConfig): SecretBox {
    const ring = config.get('SECRETS_KEYS');
    if (!ring) throw new SecretsNotConfiguredError();
    return new SecretBox(ring);
  }

  /** Whether a stored value is sealed (else: a legacy secret in clear). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const keyId = this.ring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.ring.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    // The header is authenticated too: a key id swapped in the stored string fails to open.
    cipher.setAAD(Buffer.from(`${PREFIX}${keyId}`));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64'));
    return `${PREFIX}${keyId}:${parts.join(':')}`;
  }

  /** The secret in clear; a legacy value stored in clear is returned as it is. */
  open(stored: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const [keyId, iv, tag, ciphertext, extra] = stored.slice(PREFIX.length).split(':');
    if (ciphertext === undefined || extra !== undefined)
      throw new SecretUnreadableError('a sealed secret is malformed');
    const key = this.ring.keys.get(keyId);
    if (!key)
      throw new SecretUnreadableError(`a secret is sealed under key "${keyId}", which SECRETS_KEYS does not hold`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${PREFIX}${keyId}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError(`a secret sealed under key "${keyId}" does not authenticate (altered?)`);
    }
  }

  /** Whether a stored value is sealed under the current key (nothing for `secrets:rotate` to do). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${PREFIX}${this.ring.current}:`);
  }

  /** The stored value under the current key: as it is when it already is, else opened and sealed again. */
  reseal(stored: string): string {
    return this.isCurrent(stored) ? stored : this.seal(this.open(stored));
  }
}

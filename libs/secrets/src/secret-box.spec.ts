import { randomBytes } from 'node:crypto';
import { AppConfig } from '@autocall/config';
import { SecretBox, SecretsNotConfiguredError, SecretUnreadableError } from './secret-box';

const key = () => randomBytes(32).toString('base64');
const box = (keys: string) => SecretBox.fromConfig(AppConfig.fromEnvironment({ SECRETS_KEYS: keys }));

describe('SecretBox', () => {
  const [k1, k2] = [key(), key()];
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+3Ft8Mt4wVc=';

  it('seals to a self-describing string without the secret, different each time, that opens back', () => {
    const b = box(`k1:${k1}`);
    const sealed = b.seal(secret);
    expect(sealed).toMatch(/^enc:v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(b.seal(secret)).not.toBe(sealed);
    expect(b.open(sealed)).toBe(secret);
    expect(b.open(b.seal('späte Grüße, 秘密'))).toBe('späte Grüße, 秘密');
    expect(b.isCurrent(sealed)).toBe(true);
  });

  it('detects any change to the ciphertext, its tag, its IV or its key id', () => {
    const b = box(`k1:${k1},k2:${k2}`);
    const sealed = b.seal(secret);
    const [, , id, iv, tag, ciphertext] = sealed.split(':');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };
    for (const altered of [
      `enc:v1:${id}:${iv}:${tag}:${flip(ciphertext)}`,
      `enc:v1:${id}:${iv}:${flip(tag)}:${ciphertext}`,
      `enc:v1:${id}:${flip(iv)}:${tag}:${ciphertext}`,
      `enc:v1:k2:${iv}:${tag}:${ciphertext}`,
      `enc:v1:${id}:${iv}:${tag}`,
    ])
      expect(() => b.open(altered)).toThrow(SecretUnreadableError);
  });

  it('refuses a key id the ring does not hold, naming the id only', () => {
    const sealed = box(`old:${k1}`).seal(secret);
    expect(() => box(`new:${k2}`).open(sealed)).toThrow(
      new SecretUnreadableError('a secret is sealed under key "old", which SECRETS_KEYS does not hold'),
    );
  });

  it('after a rotation, opens what older keys sealed and reseals it under the current one', () => {
    const sealedOld = box(`old:${k1}`).seal(secret);
    const rotated = box(`new:${k2},old:${k1}`);
    expect(rotated.open(sealedOld)).toBe(secret);
    expect(rotated.isCurrent(sealedOld)).toBe(false);
    const resealed = rotated.reseal(sealedOld);
    expect(resealed).toMatch(/^enc:v1:new:/);
    expect(box(`new:${k2}`).open(resealed)).toBe(secret);
    expect(rotated.reseal(resealed)).toBe(resealed);
  });

  it('reads a legacy secret stored in clear as it is, and seals it when resealing', () => {
    const b = box(`k1:${k1}`);
    expect(SecretBox.isSealed(secret)).toBe(false);
    expect(b.open(secret)).toBe(secret);
    expect(b.isCurrent(secret)).toBe(false);
    const sealed = b.reseal(secret);
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(b.open(sealed)).toBe(secret);
  });

  it('cannot be made without SECRETS_KEYS', () => {
    expect(() => SecretBox.fromConfig(AppConfig.fromEnvironment({}))).toThrow(SecretsNotConfiguredError);
  });
});

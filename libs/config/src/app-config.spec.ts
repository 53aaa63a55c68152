import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppConfig, ConfigError } from './app-config';

describe('configuration from the environment', () => {
  it('fits the local services when nothing is set', () => {
    const config = AppConfig.fromEnvironment({});
    expect(config.get('DATABASE_URL')).toBe('postgresql://postgres@127.0.0.1:5432/autocall');
    expect(config.get('REDIS_URL')).toBe('redis://127.0.0.1:6379');
    expect(config.get('API_PORT')).toBe(3000);
    expect(config.get('TELEPHONY')).toBe('simulator');
  });

  it('names the variable in one line when a value is bad', () => {
    expect(() => AppConfig.fromEnvironment({ API_PORT: 'abc' })).toThrow(
      new ConfigError('Invalid configuration: API_PORT Invalid input: expected number, received NaN (got "abc")'),
    );
    const message = (() => {
      try {
        AppConfig.fromEnvironment({ TELEPHONY: 'asterisk' });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/^Invalid configuration: TELEPHONY .*simulator.*sip/);
    expect(message).not.toContain('\n');
  });

  it('takes the seed nodes of a Redis Cluster as host:port pairs, unset (one Redis) by default', () => {
    expect(AppConfig.fromEnvironment({}).get('REDIS_CLUSTER_NODES')).toBeUndefined();
    expect(AppConfig.fromEnvironment({ REDIS_CLUSTER_NODES: '' }).get('REDIS_CLUSTER_NODES')).toBeUndefined();
    expect(
      AppConfig.fromEnvironment({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-2.internal:7001,[::1]:7002' }).get(
        'REDIS_CLUSTER_NODES',
      ),
    ).toEqual(['10.0.0.1:7000', 'redis-2.internal:7001', '[::1]:7002']);
    for (const bad of ['10.0.0.1', 'redis://10.0.0.1:7000', '10.0.0.1:0', '10.0.0.1:70000', ',']) {
      expect(() => AppConfig.fromEnvironment({ REDIS_CLUSTER_NODES: bad })).toThrow(
        new ConfigError(
          `Invalid configuration: REDIS_CLUSTER_NODES must be host:port pairs like 10.0.0.1:7000,10.0.0.2:7000 (got "${bad}")`,
        ),
      );
    }
  });

  it('does not echo URLs or keys, which may hold secrets', () => {
    expect(() => AppConfig.fromEnvironment({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(
      /^Invalid configuration: DATABASE_URL must be a postgresql:\/\/ URL$/,
    );
  });

  it('checks the SIP transport settings: the transport by name, the TLS CA file at boot', () => {
    expect(AppConfig.fromEnvironment({}).get('SIP_TRANSPORT')).toBe('udp');
    expect(AppConfig.fromEnvironment({}).get('SIP_TLS_VERIFY')).toBe(true);
    expect(AppConfig.fromEnvironment({ SIP_TLS_VERIFY: 'false' }).get('SIP_TLS_VERIFY')).toBe(false);
    expect(() => AppConfig.fromEnvironment({ SIP_TRANSPORT: 'sctp' })).toThrow(/SIP_TRANSPORT/);
    expect(() => AppConfig.fromEnvironment({ SIP_TLS_CA: '/nonexistent/ca.pem' })).toThrow(
      /SIP_TLS_CA cannot be read \(ENOENT\)/,
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'autocall-ca-'));
    try {
      const notPem = path.join(dir, 'ca.txt');
      writeFileSync(notPem, 'not a certificate');
      expect(() => AppConfig.fromEnvironment({ SIP_TLS_CA: notPem })).toThrow(/SIP_TLS_CA holds no PEM certificate/);
      const broken = path.join(dir, 'broken.pem');
      writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      expect(() => AppConfig.fromEnvironment({ SIP_TLS_CA: broken })).toThrow(/does not parse/);
      const good = path.join(dir, 'good.pem');
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=ca.test',
        '-keyout',
        path.join(dir, 'k'),
        '-out',
        good,
      ]);
      expect(made.status).toBe(0);
      expect(AppConfig.fromEnvironment({ SIP_TLS_CA: good }).get('SIP_TLS_CA')).toBe(good);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the simulated agents' dispositions as code:share pairs adding up to 1 at most", () => {
    expect(AppConfig.fromEnvironment({}).get('SIMULATOR_DISPOSITIONS')).toBe('');
    expect(
      AppConfig.fromEnvironment({ SIMULATOR_DISPOSITIONS: 'sale:0.3,dnc:.05' }).get('SIMULATOR_DISPOSITIONS'),
    ).toBe('sale:0.3,dnc:.05');
    expect(() => AppConfig.fromEnvironment({ SIMULATOR_DISPOSITIONS: 'sale:0.7,dnc:0.4' })).toThrow(/add up to 1/);
    expect(() => AppConfig.fromEnvironment({ SIMULATOR_DISPOSITIONS: 'Sale=1' })).toThrow(/SIMULATOR_DISPOSITIONS/);
  });

  it('treats empty values as unset', () => {
    expect(AppConfig.fromEnvironment({ API_PORT: '' }).get('API_PORT')).toBe(3000);
  });
});

describe('SECRETS_KEYS', () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  const error = (value: string, env: Record<string, string> = {}) => {
    try {
      AppConfig.fromEnvironment({ ...env, SECRETS_KEYS: value });
    } catch (e) {
      return (e as Error).message;
    }
    return null;
  };

  it('is a ring of keys by id, the first one current', () => {
    const ring = AppConfig.fromEnvironment({
      SECRETS_KEYS: `k2:${key}, k1:${Buffer.alloc(32, 1).toString('base64')}`,
    }).get('SECRETS_KEYS')!;
    expect(ring.current).toBe('k2');
    expect([...ring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(ring.keys.get('k1')).toEqual(Buffer.alloc(32, 1));
  });

  it.each([
    [`k1:${Buffer.alloc(16).toString('base64')}`, 'must hold 32-byte keys (entry 1, key "k1": 16 bytes'],
    [`k1:${key},k2:not*base64`, 'must hold base64 keys (entry 2, key "k2": not base64)'],
    [`k1:${key},k1:${key}`, 'must not repeat a key id (entry 2: "k1" again)'],
    [key, 'must be <id>:<base64 of 32 bytes>, comma-separated (entry 1'],
    [`k1:${key},`, 'must be <id>:<base64 of 32 bytes>, comma-separated (entry 2'],
  ])('names the variable, and never echoes a key, when malformed (%#)', (value, message) => {
    const got = error(value)!;
    expect(got.startsWith(`Invalid configuration: SECRETS_KEYS ${message}`)).toBe(true);
    expect(got).not.toContain(key);
    expect(got).not.toContain('\n');
  });

  it('is required in production only', () => {
    expect(() => AppConfig.fromEnvironment({ NODE_ENV: 'production' })).toThrow(
      new ConfigError('Invalid configuration: SECRETS_KEYS must be set when NODE_ENV=production'),
    );
    expect(
      AppConfig.fromEnvironment({ NODE_ENV: 'production', SECRETS_KEYS: `k:${key}`, ERASURE_HASH_KEY: key }).get(
        'SECRETS_KEYS',
      ),
    ).toBeDefined();
    expect(AppConfig.fromEnvironment({}).get('SECRETS_KEYS')).toBeUndefined();
  });
});

describe('ERASURE_HASH_KEY', () => {
  const key = Buffer.alloc(32, 9).toString('base64');

  it('is 32 bytes of base64, required in production only, and never printed', () => {
    expect(AppConfig.fromEnvironment({ ERASURE_HASH_KEY: key }).get('ERASURE_HASH_KEY')).toEqual(Buffer.alloc(32, 9));
    expect(() => AppConfig.fromEnvironment({ ERASURE_HASH_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      new ConfigError(
        'Invalid configuration: ERASURE_HASH_KEY must be 32 bytes in base64 (make one with: openssl rand -base64 32)',
      ),
    );
    expect(() => AppConfig.fromEnvironment({ NODE_ENV: 'production', SECRETS_KEYS: `k:${key}` })).toThrow(
      new ConfigError('Invalid configuration: ERASURE_HASH_KEY must be set when NODE_ENV=production'),
    );
    expect(AppConfig.fromEnvironment({}).get('ERASURE_HASH_KEY')).toBeUndefined();
  });
});

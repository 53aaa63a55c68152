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

  it('does not echo URLs or keys, which may hold secrets', () => {
    expect(() => AppConfig.fromEnvironment({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(
      /^Invalid configuration: DATABASE_URL must be a postgresql:\/\/ URL$/,
    );
  });

  it('treats empty values as unset', () => {
    expect(AppConfig.fromEnvironment({ API_PORT: '' }).get('API_PORT')).toBe(3000);
  });
});

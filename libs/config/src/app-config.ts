import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, ConfigValues } from './config.schema';

/**
 * Where `npm start` keeps the development key ring when SECRETS_KEYS is not set (git-ignored,
 * relative to the working directory: the repository when run through npm).
 */
export const DEV_SECRETS_KEY_FILE = path.join('.autocall', 'dev-secrets-key');
/** Likewise for ERASURE_HASH_KEY. */
export const DEV_ERASURE_KEY_FILE = path.join('.autocall', 'dev-erasure-key');

export class ConfigError extends Error {}

/**
 * The validated configuration, injected by class. Built once at boot from the environment; a bad
 * value throws a ConfigError whose message is one line naming the variable.
 */
export class AppConfig {
  private constructor(readonly values: Readonly<ConfigValues>) {}

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
    // Empty strings count as unset, as shells and compose files often export `VAR=`.
    const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
    const result = configSchema.safeParse(present);
    if (!result.success) {
      const issue = result.error.issues[0];
      const variable = String(issue.path[0]);
      const got = env[variable];
      const shown = /_(KEY|KEYS|URL)$/.test(variable) ? '' : ` (got "${got}")`;
      throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}${got === undefined ? '' : shown}`);
    }
    return new AppConfig(Object.freeze(result.data));
  }

  get<K extends keyof ConfigValues>(key: K): ConfigValues[K] {
    return this.values[key];
  }

  /** Runs `main` with the configuration, or prints the one-line reason and exits with 78. */
  static loadOrExit(): AppConfig {
    try {
      return AppConfig.fromEnvironment(withDevelopmentKeys(process.env));
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(78); // EX_CONFIG
      }
      throw error;
    }
  }
}

/**
 * In development only, with SECRETS_KEYS or ERASURE_HASH_KEY unset: the keys `npm start` made,
 * when there are, so `npm run cli` and `npm run start:api` on the same laptop decrypt what `npm
 * start` encrypted and find the numbers it erased. Never made here: an app that made its own key
 * where nothing keeps it (a container left on the development default) would lose it at the next
 * restart, and every secret with it.
 */
function withDevelopmentKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if ((env.NODE_ENV || 'development') !== 'development') return env;
  const kept = (file: string) =>
    existsSync(path.resolve(file)) ? readFileSync(path.resolve(file), 'utf8').trim() : undefined;
  return {
    ...env,
    SECRETS_KEYS: env.SECRETS_KEYS || kept(DEV_SECRETS_KEY_FILE),
    ERASURE_HASH_KEY: env.ERASURE_HASH_KEY || kept(DEV_ERASURE_KEY_FILE),
  };
}

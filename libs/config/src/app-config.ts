import { configSchema, ConfigValues } from './config.schema';

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
      const shown = variable.endsWith('_KEY') || variable.endsWith('_URL') ? '' : ` (got "${got}")`;
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
      return AppConfig.fromEnvironment();
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(78); // EX_CONFIG
      }
      throw error;
    }
  }
}

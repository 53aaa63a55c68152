import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@autocall/config';
import { closeOnSignals } from '@autocall/observability';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const config = AppConfig.loadOrExit();
  const app = await createApiApp(config);
  const logger = app.get(Logger);
  closeOnSignals(app, config.get('SHUTDOWN_TIMEOUT_MS'), (message) => logger.log(message));
  await app.listen(config.get('API_PORT'), config.get('API_HOST'));
}

main().catch((error: unknown) => {
  process.stderr.write(`autocall api failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});

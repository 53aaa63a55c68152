import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@autocall/config';
import { closeOnSignals } from '@autocall/observability';
import { createWorkerApp } from './app';

async function main(): Promise<void> {
  const config = AppConfig.loadOrExit();
  const app = await createWorkerApp(config);
  const logger = app.get(Logger);
  closeOnSignals(app, config.get('SHUTDOWN_TIMEOUT_MS'), (message) => logger.log(message));
  await app.listen(config.get('WORKER_PORT'), config.get('WORKER_HOST'));
}

main().catch((error: unknown) => {
  process.stderr.write(`autocall worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});

import 'reflect-metadata';
import { AppConfig } from '@autocall/config';
import { createWorkerApp } from './app';

async function main(): Promise<void> {
  const config = AppConfig.loadOrExit();
  const app = await createWorkerApp(config);
  await app.listen(config.get('WORKER_PORT'), config.get('WORKER_HOST'));
}

void main();

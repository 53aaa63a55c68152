import 'reflect-metadata';
import { AppConfig } from '@autocall/config';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const config = AppConfig.loadOrExit();
  const app = await createApiApp(config);
  await app.listen(config.get('API_PORT'), config.get('API_HOST'));
}

void main();

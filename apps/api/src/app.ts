import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { openApiDocument } from './http/openapi-document';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@autocall/config';
import { ApiModule } from './api.module';
import { Dashboard, DASHBOARD_PATH } from './ops/dashboard';
import { BOARD_PATH, QueueBoard } from './ops/queue-board';

/** Builds the API application (used by main.ts and by the end-to-end tests). */
export async function createApiApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
    forceCloseConnections: true,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', {
    limit: config.get('REQUEST_BODY_LIMIT'),
    type: ['application/json', 'application/*+json'],
  });
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(BOARD_PATH, app.get(QueueBoard).middleware());
  app.use(DASHBOARD_PATH, app.get(Dashboard).middleware());

  const document = openApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  return app;
}

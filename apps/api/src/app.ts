import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { describeProblems } from './http/openapi-problems';
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

  const document = describeProblems(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('AutoCall')
        .setDescription(
          'Outbound dialer for contact centers. Errors are RFC 9457 problem+json with a stable `code`: ' +
            'invalid_security_user (401), unauthorized (403), invalid_agent_id / invalid_contact_id / not_found (404), ' +
            'invalid_request (400, with errors[]), conflict / idempotency_key_reused / idempotency_request_in_flight (409), ' +
            'payload_too_large (413), too_many_requests (429), service_unavailable (503). Schema: components.schemas.Problem.',
        )
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An AutoCall API key' })
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  return app;
}

import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AgentsModule } from '@autocall/agents';
import { AuditModule } from '@autocall/audit';
import { CallbacksModule } from '@autocall/callbacks';
import { ErasureModule } from '@autocall/erasure';
import { AppConfig, ConfigModule } from '@autocall/config';
import { DatabaseModule } from '@autocall/database';
import { DialingModule } from '@autocall/dialing';
import { LinesModule } from '@autocall/lines';
import { DispositionsModule } from '@autocall/dispositions';
import { HealthController, loggerModule, MetricsController } from '@autocall/observability';
import { RedisModule } from '@autocall/redis';
import { SecretsModule } from '@autocall/secrets';
import { TenancyModule } from '@autocall/tenancy';
import { WebhooksModule } from '@autocall/webhooks';
import { BootstrapTenantService } from './bootstrap-tenant.service';
import { AgentsController } from './controllers/agents.controller';
import { AutoCallsController } from './controllers/autocalls.controller';
import { CallbacksController } from './controllers/callbacks.controller';
import { CallStopsController } from './controllers/call-stops.controller';
import { ContactsController } from './controllers/contacts.controller';
import { DataSubjectsController } from './controllers/data-subjects.controller';
import { DispositionsController } from './controllers/dispositions.controller';
import { ApiKeysController } from './controllers/api-keys.controller';
import { AuditEventsController } from './controllers/audit-events.controller';
import { LinesController } from './controllers/lines.controller';
import { PacingController } from './controllers/pacing.controller';
import { CampaignsController } from './controllers/campaigns.controller';
import { PacingSimulationsController } from './controllers/pacing-simulations.controller';
import { SettingsController } from './controllers/settings.controller';
import { TrunksController } from './controllers/trunks.controller';
import { WebhookDeliveriesController, WebhookEndpointsController } from './controllers/webhooks.controller';
import { AuditTrailInterceptor } from './http/audit-trail.interceptor';
import { AuthGuard } from './http/auth.guard';
import { ProblemFilter } from './http/problem.filter';
import { Dashboard } from './ops/dashboard';
import { KeyRevocations } from './ops/key-revocations';
import { OpsAccess } from './ops/ops-access';
import { QueueBoard } from './ops/queue-board';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config, 'api'),
        DatabaseModule,
        SecretsModule,
        RedisModule,
        TenancyModule,
        AgentsModule,
        LinesModule,
        DialingModule,
        WebhooksModule,
        CallbacksModule,
        ErasureModule,
        AuditModule,
        DispositionsModule,
      ],
      controllers: [
        HealthController,
        MetricsController,
        ApiKeysController,
        SettingsController,
        LinesController,
        TrunksController,
        AgentsController,
        AutoCallsController,
        CallStopsController,
        ContactsController,
        WebhookEndpointsController,
        WebhookDeliveriesController,
        CallbacksController,
        DataSubjectsController,
        PacingSimulationsController,
        PacingController,
        CampaignsController,
        AuditEventsController,
        DispositionsController,
      ],
      providers: [
        BootstrapTenantService,
        QueueBoard,
        OpsAccess,
        Dashboard,
        KeyRevocations,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: AuditTrailInterceptor },
      ],
    };
  }
}

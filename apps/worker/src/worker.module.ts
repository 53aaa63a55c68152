import { DynamicModule, Module } from '@nestjs/common';
import { AgentsModule } from '@autocall/agents';
import { CallbacksModule } from '@autocall/callbacks';
import { AppConfig, ConfigModule } from '@autocall/config';
import { DatabaseModule } from '@autocall/database';
import { DialingModule } from '@autocall/dialing';
import { DispositionsModule } from '@autocall/dispositions';
import { LinesModule } from '@autocall/lines';
import { HealthController, loggerModule, MetricsController } from '@autocall/observability';
import { RedisModule } from '@autocall/redis';
import { RetentionModule } from '@autocall/retention';
import { SecretsModule } from '@autocall/secrets';
import { TenancyModule } from '@autocall/tenancy';
import { WebhookOutbox, WebhooksModule } from '@autocall/webhooks';
import { CallStopCheck } from './engine/call-stop-check';
import { ContactCommands } from './engine/contact-commands';
import { ContactEngine } from './engine/contact-engine';
import { DialProcessors } from './engine/dial.processors';
import { EngineKeeper } from './engine/engine-keeper';
import { Dispatcher } from './engine/dispatcher';
import { PacingLeader } from './engine/pacing-leader';
import { telephonyProvider } from './engine/telephony.provider';
import { TrunkProbes, trunkHealthProvider } from './engine/trunk-health';
import { WorkerIdentity } from './engine/worker-identity';
import { CallbackRunner } from './callbacks/callback-runner';
import { LiveViewKeeper } from './live-view.keeper';
import { PacingSimulationRunner } from './pacing/pacing-simulation.runner';
import { RetentionSchedule } from './retention/retention-schedule';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { WebhookRelay } from './webhooks/webhook-relay';

/** The worker: queue processors and the dialing engine. Its only HTTP is health and metrics. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config, 'worker'),
        DatabaseModule,
        SecretsModule,
        RedisModule,
        AgentsModule,
        LinesModule,
        TenancyModule,
        DialingModule,
        WebhooksModule,
        CallbacksModule,
        DispositionsModule,
        RetentionModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        LiveViewKeeper,
        WorkerIdentity,
        telephonyProvider,
        trunkHealthProvider,
        TrunkProbes,
        ContactEngine,
        CallStopCheck,
        Dispatcher,
        PacingLeader,
        DialProcessors,
        EngineKeeper,
        ContactCommands,
        WebhookOutbox,
        WebhookRelay,
        WebhookDeliveryProcessor,
        CallbackRunner,
        RetentionSchedule,
        PacingSimulationRunner,
      ],
    };
  }
}

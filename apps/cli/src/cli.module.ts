import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@autocall/config';
import { DatabaseModule } from '@autocall/database';
import { RedisModule } from '@autocall/redis';
import { RetentionModule } from '@autocall/retention';
import { SecretsModule } from '@autocall/secrets';
import { TenancyModule } from '@autocall/tenancy';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), DatabaseModule, SecretsModule, TenancyModule] };
  }
}

/** Retention's pass, as a worker runs it (its settings and records read through the dialing module, which needs Redis). */
@Module({})
export class RetentionCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RetentionCliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, SecretsModule, RedisModule, RetentionModule],
    };
  }
}

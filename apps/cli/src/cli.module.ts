import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@autocall/config';
import { DatabaseModule } from '@autocall/database';
import { SecretsModule } from '@autocall/secrets';
import { TenancyModule } from '@autocall/tenancy';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), DatabaseModule, SecretsModule, TenancyModule] };
  }
}

import { Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service';
import { SettingsService } from './settings.service';
import { TenantsService } from './tenants.service';

@Module({
  providers: [ApiKeysService, TenantsService, SettingsService],
  exports: [ApiKeysService, TenantsService, SettingsService],
})
export class TenancyModule {}

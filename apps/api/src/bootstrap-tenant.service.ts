import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@autocall/config';
import { TenantsService } from '@autocall/tenancy';

/** BOOTSTRAP_ADMIN_KEY: a first tenant and admin key for a fresh installation. */
@Injectable()
export class BootstrapTenantService implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.get('BOOTSTRAP_ADMIN_KEY');
    if (key) await this.tenants.bootstrap(key);
  }
}

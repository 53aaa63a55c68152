import { Injectable, Logger } from '@nestjs/common';
import { uuidv7 } from '@autocall/common';
import { PrismaService } from '@autocall/database';
import { ApiKeysService, CreatedApiKey } from './api-keys.service';
import { hashApiKey } from './api-key-secret';

export interface CreatedTenant {
  tenantId: string;
  name: string;
  apiKey: CreatedApiKey;
}

// Any fixed number works; it only has to differ from the other advisory locks AutoCall takes.
const BOOTSTRAP_LOCK_KEY = 4_1017_0001;

@Injectable()
export class TenantsService {
  private readonly logger = new Logger(TenantsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** A new tenant with its first admin key (and, optionally, its line capacity). */
  async create(input: { name: string; lineCapacity?: number; adminKey?: string }): Promise<CreatedTenant> {
    return this.prisma.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { id: uuidv7(), name: input.name } });
      await tx.lineSettings.create({ data: { tenantId: tenant.id, capacity: input.lineCapacity ?? 0 } });
      await tx.tenantSettings.create({ data: { tenantId: tenant.id } });
      const apiKey = await this.apiKeys.create(
        tenant.id,
        { name: 'first admin key', role: 'admin' },
        tx,
        input.adminKey,
      );
      return { tenantId: tenant.id, name: tenant.name, apiKey };
    });
  }

  /**
   * BOOTSTRAP_ADMIN_KEY: when no tenant exists yet, create a default tenant whose admin key is the
   * given value. Safe when several processes start at once (advisory lock); a no-op afterwards.
   */
  async bootstrap(adminKey: string): Promise<CreatedTenant | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`;
      if ((await tx.tenant.count()) > 0) {
        const known = await tx.apiKey.findUnique({ where: { keyHash: hashApiKey(adminKey) } });
        if (!known) this.logger.warn('BOOTSTRAP_ADMIN_KEY is set but tenants exist already; it was not added.');
        return null;
      }
      const tenant = await tx.tenant.create({ data: { id: uuidv7(), name: 'default' } });
      await tx.lineSettings.create({ data: { tenantId: tenant.id, capacity: 10 } });
      await tx.tenantSettings.create({ data: { tenantId: tenant.id } });
      const apiKey = await this.apiKeys.create(tenant.id, { name: 'bootstrap admin key', role: 'admin' }, tx, adminKey);
      this.logger.log(`Created the default tenant ${tenant.id} with the bootstrap admin key.`);
      return { tenantId: tenant.id, name: tenant.name, apiKey };
    });
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService } from '@autocall/database';
import { mergeTenantSettings, readTenantSettings, TenantSettings, TenantSettingsPatch } from './tenant-settings';

@Injectable()
export class SettingsService {
  constructor(private readonly prisma: PrismaService) {}

  async get(tenantId: string): Promise<TenantSettings> {
    const row = await this.prisma.tenantSettings.findUnique({ where: { tenantId } });
    return readTenantSettings(row?.settings);
  }

  async update(tenantId: string, patch: TenantSettingsPatch): Promise<TenantSettings> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO tenant_settings (tenant_id) VALUES (${tenantId}::uuid) ON CONFLICT DO NOTHING`;
      const [row] = await tx.$queryRaw<{ settings: unknown }[]>`
        SELECT settings FROM tenant_settings WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
      const next = mergeTenantSettings(readTenantSettings(row?.settings), patch);
      await tx.tenantSettings.update({ where: { tenantId }, data: { settings: next } });
      return next;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService } from '@autocall/database';
import { SecretBox } from '@autocall/secrets';
import { mergeTenantSettings, readTenantSettings, TenantSettings, TenantSettingsPatch } from './tenant-settings';

@Injectable()
export class SettingsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly box: SecretBox,
  ) {}

  /** The settings as stored: callStopCheck.secret sealed (see storedCallStopCheckSchema). */
  async get(tenantId: string): Promise<TenantSettings> {
    const row = await this.prisma.tenantSettings.findUnique({ where: { tenantId } });
    return readTenantSettings(row?.settings);
  }

  /**
   * Merges a change; a call-stop check secret in it is sealed before anything stores it. `check`
   * sees the merged settings before they are stored, and throws to refuse them (rules that need
   * more than this library knows, e.g. retention's minimum, which depends on the compliance regime).
   */
  async update(
    tenantId: string,
    change: TenantSettingsPatch,
    check: (next: TenantSettings) => void = () => undefined,
  ): Promise<TenantSettings> {
    const secret = change.callStopCheck?.secret;
    const patch = secret
      ? { ...change, callStopCheck: { ...change.callStopCheck!, secret: this.box.seal(secret) } }
      : change;
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO tenant_settings (tenant_id) VALUES (${tenantId}::uuid) ON CONFLICT DO NOTHING`;
      const [row] = await tx.$queryRaw<{ settings: unknown }[]>`
        SELECT settings FROM tenant_settings WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
      const next = mergeTenantSettings(readTenantSettings(row?.settings), patch);
      check(next);
      await tx.tenantSettings.update({ where: { tenantId }, data: { settings: next } });
      return next;
    });
  }
}

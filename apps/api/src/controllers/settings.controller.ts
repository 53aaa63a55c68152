import { Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  publicTenantSettings,
  SettingsService,
  tenantSettingsAnswerSchema,
  tenantSettingsPatchSchema,
} from '@autocall/tenancy';
import type { Caller, TenantSettingsPatch } from '@autocall/tenancy';
import { refuseRetentionBelowMinimum } from '@autocall/retention';
import { CurrentCaller } from '../http/caller.decorator';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody } from '../http/zod';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Roles('supervisor')
  @ApiOperation({ summary: "The tenant's settings, defaults included" })
  @DocumentedResponse(200, tenantSettingsAnswerSchema, 'the settings, defaults included, secrets hidden')
  async get(@CurrentCaller() caller: Caller) {
    return publicTenantSettings(await this.settings.get(caller.tenantId));
  }

  @Put()
  @Audited('settings.changed')
  @Roles()
  @ApiOperation({
    summary: "Change the tenant's settings",
    description:
      'Fields left out keep their value; a field set to null goes back to its default. A retentionDays below ' +
      'what the compliance settings read (31 days us and jp, 4 uk, more with longer windows) is refused ' +
      '(400, field code below_minimum_retention, naming the minimum).',
  })
  @DocumentedBody(tenantSettingsPatchSchema)
  @DocumentedResponse(200, tenantSettingsAnswerSchema, 'the settings as changed, defaults included, secrets hidden')
  async update(@CurrentCaller() caller: Caller, @ZodBody(tenantSettingsPatchSchema) body: TenantSettingsPatch) {
    return publicTenantSettings(
      await this.settings.update(caller.tenantId, body, (next) => refuseRetentionBelowMinimum(body, next)),
    );
  }
}

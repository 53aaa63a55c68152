import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InvalidRequestError } from '@autocall/common';
import {
  CAMPAIGN_NAME,
  campaignComplianceSchema,
  campaignListSchema,
  CampaignsService,
  ComplianceService,
  effectiveCompliance,
} from '@autocall/dialing';
import type { Caller, TenantSettings } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedResponse } from '../http/zod';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly compliance: ComplianceService,
    private readonly campaigns: CampaignsService,
  ) {}

  @Get()
  @Roles('supervisor', 'integrator')
  @ApiOperation({
    summary: 'The campaigns with an active AutoCall, each with its abandon rate over the compliance window',
  })
  @DocumentedResponse(200, campaignListSchema, 'the active campaigns, by name')
  async list(@CurrentCaller() caller: Caller) {
    const settings = await this.compliance.settings(caller.tenantId);
    const names = await this.campaigns.active(caller.tenantId);
    return { items: await Promise.all(names.map((name) => this.report(caller.tenantId, name, settings))) };
  }

  @Get(':campaign/compliance')
  @Roles('supervisor', 'integrator')
  @ApiOperation({
    summary: "A campaign's abandon rate over the compliance window, against the cap, and how it dials",
    description:
      'Abandoned ÷ answered by a person over the regime window (30 days US, 24 h UK, or the tenant ' +
      'setting), counted per campaign (or for the tenant as a whole with abandonScope "tenant"). From ' +
      'the cap until back at or under the target, the state is progressive_until_under_cap: its ' +
      'predictive AutoCalls dial one call per free agent. An AutoCall without a campaign is its own (its id).',
  })
  @DocumentedResponse(200, campaignComplianceSchema, "the campaign's compliance")
  @ApiResponse({ status: 400, description: 'invalid_request: not a campaign name' })
  @ApiResponse({ status: 404, description: 'not_found: no AutoCall of the tenant is in this campaign' })
  async get(@CurrentCaller() caller: Caller, @Param('campaign') campaign: string) {
    if (!CAMPAIGN_NAME.test(campaign))
      throw InvalidRequestError.field('campaign', 'invalid', 'must be a campaign name');
    return this.report(caller.tenantId, campaign, await this.compliance.settings(caller.tenantId));
  }

  private async report(tenantId: string, campaign: string, settings: TenantSettings) {
    const compliance = effectiveCompliance(settings);
    const report = await this.campaigns.report(
      tenantId,
      campaign,
      compliance.abandonScope,
      compliance.abandonWindowSeconds,
    );
    return {
      campaign,
      scope: compliance.abandonScope,
      complianceRegime: settings.complianceRegime,
      windowSeconds: compliance.abandonWindowSeconds,
      answered: report.answered,
      abandoned: report.abandoned,
      rate: report.answered ? report.abandoned / report.answered : null,
      maxAbandonRate: settings.pacing.maxAbandonRate,
      targetAbandonRate: settings.pacing.targetAbandonRate,
      state: report.state,
      progressiveSince: report.progressiveSince,
      measuredAt: report.measuredAt,
      activeAutoCalls: report.activeAutoCalls,
    };
  }
}

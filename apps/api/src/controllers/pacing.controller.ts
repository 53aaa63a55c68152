import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InvalidRequestError } from '@autocall/common';
import {
  ComplianceService,
  effectiveCompliance,
  pacingAnswerSchema,
  PacingStats,
  PacingStore,
  withRate,
} from '@autocall/dialing';
import { SKILL_NAME } from '@autocall/agents';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedResponse } from '../http/zod';

@ApiTags('pacing')
@ApiBearerAuth()
@Controller('v1/pacing')
export class PacingController {
  constructor(
    private readonly compliance: ComplianceService,
    private readonly stats: PacingStats,
    private readonly store: PacingStore,
  ) {}

  @Get(':skill')
  @Roles('supervisor', 'integrator')
  @ApiOperation({
    summary: "A skill's predictive pacing: settings, the pacer's last decision, and the abandon rate",
    description:
      'abandonRate is abandoned ÷ answered by a person over the compliance window (30 days US, 24 h UK, ' +
      'or the tenant setting), the figure regulators cap at 3%; lastHour is what the pacer corrects from.',
  })
  @DocumentedResponse(200, pacingAnswerSchema, "the skill's pacing")
  @ApiResponse({ status: 400, description: 'invalid_request: not a skill name' })
  async get(@CurrentCaller() caller: Caller, @Param('skill') skill: string) {
    if (!SKILL_NAME.test(skill)) throw InvalidRequestError.field('skill', 'invalid', 'must be a skill name');
    const settings = await this.compliance.settings(caller.tenantId);
    const compliance = effectiveCompliance(settings);
    const measured = await this.stats.abandons(caller.tenantId, skill, compliance.abandonWindowSeconds);
    return {
      skill,
      settings: settings.pacingBySkill[skill] ?? settings.pacing,
      complianceRegime: settings.complianceRegime,
      abandonWindowSeconds: compliance.abandonWindowSeconds,
      connectThresholdSeconds: compliance.connectThresholdSeconds,
      abandonRate: withRate(measured.compliance),
      lastHour: withRate(measured.recent),
      pacer: await this.store.state(caller.tenantId, skill),
    };
  }
}

import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  pacingSimulationAnswerSchema,
  PacingSimulations,
  requestPacingSimulationSchema,
  MAX_OPEN_SIMULATIONS,
} from '@autocall/dialing';
import type { RequestPacingSimulation } from '@autocall/dialing';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Audited } from '../http/audited.decorator';
import { AcceptsIdempotencyKey, IdempotencyKey, markReplayed } from '../http/idempotency-key';
import { knownId } from '../http/known-id';
import { Roles } from '../http/roles.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody } from '../http/zod';

@ApiTags('pacing')
@ApiBearerAuth()
@Controller('v1/pacing/simulations')
export class PacingSimulationsController {
  constructor(private readonly simulations: PacingSimulations) {}

  @Post()
  @Audited('pacing_simulation.requested')
  @HttpCode(202)
  @Roles('supervisor')
  @ApiOperation({
    summary: "What-if: what each pacing strategy would do for a skill's pool, simulated before going live",
    description:
      "Runs the production pacer and contact state machine in virtual time on a worker, on the pool's own " +
      'measured calls of the last measuredDays (answer share, time to answer, talk time) and the figures you ' +
      'give (which replace the measured ones; patience and wrap-up cannot be measured). Each strategy dials the ' +
      'same seeded calls. Poll GET /v1/pacing/simulations/{id} (Location) until status is done or failed. ' +
      `At most ${MAX_OPEN_SIMULATIONS} of a tenant's simulations queued or running at once.`,
  })
  @AcceptsIdempotencyKey(202)
  @DocumentedBody(requestPacingSimulationSchema)
  @DocumentedResponse(202, pacingSimulationAnswerSchema, 'queued; the Location header names it')
  @ApiResponse({
    status: 429,
    description: `${MAX_OPEN_SIMULATIONS} simulations of the tenant are still open (Retry-After)`,
  })
  async request(
    @CurrentCaller() caller: Caller,
    @ZodBody(requestPacingSimulationSchema) body: RequestPacingSimulation,
    @IdempotencyKey() idempotencyKey: string | null,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.simulations.request(caller.tenantId, body, idempotencyKey);
    markReplayed(res, result.replayed);
    res.setHeader('Location', `/v1/pacing/simulations/${result.answer.id}`);
    return result.answer;
  }

  @Get(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'A what-if simulation: its state and, once done, each strategy’s figures' })
  @DocumentedResponse(200, pacingSimulationAnswerSchema, 'the simulation')
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.simulations.get(caller.tenantId, knownId(id, 'pacing simulation'));
  }
}

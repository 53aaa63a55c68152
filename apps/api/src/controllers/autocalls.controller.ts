import { AppConfig } from '@autocall/config';
import { RateLimiter } from '@autocall/redis';
import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  AUTOCALL_LIST_QUERY,
  autoCallAnswerSchema,
  autoCallDetailSchema,
  autoCallPageSchema,
  AutoCallsService,
  cancelAutoCallSchema,
  ContactsService,
  PacingStats,
  submissionAnswerSchema,
  submitAutoCallSchema,
  TARGET_LIST_QUERY,
  targetPageSchema,
} from '@autocall/dialing';
import type { SubmitAutoCall } from '@autocall/dialing';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { knownId } from '../http/known-id';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { AcceptsIdempotencyKey, IdempotencyKey, markReplayed } from '../http/idempotency-key';
import { DocumentedBody, DocumentedResponse, ZodBody, ZodQuery } from '../http/zod';

@ApiTags('autocalls')
@ApiBearerAuth()
@Controller('v1/autocalls')
export class AutoCallsController {
  constructor(
    private readonly autocalls: AutoCallsService,
    private readonly contacts: ContactsService,
    private readonly pacingStats: PacingStats,
    private readonly rateLimiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @Audited('autocall.submitted')
  @HttpCode(202)
  @Roles('integrator')
  @ApiOperation({
    summary: 'Submit an AutoCall',
    description:
      'immediate: dials min(free lines − reserve, free agents − reserve, targets) now; the rest end not_dialed. ' +
      'sequential: holds the targets and dials each, in order, as soon as a line and an agent are free. ' +
      "predictive: holds the targets and dials ahead of agents, as many as the pool's pacer allows under the " +
      'abandon-rate cap (GET /v1/pacing/{skill}). Every mode keeps the compliance guards: the calling window in ' +
      "the called party's local time, the redial lock after an abandoned call, attempts per number per day. " +
      'A number on the do-not-call list ends skipped (do_not_call); a number repeated in the list ends skipped ' +
      '(duplicate_in_list). At most 10,000 targets.',
  })
  @AcceptsIdempotencyKey(202)
  @DocumentedBody(submitAutoCallSchema)
  @DocumentedResponse(202, submissionAnswerSchema, 'accepted, with the status of every target')
  @ApiResponse({ status: 429, description: "past the tenant's submission rate limit (Retry-After)" })
  async submit(
    @CurrentCaller() caller: Caller,
    @ZodBody(submitAutoCallSchema) body: SubmitAutoCall,
    @IdempotencyKey() idempotencyKey: string | null,
    @Res({ passthrough: true }) res: Response,
  ) {
    // Per tenant, shared by every replica (Redis): a runaway integration cannot flood the dialer.
    await this.rateLimiter.hit(
      caller.tenantId,
      'submit-autocall',
      this.config.get('SUBMISSION_LIMIT'),
      this.config.get('SUBMISSION_WINDOW_SECONDS'),
    );
    const result = await this.autocalls.submit(caller.tenantId, body, idempotencyKey);
    markReplayed(res, result.replayed);
    return result.answer;
  }

  @Get()
  @DocumentedResponse(200, autoCallPageSchema, 'AutoCalls, newest first')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'AutoCalls, newest first, with counts by target status' })
  list(@CurrentCaller() caller: Caller, @ZodQuery(AUTOCALL_LIST_QUERY) query: z.infer<typeof AUTOCALL_LIST_QUERY>) {
    return this.autocalls.list(caller.tenantId, query);
  }

  @Get(':id')
  @DocumentedResponse(200, autoCallDetailSchema, 'the AutoCall')
  @Roles('integrator', 'supervisor')
  @ApiOperation({
    summary: 'One AutoCall with counts by target status and its abandon rate (abandoned ÷ answered by a person)',
  })
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const autocall = await this.autocalls.get(caller.tenantId, knownId(id, 'AutoCall'));
    return {
      ...autocall,
      abandon: await this.pacingStats.ofAutoCall(autocall.id),
      dispositions: await this.autocalls.dispositionCounts(autocall.id),
    };
  }

  @Get(':id/targets')
  @DocumentedResponse(200, targetPageSchema, 'the targets, in list order')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'The targets and their results, in list order (filter: status=a,b)' })
  targets(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @ZodQuery(TARGET_LIST_QUERY) query: z.infer<typeof TARGET_LIST_QUERY>,
  ) {
    return this.autocalls.targetsOf(caller.tenantId, knownId(id, 'AutoCall'), query);
  }

  @Post(':id/cancel')
  @Audited('autocall.cancelled')
  @DocumentedResponse(200, autoCallAnswerSchema, 'cancelled: the AutoCall with its counts')
  @HttpCode(200)
  @Roles('integrator', 'supervisor')
  @ApiOperation({
    summary: 'Cancel: held targets end cancelled at once; calls in progress finish, or end with hangUp: true',
  })
  @DocumentedBody(cancelAutoCallSchema)
  @ApiResponse({ status: 409, description: 'the AutoCall is completed or cancelled already' })
  async cancel(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @ZodBody(cancelAutoCallSchema) body: z.infer<typeof cancelAutoCallSchema>,
  ) {
    const cancelled = await this.autocalls.cancel(caller.tenantId, knownId(id, 'AutoCall'));
    if (body.hangUp) {
      for (const contactId of await this.contacts.liveOf(id)) {
        await this.contacts.end(caller.tenantId, contactId, 'autocall_cancelled');
      }
    }
    return cancelled;
  }
}

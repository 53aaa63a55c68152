import { Controller, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  callbackAnswerSchema,
  callbackPageSchema,
  CallbacksService,
  createCallbackSchema,
  listCallbacksQuery,
  updateCallbackSchema,
} from '@autocall/callbacks';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { knownId } from '../http/known-id';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { AcceptsIdempotencyKey, IdempotencyKey, markReplayed } from '../http/idempotency-key';
import { DocumentedBody, DocumentedResponse, ZodBody, ZodQuery } from '../http/zod';

@ApiTags('callbacks')
@ApiBearerAuth()
@Controller('v1/callbacks')
export class CallbacksController {
  constructor(private readonly callbacks: CallbacksService) {}

  @Post()
  @Audited('callback.scheduled')
  @DocumentedResponse(201, callbackAnswerSchema, 'scheduled')
  @HttpCode(201)
  @Roles('integrator', 'supervisor')
  @ApiOperation({
    summary:
      'Schedule a callback: a number (or a contact), a skill, a time (default now + 30 min; local with timeZone, or an instant), an optional owner',
  })
  @DocumentedBody(createCallbackSchema)
  @ApiResponse({ status: 409, description: 'the contact has an open callback already' })
  @AcceptsIdempotencyKey(201)
  async create(
    @CurrentCaller() caller: Caller,
    @ZodBody(createCallbackSchema) body: z.infer<typeof createCallbackSchema>,
    @IdempotencyKey() idempotencyKey: string | null,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.callbacks.create(caller.tenantId, body, idempotencyKey);
    markReplayed(res, result.replayed);
    return result.answer;
  }

  @Get()
  @DocumentedResponse(200, callbackPageSchema, 'callbacks by scheduled time')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'Callbacks by scheduled time (filters: status=a,b, ownerAgentId, dueFrom, dueTo)' })
  list(@CurrentCaller() caller: Caller, @ZodQuery(listCallbacksQuery) query: z.infer<typeof listCallbacksQuery>) {
    return this.callbacks.list(caller.tenantId, query);
  }

  @Get(':id')
  @DocumentedResponse(200, callbackAnswerSchema, 'the callback')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'One callback, with its AutoCall and target once due, and its outcome once ended' })
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.callbacks.get(caller.tenantId, knownId(id, 'callback'));
  }

  @Patch(':id')
  @Audited('callback.changed')
  @DocumentedResponse(200, callbackAnswerSchema, 'rescheduled or changed')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'Reschedule, change or remove the owner (while scheduled or waiting for its owner)' })
  @DocumentedBody(updateCallbackSchema)
  @ApiResponse({ status: 409, description: 'the callback is dialed or ended already' })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @ZodBody(updateCallbackSchema) body: z.infer<typeof updateCallbackSchema>,
  ) {
    return this.callbacks.update(caller.tenantId, knownId(id, 'callback'), body);
  }

  @Post(':id/cancel')
  @Audited('callback.cancelled')
  @DocumentedResponse(200, callbackAnswerSchema, 'cancelled')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Cancel a callback not dialed yet (scheduled, waiting, or held in the queue)' })
  @ApiResponse({
    status: 400,
    description:
      'invalid_request: a body that is not JSON, or neither an object nor an array (this operation reads none)',
  })
  @ApiResponse({ status: 409, description: 'its call is placed, or it ended already' })
  cancel(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.callbacks.cancel(caller.tenantId, knownId(id, 'callback'));
  }
}

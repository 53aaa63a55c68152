import { Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { NotFoundError, instantSchema } from '@autocall/common';
import { callStopAnswerSchema, callStopPageSchema, CallStopsService, isE164 } from '@autocall/dialing';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { AcceptsIdempotencyKey, IdempotencyKey, markReplayed } from '../http/idempotency-key';
import { DocumentedBody, DocumentedResponse, ZodBody, ZodQuery } from '../http/zod';

export const callStopSchema = z
  .object({
    phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number'),
    reason: z.string().max(200).optional(),
    expiresAt: instantSchema.refine((d) => d.getTime() > Date.now(), 'must be in the future').optional(),
  })
  .strict();

const listQuery = z
  .object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) })
  .strict();

@ApiTags('call-stops')
@ApiBearerAuth()
@Controller('v1/call-stops')
export class CallStopsController {
  constructor(private readonly callStops: CallStopsService) {}

  @Post()
  @Audited('call_stop.added')
  @DocumentedResponse(201, callStopAnswerSchema, 'the number is on the list (added, or its stop updated)')
  @HttpCode(201)
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'Stop calls to a number (a held target with it is skipped when its turn comes)' })
  @DocumentedBody(callStopSchema)
  @AcceptsIdempotencyKey(201)
  async add(
    @CurrentCaller() caller: Caller,
    @ZodBody(callStopSchema) body: z.infer<typeof callStopSchema>,
    @IdempotencyKey() idempotencyKey: string | null,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.callStops.add(caller.tenantId, body, idempotencyKey);
    markReplayed(res, result.replayed);
    return result.answer;
  }

  @Get()
  @DocumentedResponse(200, callStopPageSchema, 'the numbers on the list, by number')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'The do-not-call list' })
  list(@CurrentCaller() caller: Caller, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    return this.callStops.list(caller.tenantId, query);
  }

  @Delete(':phoneNumber')
  @Audited('call_stop.removed')
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'the number is off the list' })
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'Allow calls to the number again' })
  async remove(@CurrentCaller() caller: Caller, @Param('phoneNumber') phoneNumber: string): Promise<void> {
    if (!isE164(phoneNumber)) throw new NotFoundError('not_found', 'This number is not on the call-stop list.');
    await this.callStops.remove(caller.tenantId, phoneNumber);
  }
}

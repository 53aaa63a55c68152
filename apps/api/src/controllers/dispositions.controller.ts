import { Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { InvalidRequestError, isUuid, NotFoundError } from '@autocall/common';
import {
  DISPOSITION_CODE,
  dispositionCodeAnswerSchema,
  dispositionCodeListSchema,
  DispositionsService,
  putDispositionCodeSchema,
  setDispositionAnswerSchema,
  setDispositionSchema,
} from '@autocall/dispositions';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody } from '../http/zod';

/** The tenant's disposition codes (admin), read by every role (an agent's desktop lists them). */
@ApiTags('dispositions')
@ApiBearerAuth()
@Controller('v1')
export class DispositionsController {
  constructor(private readonly dispositions: DispositionsService) {}

  @Get('dispositions')
  @Roles('supervisor', 'integrator', 'agent')
  @ApiOperation({ summary: "The tenant's disposition codes, by code" })
  @DocumentedResponse(200, dispositionCodeListSchema, 'the codes')
  list(@CurrentCaller() caller: Caller) {
    return this.dispositions.list(caller.tenantId);
  }

  @Put('dispositions/:dispositionId')
  @Audited('disposition.saved')
  @Roles()
  @ApiOperation({
    summary: 'Create or replace a disposition code',
    description:
      'The path names the code (a-z, 0-9, _, -, .). kind: final (the target ends completed), retry (back to pending after ' +
      'retryDelaySeconds while it has made fewer than retryMaxAttempts attempts), callback (a callback is scheduled), ' +
      'do_not_call (the number joins the call stops). isDefault: applied when nobody dispositions within wrapUpSeconds; ' +
      'a new default replaces the old one. Connected calls await a disposition only while the tenant has a default code.',
  })
  @DocumentedBody(putDispositionCodeSchema)
  @DocumentedResponse(201, dispositionCodeAnswerSchema, 'created')
  @DocumentedResponse(200, dispositionCodeAnswerSchema, 'replaced')
  async put(
    @CurrentCaller() caller: Caller,
    @Param('dispositionId') code: string,
    @ZodBody(putDispositionCodeSchema) body: z.infer<typeof putDispositionCodeSchema>,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!DISPOSITION_CODE.test(code))
      throw InvalidRequestError.field('dispositionId', 'invalid_format', 'must be 1 to 64 of a-z, 0-9, _, - and .');
    const { created, answer } = await this.dispositions.put(caller.tenantId, code, body);
    res.status(created ? 201 : 200);
    return answer;
  }

  @Delete('dispositions/:dispositionId')
  @Audited('disposition.removed')
  @HttpCode(204)
  @Roles()
  @ApiOperation({
    summary: 'Remove a disposition code',
    description:
      'Contacts and targets keep the code they were given. Without a default code, calls await no disposition.',
  })
  @ApiResponse({ status: 204, description: 'removed' })
  @ApiResponse({ status: 404, description: 'not_found' })
  async remove(@CurrentCaller() caller: Caller, @Param('dispositionId') code: string) {
    if (!DISPOSITION_CODE.test(code)) throw new NotFoundError('not_found', 'No disposition code with this name.');
    await this.dispositions.remove(caller.tenantId, code);
  }

  @Post('contacts/:contactId/disposition')
  @Audited('contact.disposition_set')
  @Roles('supervisor', 'integrator', 'agent')
  @ApiOperation({
    summary: 'Set the disposition of a contact',
    description:
      "By the agent's own key (its own calls only), or a supervisor or an integrator for it: from the connection until " +
      "the wrap-up ends (the tenant's wrapUpSeconds after the call ended), once. Applied to the target when the call " +
      'has ended: a callback code schedules its callback (callback.owned: owned by the agent), a do_not_call code adds ' +
      "the number to the call stops. Sets the agent available again if they are in this call's wrap-up.",
  })
  @DocumentedBody(setDispositionSchema)
  @DocumentedResponse(201, setDispositionAnswerSchema, 'set')
  @ApiResponse({
    status: 400,
    description: 'invalid_request: unknown_disposition_code, a callback for another kind, a callback time refused',
  })
  @ApiResponse({ status: 403, description: "unauthorized: an agent key, for another agent's call" })
  @ApiResponse({ status: 404, description: 'invalid_contact_id' })
  @ApiResponse({
    status: 409,
    description: 'conflict: set already, never connected, or the wrap-up is over (the default code applies)',
  })
  set(
    @CurrentCaller() caller: Caller,
    @Param('contactId') contactId: string,
    @ZodBody(setDispositionSchema) body: z.infer<typeof setDispositionSchema>,
  ) {
    if (!isUuid(contactId)) throw new NotFoundError('invalid_contact_id', 'No contact with this id.');
    return this.dispositions.set(caller, contactId, body);
  }
}

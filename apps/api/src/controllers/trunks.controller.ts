import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  createTrunkSchema,
  trunkAnswerSchema,
  trunkListSchema,
  TrunksService,
  updateTrunkSchema,
} from '@autocall/lines';
import { Queues } from '@autocall/dialing';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { knownId } from '../http/known-id';
import { Audited } from '../http/audited.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody } from '../http/zod';

/**
 * A tenant's trunks (carriers): admin keys only. A dial needs a free line of the tenant and a
 * trunk with a free channel and a call-rate token; a tenant with no trunk dials through the
 * default trunk (the worker's SIP_* settings). Passwords are stored sealed and never returned.
 */
@ApiTags('trunks')
@ApiBearerAuth()
@Controller('v1/trunks')
export class TrunksController {
  constructor(
    private readonly trunks: TrunksService,
    private readonly queues: Queues,
  ) {}

  @Post()
  @Audited('trunk.created')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a trunk: SIP target, transport, credentials, channels, calls per second, priority' })
  @DocumentedBody(createTrunkSchema)
  @DocumentedResponse(201, trunkAnswerSchema, 'the trunk, without its password')
  @ApiResponse({ status: 409, description: 'the tenant has a trunk of this name already' })
  async create(@CurrentCaller() caller: Caller, @ZodBody(createTrunkSchema) body: z.infer<typeof createTrunkSchema>) {
    const trunk = await this.trunks.create(caller.tenantId, body);
    await this.wake(caller.tenantId);
    return trunk;
  }

  @Get()
  @ApiOperation({ summary: "The tenant's trunks, in the order dials take them (priority)" })
  @DocumentedResponse(200, trunkListSchema, 'the trunks, without their passwords')
  list(@CurrentCaller() caller: Caller) {
    return this.trunks.list(caller.tenantId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One trunk' })
  @DocumentedResponse(200, trunkAnswerSchema, 'the trunk, without its password')
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.trunks.get(caller.tenantId, knownId(id, 'trunk'));
  }

  @Patch(':id')
  @Audited('trunk.changed')
  @ApiOperation({ summary: 'Change a trunk (fields left out keep their value; password null removes it)' })
  @DocumentedBody(updateTrunkSchema)
  @DocumentedResponse(200, trunkAnswerSchema, 'the trunk as changed, without its password')
  @ApiResponse({ status: 409, description: 'the tenant has another trunk of this name' })
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @ZodBody(updateTrunkSchema) body: z.infer<typeof updateTrunkSchema>,
  ) {
    const trunk = await this.trunks.update(caller.tenantId, knownId(id, 'trunk'), body);
    await this.wake(caller.tenantId);
    return trunk;
  }

  @Delete(':id')
  @Audited('trunk.deleted')
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiResponse({ status: 409, description: 'the trunk carries calls now' })
  @ApiOperation({ summary: 'Delete a trunk that carries no call now (else 409)' })
  async remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.trunks.remove(caller.tenantId, knownId(id, 'trunk'));
    await this.wake(caller.tenantId);
  }

  /** More room on a trunk (or back to the default trunk) may let held targets go. */
  private async wake(tenantId: string): Promise<void> {
    await this.queues.announcePool({ tenantId, skill: '*' }).catch(() => undefined);
  }
}

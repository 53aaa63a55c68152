import { Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Queues } from '@autocall/dialing';
import { INBOUND_REPORT_TTL_SECONDS, lineUsageSchema, LinesService, TrunksService } from '@autocall/lines';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody } from '../http/zod';

export const lineCapacitySchema = z.object({ capacity: z.int().min(0).max(100_000) }).strict();

/** PUT /v1/lines/inbound: what the tenant's PBX or SBC reports, refreshed before it expires. */
export const inboundReportSchema = z
  .object({
    /** Inbound calls in progress on the trunk now. */
    inUse: z.int().min(0).max(100_000),
    /** How long the report holds unless refreshed (then inbound use falls back to zero). */
    ttlSeconds: z.int().min(1).max(600).default(INBOUND_REPORT_TTL_SECONDS),
  })
  .strict();

@ApiTags('lines')
@ApiBearerAuth()
@Controller('v1/lines')
export class LinesController {
  constructor(
    private readonly lines: LinesService,
    private readonly queues: Queues,
    private readonly trunks: TrunksService,
  ) {}

  @Put()
  @Audited('lines.capacity_set')
  @Roles()
  @ApiOperation({ summary: "Set the tenant's line capacity (concurrent channels of its trunk)" })
  @DocumentedBody(lineCapacitySchema)
  @DocumentedResponse(200, lineUsageSchema, 'the line usage with the new capacity')
  async setCapacity(
    @CurrentCaller() caller: Caller,
    @ZodBody(lineCapacitySchema) body: z.infer<typeof lineCapacitySchema>,
  ) {
    const usage = await this.lines.setCapacity(caller.tenantId, body.capacity);
    // More lines may let held targets go: wake the tenant's dispatchers.
    await this.queues.announcePool({ tenantId: caller.tenantId, skill: '*' }).catch(() => undefined);
    return usage;
  }

  @Put('inbound')
  @Audited('lines.inbound_reported')
  @Roles()
  @ApiOperation({
    summary: 'Report the inbound calls in progress on the trunk (PBX or SBC); they take lines until the report expires',
  })
  @DocumentedBody(inboundReportSchema)
  @DocumentedResponse(200, lineUsageSchema, 'the line usage with the inbound calls reported')
  async reportInbound(
    @CurrentCaller() caller: Caller,
    @ZodBody(inboundReportSchema) body: z.infer<typeof inboundReportSchema>,
  ) {
    const usage = await this.lines.reportInbound(caller.tenantId, body.inUse, body.ttlSeconds);
    // Fewer inbound calls may let held targets go.
    await this.queues.announcePool({ tenantId: caller.tenantId, skill: '*' }).catch(() => undefined);
    return usage;
  }

  @Get('usage')
  @Roles('supervisor', 'integrator')
  @ApiOperation({
    summary: "Line usage now: capacity, in use (outbound, inbound), reserved, free; and each trunk's use",
  })
  @DocumentedResponse(200, lineUsageSchema, 'the line usage now')
  async usage(@CurrentCaller() caller: Caller) {
    const [usage, trunks] = await Promise.all([this.lines.usage(caller.tenantId), this.trunks.usage(caller.tenantId)]);
    return trunks.length ? { ...usage, trunks } : usage;
  }
}

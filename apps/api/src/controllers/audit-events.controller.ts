import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { auditEventListQuery, auditEventPageSchema, AuditEvents } from '@autocall/audit';
import type { AuditEventListQuery } from '@autocall/audit';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedResponse, ZodQuery } from '../http/zod';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit-events')
export class AuditEventsController {
  constructor(private readonly auditEvents: AuditEvents) {}

  @Get()
  @Roles('supervisor')
  @ApiOperation({
    summary: 'The audit trail: every successful mutating request of the tenant, newest first',
    description:
      'Who (keyId, role, agentId), what (action, route, resourceType, resourceId), when (at, by the database clock), ' +
      'the requestId and the status. Never a phone number, a secret or a request body. Filters: from, to (at), ' +
      'keyId, resourceType, resourceId, action.',
  })
  @DocumentedResponse(200, auditEventPageSchema, 'audit events, newest first')
  @ApiResponse({ status: 400, description: 'invalid_request: an unknown filter, or a cursor this API did not issue' })
  list(@CurrentCaller() caller: Caller, @ZodQuery(auditEventListQuery) query: AuditEventListQuery) {
    return this.auditEvents.list(caller.tenantId, query);
  }
}

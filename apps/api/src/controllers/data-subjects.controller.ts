import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { eraseDataSubjectSchema, erasureAnswerSchema, ErasureService } from '@autocall/erasure';
import type { EraseDataSubject } from '@autocall/erasure';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Roles } from '../http/roles.decorator';
import { Audited } from '../http/audited.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody } from '../http/zod';

@ApiTags('data-subjects')
@ApiBearerAuth()
@Controller('v1/data-subjects')
export class DataSubjectsController {
  constructor(private readonly erasure: ErasureService) {}

  @Post('erase')
  @HttpCode(200)
  @Roles()
  @Audited('data_subject.erased')
  @ApiOperation({
    summary:
      "Erase one person's number: removed from every call record, callback, call stop, webhook payload and stored answer; kept only as a keyed hash so it is never dialed again",
  })
  @DocumentedBody(eraseDataSubjectSchema)
  @DocumentedResponse(200, erasureAnswerSchema, 'what was erased (safe to repeat: a second erasure finds nothing more)')
  erase(@CurrentCaller() caller: Caller, @ZodBody(eraseDataSubjectSchema) body: EraseDataSubject) {
    return this.erasure.erase(caller.tenantId, body);
  }
}

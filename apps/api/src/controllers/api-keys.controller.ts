import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { agentIdSchema } from '@autocall/agents';
import { isUuid, NotFoundError } from '@autocall/common';
import { ApiKeysService, apiKeyListSchema, createdApiKeySchema, ROLES } from '@autocall/tenancy';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Audited } from '../http/audited.decorator';
import { KeyRevocations } from '../ops/key-revocations';
import { Roles } from '../http/roles.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody } from '../http/zod';

export const createApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    agentId: agentIdSchema.optional(),
  })
  .strict();

@ApiTags('api-keys')
@ApiBearerAuth()
@Roles()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly revocations: KeyRevocations,
  ) {}

  @Post()
  @Audited('api_key.created')
  @ApiOperation({ summary: 'Create an API key; the key itself is in this response only' })
  @DocumentedBody(createApiKeySchema)
  @DocumentedResponse(201, createdApiKeySchema, 'created; `key` is shown this once')
  create(@CurrentCaller() caller: Caller, @ZodBody(createApiKeySchema) body: z.infer<typeof createApiKeySchema>) {
    return this.apiKeys.create(caller.tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the API keys of the tenant (never the keys themselves)' })
  @DocumentedResponse(200, apiKeyListSchema, 'every key of the tenant, revoked ones included, oldest first')
  async list(@CurrentCaller() caller: Caller) {
    return { items: await this.apiKeys.list(caller.tenantId) };
  }

  @Delete(':keyId')
  @Audited('api_key.revoked')
  @ApiResponse({ status: 204, description: 'revoked' })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key at once',
    description: 'The key is refused from now on, and a live dashboard stream it opened closes, on every replica.',
  })
  @ApiResponse({ status: 409, description: 'the last active admin key cannot be revoked' })
  async revoke(@CurrentCaller() caller: Caller, @Param('keyId') keyId: string): Promise<void> {
    if (!isUuid(keyId)) throw new NotFoundError('not_found', 'No API key with this id.');
    await this.apiKeys.revoke(caller, keyId);
    // What the key opened before (a dashboard stream) ends now, on whichever replica it runs.
    await this.revocations.announce(caller.tenantId, keyId);
  }
}

import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Caller } from '@autocall/tenancy';
import {
  createWebhookEndpointSchema,
  listWebhookDeliveriesQuery,
  listWebhookEndpointsQuery,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
  WebhookDeliveriesService,
  WebhookEndpointsService,
} from '@autocall/webhooks';
import { CurrentCaller } from '../http/caller.decorator';
import { knownId } from '../http/known-id';
import { Roles } from '../http/roles.decorator';
import { DocumentedBody, ZodBody, ZodQuery } from '../http/zod';

/** Webhook endpoints are the tenant's integration settings: admin keys only. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register an endpoint (events: omitted or [] for all); its whsec_ secret is shown in this answer only',
  })
  @DocumentedBody(createWebhookEndpointSchema)
  create(
    @CurrentCaller() caller: Caller,
    @ZodBody(createWebhookEndpointSchema) body: z.infer<typeof createWebhookEndpointSchema>,
  ) {
    return this.endpoints.create(caller.tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's webhook endpoints" })
  list(
    @CurrentCaller() caller: Caller,
    @ZodQuery(listWebhookEndpointsQuery) query: z.infer<typeof listWebhookEndpointsQuery>,
  ) {
    return this.endpoints.list(caller.tenantId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook endpoint' })
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.endpoints.get(caller.tenantId, knownId(id, 'webhook endpoint'));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, the events or the description; enable or disable' })
  @DocumentedBody(updateWebhookEndpointSchema)
  update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @ZodBody(updateWebhookEndpointSchema) body: z.infer<typeof updateWebhookEndpointSchema>,
  ) {
    return this.endpoints.update(caller.tenantId, knownId(id, 'webhook endpoint'), body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the endpoint and its delivery log' })
  async remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.endpoints.remove(caller.tenantId, knownId(id, 'webhook endpoint'));
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new secret (shown once); the previous one keeps signing alongside it for 24 h, or as asked',
  })
  @DocumentedBody(rotateWebhookSecretSchema)
  rotate(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @ZodBody(rotateWebhookSecretSchema) body: z.infer<typeof rotateWebhookSecretSchema>,
  ) {
    return this.endpoints.rotateSecret(
      caller.tenantId,
      knownId(id, 'webhook endpoint'),
      body.previousSecretValidSeconds,
    );
  }
}

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Get()
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'Deliveries, newest first (filters: endpointId, eventId, eventType, status, since, until)' })
  list(
    @CurrentCaller() caller: Caller,
    @ZodQuery(listWebhookDeliveriesQuery) query: z.infer<typeof listWebhookDeliveriesQuery>,
  ) {
    return this.deliveries.list(caller.tenantId, query);
  }

  @Get(':id')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'One delivery with its event and every attempt (status, duration, response excerpt)' })
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.deliveries.get(caller.tenantId, knownId(id, 'webhook delivery'));
  }

  @Post(':id/retry')
  @ApiResponse({ status: 202, description: 'the delivery is queued again' })
  @HttpCode(202)
  @Roles('integrator')
  @ApiOperation({ summary: 'Send a failed delivery again, or replay a delivered one; a fresh retry schedule' })
  @ApiResponse({ status: 409, description: 'the delivery is pending already, or its endpoint is disabled' })
  retry(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.deliveries.retry(caller.tenantId, knownId(id, 'webhook delivery'));
  }
}

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
  webhookDeliveryDetailSchema,
  webhookDeliveryPageSchema,
  webhookEndpointAnswerSchema,
  webhookEndpointPageSchema,
  WebhookEndpointsService,
  webhookEndpointWithSecretSchema,
} from '@autocall/webhooks';
import { CurrentCaller } from '../http/caller.decorator';
import { knownId } from '../http/known-id';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody, ZodQuery } from '../http/zod';

/** Webhook endpoints are the tenant's integration settings: admin keys only. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Audited('webhook_endpoint.created')
  @HttpCode(201)
  @DocumentedResponse(201, webhookEndpointWithSecretSchema, 'registered: the endpoint and its secret, shown this once')
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
  @DocumentedResponse(200, webhookEndpointPageSchema, 'the endpoints, without their secrets')
  @ApiOperation({ summary: "The tenant's webhook endpoints" })
  list(
    @CurrentCaller() caller: Caller,
    @ZodQuery(listWebhookEndpointsQuery) query: z.infer<typeof listWebhookEndpointsQuery>,
  ) {
    return this.endpoints.list(caller.tenantId, query);
  }

  @Get(':id')
  @DocumentedResponse(200, webhookEndpointAnswerSchema, 'the endpoint, without its secret')
  @ApiOperation({ summary: 'One webhook endpoint' })
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.endpoints.get(caller.tenantId, knownId(id, 'webhook endpoint'));
  }

  @Patch(':id')
  @Audited('webhook_endpoint.changed')
  @DocumentedResponse(200, webhookEndpointAnswerSchema, 'changed')
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
  @Audited('webhook_endpoint.deleted')
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'deleted, with its delivery log' })
  @ApiOperation({ summary: 'Delete the endpoint and its delivery log' })
  async remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.endpoints.remove(caller.tenantId, knownId(id, 'webhook endpoint'));
  }

  @Post(':id/rotate-secret')
  @Audited('webhook_endpoint.secret_rotated')
  @HttpCode(200)
  @DocumentedResponse(200, webhookEndpointWithSecretSchema, 'the endpoint and its new secret, shown this once')
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
  @DocumentedResponse(200, webhookDeliveryPageSchema, 'deliveries, newest first')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'Deliveries, newest first (filters: endpointId, eventId, eventType, status, since, until)' })
  list(
    @CurrentCaller() caller: Caller,
    @ZodQuery(listWebhookDeliveriesQuery) query: z.infer<typeof listWebhookDeliveriesQuery>,
  ) {
    return this.deliveries.list(caller.tenantId, query);
  }

  @Get(':id')
  @DocumentedResponse(200, webhookDeliveryDetailSchema, 'the delivery, its event and its attempts')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'One delivery with its event and every attempt (status, duration, response excerpt)' })
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.deliveries.get(caller.tenantId, knownId(id, 'webhook delivery'));
  }

  @Post(':id/retry')
  @Audited('webhook_delivery.retried')
  @DocumentedResponse(202, webhookDeliveryDetailSchema, 'the delivery is queued again')
  @HttpCode(202)
  @Roles('integrator')
  @ApiOperation({ summary: 'Send a failed delivery again, or replay a delivered one; a fresh retry schedule' })
  @ApiResponse({
    status: 400,
    description:
      'invalid_request: a body that is not JSON, or neither an object nor an array (this operation reads none)',
  })
  @ApiResponse({ status: 409, description: 'the delivery is pending already, or its endpoint is disabled' })
  retry(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.deliveries.retry(caller.tenantId, knownId(id, 'webhook delivery'));
  }
}

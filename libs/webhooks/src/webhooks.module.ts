import { Module } from '@nestjs/common';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookEndpointsService } from './webhook-endpoints.service';

const services = [WebhookEndpointsService, WebhookDeliveriesService];

/** The API's side of webhooks; the worker adds the outbox relay and the delivery processor. */
@Module({ providers: services, exports: services })
export class WebhooksModule {}

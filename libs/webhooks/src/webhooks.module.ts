import { Module } from '@nestjs/common';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookMetrics } from './webhook-metrics';

const services = [WebhookEndpointsService, WebhookDeliveriesService, WebhookMetrics];

/** Webhook endpoints, the delivery log and backlog metrics; the worker adds the relay and the sender. */
@Module({ providers: services, exports: services })
export class WebhooksModule {}

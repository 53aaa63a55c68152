/** The BullMQ queue of webhook deliveries; one job per attempt, carrying ids only. */
export const WEBHOOK_DELIVERIES_QUEUE = 'webhook-deliveries';

export interface WebhookDeliveryJob {
  tenantId: string;
  deliveryId: string;
  /** Which attempt this job is (1 is the first): re-adding the same attempt never doubles it. */
  attempt: number;
}

export const deliveryJobId = (deliveryId: string, attempt: number) => `w-${deliveryId}-${attempt}`;

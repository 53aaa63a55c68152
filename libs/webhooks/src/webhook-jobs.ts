/** The BullMQ queue of webhook deliveries; job data carries ids only. */
export const WEBHOOK_DELIVERIES_QUEUE = 'webhook-deliveries';

/** One attempt of each of a few deliveries to the same endpoint. */
export interface WebhookDeliveryJob {
  tenantId: string;
  /** `attempt` names which attempt each job is (1 is the first): a duplicate job changes nothing. */
  deliveries: { deliveryId: string; attempt: number }[];
}

/** The job of one delivery's attempt (retries, re-adds); a batch is named by its first delivery. */
export const deliveryJobId = (deliveryId: string, attempt: number) => `w-${deliveryId}-${attempt}`;
export const batchJobId = (deliveryId: string, attempt: number) => `wb-${deliveryId}-${attempt}`;

/** Deliveries sent by one job at most (all to one endpoint, in parallel). */
export const DELIVERY_BATCH = 50;

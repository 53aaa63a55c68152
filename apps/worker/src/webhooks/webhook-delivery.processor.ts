import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '@autocall/config';
import { Queues } from '@autocall/dialing';
import {
  deliveryJobId,
  DeliveryToAttempt,
  DestinationPolicy,
  judgeAttempt,
  RecordedAttempt,
  WEBHOOK_DELIVERIES_QUEUE,
  WebhookDeliveryJob,
  webhookHeaders,
  WebhookOutbox,
  WebhookSender,
} from '@autocall/webhooks';
import { webhookAttemptsTotal, webhookDeliveryLatency } from './webhook-metrics';

/** How long autocall.completed waits, each time, for earlier events of its AutoCall. */
const ORDER_WAIT_MS = 1_000;

/**
 * Makes one attempt of each delivery of a job (a few to one endpoint, sent in parallel): signs the envelope (Standard Webhooks, every valid
 * secret), POSTs it, records the attempt and its verdict in PostgreSQL, and adds the job of the
 * next attempt when a retry is due. A worker killed mid-attempt leaves the job stalled; BullMQ
 * gives it to another worker, which sends it again (at-least-once; the receiver dedupes on
 * webhook-id). Its own queue and concurrency: a slow receiver never holds up dialing.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private worker: Worker<WebhookDeliveryJob> | null = null;
  private readonly sender: WebhookSender;
  private readonly schedule: number[];

  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly queues: Queues,
    private readonly config: AppConfig,
  ) {
    this.sender = new WebhookSender(new DestinationPolicy(config.get('WEBHOOK_ALLOWED_NETWORKS')), {
      timeoutMs: config.get('WEBHOOK_TIMEOUT_MS'),
      maxResponseBytes: config.get('WEBHOOK_RESPONSE_MAX_BYTES'),
    });
    this.schedule = config.get('WEBHOOK_RETRY_SCHEDULE');
  }

  onApplicationBootstrap(): void {
    this.worker = this.queues.createWorker<WebhookDeliveryJob>(WEBHOOK_DELIVERIES_QUEUE, (job) => this.attempt(job), {
      // Batches send up to DELIVERY_BATCH at once; retries travel one per job. Enough job slots
      // that a dead endpoint's retries, each waiting out its timeout, do not hold back the rest.
      concurrency: Math.max(4, Math.ceil(this.config.get('WEBHOOK_CONCURRENCY') / 4)),
      // A live worker renews its locks; these only decide how soon a dead worker's attempt is
      // given to another (then sent again: at-least-once).
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 100,
      removeOnComplete: { age: 600, count: 10_000 },
      removeOnFail: { age: 7 * 86_400 },
    });
    this.worker.on('error', (error) => this.logger.warn(`webhook deliveries: ${error.message}`));
  }

  // In-flight attempts finish and are recorded before the outbox's pool ends.
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    this.sender.close();
  }

  private async attempt(job: Job<WebhookDeliveryJob>): Promise<string> {
    const wanted = new Map(job.data.deliveries.map((d) => [d.deliveryId, d.attempt]));
    const loaded = await this.outbox.load([...wanted.keys()]);
    // Deleted, finished, or this attempt was recorded already (a duplicate job): nothing to do.
    const due = loaded.filter((d) => d.status === 'pending' && d.attempts === wanted.get(d.deliveryId)! - 1);
    const disabled = due.filter((d) => !d.enabled);
    if (disabled.length)
      await this.outbox.failUnattempted(
        disabled.map((d) => d.deliveryId),
        'endpoint_disabled',
      );
    const enabled = due.filter((d) => d.enabled);
    // autocall.completed goes after the rest of the batch, and only once its AutoCall's earlier
    // events are delivered or failed; until then it waits in a job of its own.
    const last = enabled.filter((d) => d.envelope.type === 'autocall.completed');
    const first = enabled.filter((d) => d.envelope.type !== 'autocall.completed');
    await this.send(first);
    const ready: DeliveryToAttempt[] = [];
    for (const delivery of last) {
      if (await this.outbox.hasEarlierPending(delivery)) await this.later(delivery, ORDER_WAIT_MS);
      else ready.push(delivery);
    }
    await this.send(ready);
    return `${first.length + ready.length} sent`;
  }

  private async send(deliveries: DeliveryToAttempt[]): Promise<void> {
    if (!deliveries.length) return;
    const attempts: (RecordedAttempt & { delivery: DeliveryToAttempt })[] = await Promise.all(
      deliveries.map(async (delivery) => {
        const attempt = delivery.attempts + 1;
        const body = JSON.stringify(delivery.envelope);
        const startedAt = new Date();
        const timestamp = Math.floor(startedAt.getTime() / 1_000);
        const headers = webhookHeaders(delivery.secrets, delivery.envelope.id, timestamp, body);
        const sent = await this.sender.send(delivery.url, headers, body);
        const verdict = judgeAttempt(sent, attempt - delivery.retryBase, this.schedule);
        return { delivery, attempt, startedAt, sent, verdict };
      }),
    );
    const recorded = await this.outbox.record(attempts);
    const retries = [];
    for (const { delivery, attempt, verdict } of attempts) {
      if (!recorded.has(delivery.deliveryId)) continue;
      webhookAttemptsTotal.inc({ tenant: delivery.tenantId, verdict: verdict.kind });
      if (verdict.kind === 'delivered' && attempt === 1) {
        webhookDeliveryLatency.observe((Date.now() - delivery.eventCreatedAt.getTime()) / 1_000);
      }
      if (verdict.kind === 'retry') retries.push({ delivery, attempt: attempt + 1, delay: verdict.delayMs });
    }
    // Lost if this process dies right here: the relay's sweep re-adds them once overdue.
    if (retries.length) {
      await this.queues.queue(WEBHOOK_DELIVERIES_QUEUE).addBulk(
        retries.map(({ delivery, attempt, delay }) => ({
          name: 'deliver',
          data: { tenantId: delivery.tenantId, deliveries: [{ deliveryId: delivery.deliveryId, attempt }] },
          opts: { jobId: deliveryJobId(delivery.deliveryId, attempt), delay },
        })),
      );
    }
  }

  /** The same attempt, later, in a job of its own. */
  private async later(delivery: DeliveryToAttempt, delayMs: number): Promise<void> {
    const attempt = delivery.attempts + 1;
    const jobId = `${deliveryJobId(delivery.deliveryId, attempt)}-w${Date.now()}`;
    // Its due time moves too: a delivery held back on purpose is not overdue for the sweep.
    await this.outbox.assignJob(delivery.deliveryId, attempt, jobId, new Date(Date.now() + delayMs));
    await this.queues
      .queue(WEBHOOK_DELIVERIES_QUEUE)
      .add(
        'deliver',
        { tenantId: delivery.tenantId, deliveries: [{ deliveryId: delivery.deliveryId, attempt }] },
        { jobId, delay: delayMs },
      );
  }
}

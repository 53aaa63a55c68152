import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { AppConfig } from '@autocall/config';
import { Queues } from '@autocall/dialing';
import {
  deliveryJobId,
  DestinationPolicy,
  judgeAttempt,
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
 * Makes one attempt of one delivery per job: signs the envelope (Standard Webhooks, every valid
 * secret), POSTs it, records the attempt and its verdict in PostgreSQL, and adds the job of the
 * next attempt when a retry is due. A worker killed mid-attempt leaves the job stalled; BullMQ
 * gives it to another worker, which sends it again (at-least-once; the receiver dedupes on
 * webhook-id). Its own queue and concurrency: a slow receiver never holds up dialing.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
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
    this.worker = this.queues.createWorker<WebhookDeliveryJob>(
      WEBHOOK_DELIVERIES_QUEUE,
      (job, token) => this.attempt(job, token),
      {
        concurrency: this.config.get('WEBHOOK_CONCURRENCY'),
        // A live worker renews its locks; these only decide how soon a dead worker's attempt is
        // given to another (then sent again: at-least-once).
        lockDuration: 10_000,
        stalledInterval: 5_000,
        maxStalledCount: 100,
        removeOnComplete: { age: 600, count: 10_000 },
        removeOnFail: { age: 7 * 86_400 },
      },
    );
    this.worker.on('error', (error) => this.logger.warn(`webhook deliveries: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.sender.close();
  }

  private async attempt(job: Job<WebhookDeliveryJob>, token: string | undefined): Promise<string> {
    const { deliveryId, attempt } = job.data;
    const delivery = await this.outbox.load(deliveryId);
    // Deleted, finished, or this attempt was recorded already (a duplicate job): nothing to do.
    if (!delivery || delivery.status !== 'pending' || delivery.attempts !== attempt - 1) return 'stale';
    if (!delivery.enabled) {
      await this.outbox.failUnattempted(deliveryId, 'endpoint_disabled');
      return 'endpoint_disabled';
    }
    if (delivery.envelope.type === 'autocall.completed' && (await this.outbox.hasEarlierPending(delivery))) {
      await job.moveToDelayed(Date.now() + ORDER_WAIT_MS, token);
      throw new DelayedError();
    }
    const body = JSON.stringify(delivery.envelope);
    const startedAt = new Date();
    const headers = webhookHeaders(
      delivery.secrets,
      delivery.envelope.id,
      Math.floor(startedAt.getTime() / 1_000),
      body,
    );
    const sent = await this.sender.send(delivery.url, headers, body);
    const verdict = judgeAttempt(sent, attempt - delivery.retryBase, this.schedule);
    const recorded = await this.outbox.record(delivery, attempt, startedAt, sent, verdict);
    if (!recorded) return 'stale';
    webhookAttemptsTotal.inc({ tenant: delivery.tenantId, verdict: verdict.kind });
    if (verdict.kind === 'delivered' && attempt === 1) {
      webhookDeliveryLatency.observe((Date.now() - delivery.eventCreatedAt.getTime()) / 1_000);
    }
    if (verdict.kind === 'retry') {
      // Lost if this process dies right here: the relay's sweep re-adds it once overdue.
      await this.queues
        .queue(WEBHOOK_DELIVERIES_QUEUE)
        .add(
          'deliver',
          { tenantId: delivery.tenantId, deliveryId, attempt: attempt + 1 },
          { jobId: deliveryJobId(deliveryId, attempt + 1), delay: verdict.delayMs },
        );
    }
    return verdict.kind;
  }
}

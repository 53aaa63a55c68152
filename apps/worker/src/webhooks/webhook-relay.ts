import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@autocall/config';
import { Queues, QUEUED_JOB_STATES } from '@autocall/dialing';
import {
  deliveryJobId,
  DueBatch,
  WEBHOOK_DELIVERIES_QUEUE,
  WEBHOOK_NOTIFY_CHANNEL,
  WebhookDeliveryJob,
  WebhookOutbox,
} from '@autocall/webhooks';
import { WorkerIdentity } from '../engine/worker-identity';

const BATCH = 1_000;
const SWEEP_INTERVAL_MS = 5_000;
/** A due attempt whose job has not run this long after its time is checked for: re-added if gone. */
const OVERDUE_GRACE_MS = 30_000;

/**
 * Moves the outbox into BullMQ. PostgreSQL tells it, at commit, that deliveries were written
 * (LISTEN/NOTIFY); it claims them in batches and adds one job per attempt. A sweep every few
 * seconds catches what a lost notification, a crash between claim and enqueue, or a Redis loss
 * left behind: each delivery row names the job that carries its next attempt, and only a delivery
 * whose job is gone is queued again (a backlog is not a loss). A duplicate attempt would still
 * change nothing: only the attempt a delivery waits for is recorded.
 */
@Injectable()
export class WebhookRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookRelay.name);
  private listener: Client | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private stopped = false;

  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly queues: Queues,
    private readonly config: AppConfig,
    private readonly identity: WorkerIdentity,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.wake();
  }

  // Before the outbox's pool ends (it ends at application shutdown).
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.draining;
    await this.listener?.end().catch(() => undefined);
  }

  /** Drains new deliveries; coalesces wake-ups that arrive while a drain runs. */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        try {
          let claimed: DueBatch[];
          do {
            claimed = await this.outbox.claimNew(BATCH);
            await this.enqueue(claimed);
          } while (claimed.reduce((n, b) => n + b.deliveries.length, 0) === BATCH && !this.stopped);
        } catch (error) {
          this.logger.warn(`relaying webhook deliveries failed: ${(error as Error).message}`);
        }
      } while (this.drainAgain && !this.stopped);
    })().finally(() => (this.draining = null));
  }

  private sweeping = false;

  private async sweep(): Promise<void> {
    // One sweep at a time: two could both re-add a delivery under different job ids.
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.sweepOnce();
    } finally {
      this.sweeping = false;
    }
  }

  private async sweepOnce(): Promise<void> {
    if (!this.listener) await this.listen();
    // What no notification told (one lost, or sent while nobody listened) and jobs lost with Redis
    // are one worker's to catch, whatever their number: the engine leader's. Every worker still
    // drains on the notifications it hears.
    if (!this.identity.leading) return;
    this.wake();
    try {
      const queue = this.queues.queue(WEBHOOK_DELIVERIES_QUEUE);
      let requeued = 0;
      for (const delivery of await this.outbox.overdue(OVERDUE_GRACE_MS, BATCH)) {
        // Still queued (a backlog, not a loss): leave it to its job.
        const state = delivery.jobId ? await queue.getJobState(delivery.jobId) : 'unknown';
        if (QUEUED_JOB_STATES.has(state)) continue;
        const jobId = `${deliveryJobId(delivery.deliveryId, delivery.attempt)}-s${Date.now()}`;
        await this.outbox.assignJob(delivery.deliveryId, delivery.attempt, jobId, new Date());
        await queue.add(
          'deliver',
          {
            tenantId: delivery.tenantId,
            deliveries: [{ deliveryId: delivery.deliveryId, attempt: delivery.attempt }],
          } satisfies WebhookDeliveryJob,
          { jobId },
        );
        requeued += 1;
      }
      if (requeued) this.logger.log(`re-queued ${requeued} webhook deliveries whose job was lost`);
    } catch (error) {
      this.logger.warn(`webhook sweep failed: ${(error as Error).message}`);
    }
  }

  private async enqueue(batches: DueBatch[]): Promise<void> {
    if (!batches.length) return;
    const queue = this.queues.queue(WEBHOOK_DELIVERIES_QUEUE);
    const now = Date.now();
    await queue.addBulk(
      batches.map((b) => ({
        name: 'deliver',
        data: { tenantId: b.tenantId, deliveries: b.deliveries } satisfies WebhookDeliveryJob,
        opts: { jobId: b.jobId, delay: Math.max(0, b.dueAt.getTime() - now) },
      })),
    );
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.get('DATABASE_URL') });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      // The sweep reconnects; until then it also drains.
      this.logger.warn(`webhook listener lost: ${error.message}`);
      if (this.listener === client) this.listener = null;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WEBHOOK_NOTIFY_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(`webhook listener cannot connect: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
    }
  }
}

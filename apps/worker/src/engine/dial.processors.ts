import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '@autocall/config';
import { CallRecords, DIALS_QUEUE, DialJob, heldJobData, Queues, RETRIES_QUEUE, RetryJob } from '@autocall/dialing';
import { ContactEngine } from './contact-engine';

/**
 * The worker's BullMQ consumers besides the held targets:
 * - `dials`: contacts already stored as `dialing` (immediate mode, recovery) get their call placed;
 * - `retries`: a target whose retry delay is over goes back into its pool's held queue.
 */
@Injectable()
export class DialProcessors implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DialProcessors.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly queues: Queues,
    private readonly engine: ContactEngine,
    private readonly records: CallRecords,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const dials = this.queues.createWorker<DialJob>(DIALS_QUEUE, (job) => this.dial(job), {
      concurrency: this.config.get('DIAL_CONCURRENCY'),
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 10,
    });
    const retries = this.queues.createWorker<RetryJob>(RETRIES_QUEUE, (job) => this.retry(job), { concurrency: 20 });
    for (const worker of [dials, retries] as Worker[]) {
      worker.on('error', (error) => this.logger.warn(`${worker.name}: ${error.message}`));
      this.workers.push(worker);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Workers before queues: in-flight jobs finish, the rest stay for another worker.
    await Promise.all(this.workers.map((w) => w.close()));
  }

  private async dial(job: Job<DialJob>): Promise<void> {
    await this.engine.place(job.data.contactId);
  }

  private async retry(job: Job<RetryJob>): Promise<void> {
    const { tenantId, skill, autocallId, targetId, priority, attempts, held, zones } = job.data;
    // A retry queued by an older release names its AutoCall by id: its submission number is read
    // (none: the AutoCall is gone, and its target with it).
    let data = held;
    if (!data) {
      const seq = await this.records.autocallSeq(autocallId);
      if (seq === null) return;
      data = heldJobData(seq, zones);
    }
    await this.queues.holdTargets({ tenantId, skill }, priority, [{ id: targetId, attempts, data }]);
  }
}

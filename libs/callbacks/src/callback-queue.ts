import { Injectable } from '@nestjs/common';
import { Queues } from '@autocall/dialing';

/** Delayed jobs of scheduled callbacks (Bull Board: "callbacks"); ids only in job data. */
export const CALLBACKS_QUEUE = 'callbacks';

export interface CallbackJob {
  tenantId: string;
  callbackId: string;
  /** The callback's version when the job was made: a job of an older version never dials. */
  version: number;
}

export const callbackJobId = (callbackId: string, version: number) => `cb-${callbackId}-${version}`;

@Injectable()
export class CallbackQueue {
  constructor(private readonly queues: Queues) {}

  /** Holds the callback until its time; the same (callback, version) is never held twice. */
  async hold(job: CallbackJob, scheduledAt: Date): Promise<void> {
    await this.queues.queue(CALLBACKS_QUEUE).add('callback', job, {
      jobId: callbackJobId(job.callbackId, job.version),
      delay: Math.max(0, scheduledAt.getTime() - Date.now()),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 3_600 },
      // A job that kept failing goes; the worker's sweep holds the callback again from PostgreSQL.
      removeOnFail: true,
    });
  }

  /** Removes an older version's job (tidiness: a stale job would not dial anyway). */
  async drop(callbackId: string, version: number): Promise<void> {
    await this.queues
      .queue(CALLBACKS_QUEUE)
      .remove(callbackJobId(callbackId, version))
      .catch(() => undefined);
  }
}

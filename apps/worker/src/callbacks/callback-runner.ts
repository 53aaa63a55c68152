import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { CALLBACKS_QUEUE, CallbackJob, callbackJobId, CallbackQueue, dueAction, ownedDial } from '@autocall/callbacks';
import { Clock, uuidv7 } from '@autocall/common';
import { Callback, Prisma, PrismaService } from '@autocall/database';
import {
  AutoCallsService,
  CallStopsService,
  CapacityService,
  ComplianceService,
  DialRefused,
  Queues,
  QUEUED_JOB_STATES,
} from '@autocall/dialing';
import { WorkerIdentity } from '../engine/worker-identity';

/** Callbacks are promises made to a customer: they go ahead of the skill's lists. */
const CALLBACK_PRIORITY = 100;
const SWEEP_INTERVAL_MS = 5_000;
/** The sweep re-holds callbacks due within this horizon whose job is gone (e.g. Redis was lost). */
const SWEEP_HORIZON_MS = 10 * 60_000;

class StaleCallback extends Error {}

/**
 * Scheduled callbacks come back as calls. Each waits as a delayed job named by (callback,
 * version); when it runs, the callback's row decides: a stale version or a cancelled callback does
 * nothing. A due callback becomes a one-target sequential AutoCall, in the same transaction that
 * marks it queued (guarded by its version), so a cancel or reschedule that commits first wins and
 * nothing dials. An owned callback waits for its owner (re-checked every half second) until the
 * ownership window ends, then goes to the skill's queue; it is dialed to its owner only when the
 * compliance guards allow it, the calling window waived within a grace after the requested time. A sweep re-holds from PostgreSQL any
 * callback whose job is gone (Redis loss): every callback at each worker's boot, then those due soon
 * every few seconds by the engine leader alone.
 */

/** A callback whose number is still known (not erased): one that can be dialed. */
type DialableCallback = Callback & { phoneNumber: string };

@Injectable()
export class CallbackRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CallbackRunner.name);
  private worker: Worker<CallbackJob> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly autocalls: AutoCallsService,
    private readonly capacity: CapacityService,
    private readonly callStops: CallStopsService,
    private readonly queues: Queues,
    private readonly queue: CallbackQueue,
    private readonly identity: WorkerIdentity,
    private readonly clock: Clock,
    private readonly compliance: ComplianceService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.worker = this.queues.createWorker<CallbackJob>(CALLBACKS_QUEUE, (job, token) => this.run(job, token), {
      concurrency: 20,
      lockDuration: 30_000,
      stalledInterval: 10_000,
    });
    this.worker.on('error', (error) => this.logger.warn(`callbacks: ${error.message}`));
    await this.sweep(null).catch((error) => this.logger.warn(`callback sweep failed: ${error.message}`));
    // After boot, one worker sweeps for all (the engine leader), whatever their number.
    this.timer = setInterval(() => {
      if (!this.identity.leading) return;
      void this.sweep(SWEEP_HORIZON_MS).catch((error) => this.logger.warn(`callback sweep failed: ${error.message}`));
    }, SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.worker?.close();
  }

  private async run(job: Job<CallbackJob>, token: string | undefined): Promise<string> {
    const found = await this.prisma.callback.findUnique({ where: { id: job.data.callbackId } });
    if (!found || found.version !== job.data.version) return 'stale';
    if (found.status !== 'scheduled' && found.status !== 'waiting') return found.status;
    // An erasure cancels the callbacks of the number it removes, in the statement that removes it.
    if (found.phoneNumber === null) return 'erased';
    const callback: DialableCallback = { ...found, phoneNumber: found.phoneNumber };
    const action = dueAction(callback, this.clock.now());
    if (action.kind === 'not_yet') return this.later(job, token, action.untilMs);
    try {
      if (action.kind === 'owner') {
        if (callback.status === 'scheduled') await this.markWaiting(callback);
        if (await this.callStops.isStopped(callback.tenantId, callback.phoneNumber)) {
          // Stopped since it was scheduled: held in the queue, the dispatcher skips it (do_not_call).
          await this.submit(callback, null);
          return 'queued (do not call)';
        }
        // The law before the owner: the calling window is waived only within the appointment's
        // grace, the other guards never (see ownedDial).
        const guards = await this.compliance.check(
          callback.tenantId,
          { phoneNumber: callback.phoneNumber, timeZone: null },
          null,
        );
        const verdict = ownedDial(callback, guards, this.clock.now());
        if (!verdict.dial) return this.later(job, token, verdict.recheckAtMs);
        const contactId = uuidv7();
        let reserved: Awaited<ReturnType<CapacityService['reserveAgent']>>;
        try {
          reserved = await this.capacity.reserveAgent(
            callback.tenantId,
            contactId,
            callback.skill,
            callback.ownerAgentId!,
            this.identity.id,
          );
        } catch (error) {
          // The reply may be lost after the script ran: never keep the owner reserved for nothing.
          await this.capacity.release(callback.tenantId, contactId).catch(() => undefined);
          throw error;
        }
        if (!reserved.ok) return this.later(job, token, action.recheckAtMs);
        try {
          await this.submit(callback, contactId);
        } catch (error) {
          // Redis had a line that PostgreSQL, which decides, did not: like no line at all.
          if (error instanceof DialRefused) return this.later(job, token, action.recheckAtMs);
          throw error;
        }
        return 'dialed to its owner';
      }
      await this.submit(callback, null);
      return 'queued';
    } catch (error) {
      if (error instanceof StaleCallback) return 'stale';
      throw error;
    }
  }

  private async later(job: Job<CallbackJob>, token: string | undefined, atMs: number): Promise<never> {
    await job.moveToDelayed(atMs, token);
    throw new DelayedError();
  }

  /** Due, owned: callback.due goes out now, while it waits for its owner. */
  private async markWaiting(callback: DialableCallback): Promise<void> {
    const { count } = await this.prisma.callback.updateMany({
      where: { id: callback.id, version: callback.version, status: 'scheduled' },
      data: { status: 'waiting', dueAt: new Date(), updatedAt: new Date() },
    });
    if (count === 0) throw new StaleCallback();
  }

  private async submit(callback: DialableCallback, reservedContact: string | null): Promise<void> {
    await this.autocalls.submitForCallback(
      callback.tenantId,
      {
        mode: 'sequential',
        skill: callback.skill,
        targets: [
          {
            phoneNumber: callback.phoneNumber,
            reference: `callback:${callback.id}`,
            ...(callback.data ? { data: callback.data as Record<string, unknown> } : {}),
          },
        ],
        checks: { freeLines: { reserve: 0 }, freeAgents: { reserve: 0 }, callStop: false },
        ...(callback.callerId ? { callerId: callback.callerId } : {}),
        ringTimeoutSeconds: 30,
        priority: CALLBACK_PRIORITY,
        retry: {},
        machine: 'hangup',
        detectionWaitSeconds: 0,
      },
      reservedContact,
      async (tx: Prisma.TransactionClient, autocallId: string, targetId: string) => {
        const linked = await tx.$executeRaw`
          UPDATE callbacks SET status = 'queued', autocall_id = ${autocallId}::uuid, target_id = ${targetId}::uuid,
                 due_at = COALESCE(due_at, now()), updated_at = now()
          WHERE id = ${callback.id}::uuid AND version = ${callback.version} AND status IN ('scheduled', 'waiting')`;
        // Cancelled or rescheduled meanwhile: the AutoCall is not stored, nothing dials.
        if (linked === 0) throw new StaleCallback();
      },
    );
  }

  /** Holds again every open callback (due within `horizonMs`, or all) whose job is gone. */
  private async sweep(horizonMs: number | null): Promise<void> {
    const queue = this.queues.queue(CALLBACKS_QUEUE);
    const rows = await this.prisma.callback.findMany({
      where: {
        status: { in: ['scheduled', 'waiting'] },
        ...(horizonMs !== null ? { scheduledAt: { lt: new Date(Date.now() + horizonMs) } } : {}),
      },
      select: { id: true, tenantId: true, version: true, scheduledAt: true },
      orderBy: { scheduledAt: 'asc' },
      take: 10_000,
    });
    let held = 0;
    for (const row of rows) {
      const state = await queue.getJobState(callbackJobId(row.id, row.version));
      if (QUEUED_JOB_STATES.has(state)) continue;
      if (state === 'completed' || state === 'failed')
        await queue.remove(callbackJobId(row.id, row.version)).catch(() => 0);
      await this.queue.hold({ tenantId: row.tenantId, callbackId: row.id, version: row.version }, row.scheduledAt);
      held += 1;
    }
    if (held) this.logger.log(`held ${held} callback(s) again from PostgreSQL`);
  }
}

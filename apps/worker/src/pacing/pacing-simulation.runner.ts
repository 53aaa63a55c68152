import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { PACING_SIMULATIONS_QUEUE, PacingSimulationJob, PacingSimulations, Queues, runWhatIf } from '@autocall/dialing';

/** A simulation running past this is recorded failed: requests are bounded well below it. */
const RUN_TIMEOUT_MS = 300_000;
/** How often the sweep looks for simulations whose job was lost, and how old they must be. */
const SWEEP_EVERY_MS = 60_000;
const STRANDED_AFTER_SECONDS = 60;

/**
 * Runs what-if pacing simulations (POST /v1/pacing/simulations), one at a time per worker, each
 * on a thread of its own so the dialing engine's event loop never waits for one. A job only wakes
 * the worker: the simulation's row decides (PacingSimulations.claim), so a job delivered again
 * after a worker died runs it under a new claim, and a job lost with Redis is added again by the
 * sweep from the rows still queued.
 */
@Injectable()
export class PacingSimulationRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PacingSimulationRunner.name);
  private worker: Worker<PacingSimulationJob> | null = null;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly simulations: PacingSimulations,
    private readonly queues: Queues,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.queues.createWorker<PacingSimulationJob>(PACING_SIMULATIONS_QUEUE, (job) => this.run(job), {
      concurrency: 1,
      // The thread keeps the event loop free: the lock is renewed while a simulation runs.
      lockDuration: 30_000,
      stalledInterval: 15_000,
      maxStalledCount: 5,
    });
    this.worker.on('error', (error) => this.logger.warn(`pacing simulations: ${error.message}`));
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    // Not waiting for a simulation in progress: its job stalls and another worker runs it again.
    await this.worker?.close(true);
  }

  private async run(job: Job<PacingSimulationJob>): Promise<void> {
    const claim = await this.simulations.claim(job.data.simulationId);
    if (!claim) return;
    const started = performance.now();
    let outcomes;
    try {
      outcomes = await runWhatIf(claim.runs, RUN_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn(`pacing simulation ${claim.id} failed: ${(error as Error).message}`);
      await this.simulations.fail(claim, (error as Error).message);
      return;
    }
    await this.simulations.finish(claim, outcomes, performance.now() - started);
  }

  private async sweep(): Promise<void> {
    try {
      const stranded = await this.simulations.stranded(
        STRANDED_AFTER_SECONDS,
        (RUN_TIMEOUT_MS + SWEEP_EVERY_MS) / 1000,
      );
      for (const id of stranded) await this.simulations.wake(id);
    } catch (error) {
      this.logger.warn(`pacing simulations sweep: ${(error as Error).message}`);
    }
  }
}

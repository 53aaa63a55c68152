import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@autocall/config';
import { RetentionService } from '@autocall/retention';

/** The first look a while after boot, not in the middle of it. */
const FIRST_LOOK_MS = 10_000;
/** How often a worker looks whether a pass is due (at most this late after the interval). */
const LOOK_EVERY_MS = 60_000;

/**
 * Retention's schedule: every worker looks every minute whether a pass is due (none finished within
 * RETENTION_INTERVAL_MINUTES, by PostgreSQL's clock) and runs it if no other worker is running one
 * (RetentionService.runIfDue). The schedule is kept in PostgreSQL, so restarts and a Redis loss do
 * not move it, and a pass cut short by a crash is run again at the next look.
 */
@Injectable()
export class RetentionSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionSchedule.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly retention: RetentionService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.next(FIRST_LOOK_MS);
  }

  // Before the database connections close: a pass in progress stops after its current batch.
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.retention.stop();
    await this.running;
  }

  private next(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.look().finally(() => {
        this.running = null;
        this.next(Math.min(LOOK_EVERY_MS, this.config.get('RETENTION_INTERVAL_MINUTES') * 60_000));
      });
    }, delayMs);
    this.timer.unref();
  }

  private async look(): Promise<void> {
    try {
      const pass = await this.retention.runIfDue();
      if (pass) this.logger.log(`retention pass done: removed ${JSON.stringify(pass.removed)}`);
    } catch (error) {
      this.logger.warn(`retention pass failed, the next look runs it again: ${(error as Error).message}`);
    }
  }
}

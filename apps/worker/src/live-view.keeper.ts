import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LiveViewRebuilder } from '@autocall/agents';
import { AppConfig } from '@autocall/config';
import { WorkerIdentity } from './engine/worker-identity';

/**
 * Keeps the Redis live view in step with PostgreSQL: rebuilds it at start, and whenever a tenant's
 * marker is missing (Redis restarted empty or was flushed). A periodic full pass also repairs
 * entries whose live update was lost while Redis was unreachable. After the start, the checks are
 * the engine leader's alone (WorkerIdentity.leading): one worker looks, whatever their number
 * (a dial path that finds the lines missing restores them itself: LinesService.ensureLive).
 */
@Injectable()
export class LiveViewKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveViewKeeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private passes = 0;

  constructor(
    private readonly rebuilder: LiveViewRebuilder,
    private readonly config: AppConfig,
    private readonly identity: WorkerIdentity,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.pass(true);
    const interval = this.config.get('LIVE_VIEW_CHECK_INTERVAL_MS');
    this.timer = setInterval(() => void (this.identity.leading && this.pass(false)), interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One check; every 12th pass rebuilds all tenants (version-guarded, so it only repairs). */
  async pass(force: boolean): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.rebuilder.rebuildMissing(force || ++this.passes % 12 === 0);
    } catch (error) {
      this.logger.warn(`live view check failed, will retry: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}

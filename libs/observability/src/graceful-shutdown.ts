import type { INestApplicationContext } from '@nestjs/common';

/**
 * On SIGTERM or SIGINT: close the application (workers before queues, then connections; every
 * Nest shutdown hook runs) and exit 0. If that takes longer than `timeoutMs`, exit 1 rather than
 * hang an orchestrator's rollout; BullMQ then hands the unfinished jobs to another worker.
 */
export function closeOnSignals(app: INestApplicationContext, timeoutMs: number, log: (message: string) => void): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log(`${signal} received: shutting down`);
    setTimeout(() => {
      log(`shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

import { once } from 'node:events';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@autocall/config';
import { RedisKeys } from './redis-keys';

/**
 * The process's Redis command connection and key names. Commands fail fast while Redis is down
 * (no offline queue), so a request gets a clear 503 instead of hanging.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  readonly keys: RedisKeys;

  constructor(private readonly config: AppConfig) {
    this.keys = new RedisKeys(config.get('REDIS_KEY_PREFIX'));
    this.client = this.connect('commands', { enableOfflineQueue: false });
  }

  /** A separate connection, e.g. for pub/sub subscriptions; the caller closes it. */
  connect(purpose: string, options: { enableOfflineQueue?: boolean } = {}): Redis {
    const client = new Redis(this.config.get('REDIS_URL'), {
      connectionName: `autocall-${purpose}`,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: options.enableOfflineQueue ?? true,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    client.on('error', (error) => this.logger.warn(`redis (${purpose}): ${error.message}`));
    return client;
  }

  /** Waits (briefly) for the first connection so early commands do not fail needlessly. */
  async onModuleInit(): Promise<void> {
    if (this.client.status === 'ready') return;
    const timeout = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    await Promise.race([once(this.client, 'ready'), timeout]);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

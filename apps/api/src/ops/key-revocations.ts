import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { RedisClient } from '@autocall/redis';
import { RedisService } from '@autocall/redis';

type Listener = () => void;

/**
 * Revoked API keys, told to every API replica over Redis pub/sub, so that what a key opened
 * before its revocation (a dashboard stream) ends at once wherever it runs. A message is only
 * published after the revocation committed. It may be lost (Redis down, a replica reconnecting):
 * whoever listens also checks the key against PostgreSQL on its own beat.
 */
@Injectable()
export class KeyRevocations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KeyRevocations.name);
  private readonly listeners = new Map<string, Set<Listener>>();
  private subscriber?: RedisClient;

  constructor(private readonly redis: RedisService) {}

  onApplicationBootstrap(): void {
    this.subscriber = this.redis.connect('key-revocations');
    // Not awaited: the API starts without Redis; ioredis subscribes again after every reconnect.
    this.subscriber
      .subscribe(this.redis.keys.apiKeyRevokedChannel())
      .catch((error: unknown) => this.logger.warn(`not subscribed to key revocations: ${(error as Error).message}`));
    this.subscriber.on('message', (_channel, message: string) => {
      for (const listener of this.listeners.get(keyIdOf(message)) ?? []) listener();
    });
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  /** Tells every replica; a failure is only logged (their own checks catch the revocation). */
  async announce(tenantId: string, keyId: string): Promise<void> {
    await this.redis.client
      .publish(this.redis.keys.apiKeyRevokedChannel(), JSON.stringify({ tenantId, keyId }))
      .catch((error: unknown) =>
        this.logger.warn(`revocation of key ${keyId} not announced (${(error as Error).message}); streams re-check it`),
      );
  }

  /** Calls `listener` when the key's revocation is announced; returns the way to stop. */
  watch(keyId: string, listener: Listener): () => void {
    const listeners = this.listeners.get(keyId) ?? new Set<Listener>();
    listeners.add(listener);
    this.listeners.set(keyId, listeners);
    return () => {
      listeners.delete(listener);
      if (!listeners.size) this.listeners.delete(keyId);
    };
  }
}

function keyIdOf(message: string): string {
  try {
    const keyId = (JSON.parse(message) as { keyId?: unknown }).keyId;
    return typeof keyId === 'string' ? keyId : '';
  } catch {
    return '';
  }
}

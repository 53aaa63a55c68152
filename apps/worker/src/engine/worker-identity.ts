import { hostname } from 'node:os';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { uuidv7 } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { RedisService } from '@autocall/redis';

const HEARTBEAT_TTL_SECONDS = 15;

/**
 * This worker process's name and heartbeat. Simulated and SIP calls live in the process that
 * placed them; when a heartbeat stops, the other workers recover its contacts.
 */
@Injectable()
export class WorkerIdentity implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly id = `worker-${hostname()}-${process.pid}-${uuidv7().slice(-6)}`;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  key(id: string = this.id): string {
    return `${this.config.get('REDIS_KEY_PREFIX')}:workers:${id}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), 5_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.redis.client.del(this.key()).catch(() => undefined);
  }

  async isAlive(id: string): Promise<boolean> {
    if (id === this.id) return true;
    return (await this.redis.client.exists(this.key(id))) === 1;
  }

  /** Which of these workers are alive (heartbeat not expired): one round trip for all of them. */
  async aliveAmong(ids: string[]): Promise<Set<string>> {
    const others = ids.filter((id) => id !== this.id);
    const alive = new Set(ids.filter((id) => id === this.id));
    if (!others.length) return alive;
    const pipeline = this.redis.client.pipeline();
    for (const id of others) pipeline.exists(this.key(id));
    const answers = (await pipeline.exec()) ?? [];
    others.forEach((id, i) => {
      const [error, exists] = answers[i] ?? [null, 0];
      if (error) throw error;
      if (exists === 1) alive.add(id);
    });
    return alive;
  }

  private async beat(): Promise<void> {
    await this.redis.client.set(this.key(), new Date().toISOString(), 'EX', HEARTBEAT_TTL_SECONDS);
  }
}

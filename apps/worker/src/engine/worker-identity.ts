import { hostname } from 'node:os';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { uuidv7 } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { RedisService } from '@autocall/redis';

const HEARTBEAT_TTL_SECONDS = 15;
const BEAT_INTERVAL_MS = 5_000;
/** The engine leader's lease: renewed at every beat, taken over by another worker within this long. */
const LEADER_LEASE_MS = 15_000;

// The lease of the engine's leader: taken when free, renewed by its holder. ARGV: key, worker, ttl.
const LEAD_ENGINE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/**
 * This worker process's name and heartbeat. Simulated and SIP calls live in the process that
 * placed them; when a heartbeat stops, the other workers recover its contacts.
 *
 * One worker of the deployment leads (a lease in Redis, renewed with the heartbeat): it runs the
 * sweeps that look at every tenant (EngineKeeper, the dispatcher's safety sweep, the live-view
 * check), so that they cost the same with 1 or 16 workers. A leader that dies or loses Redis
 * stops leading when its lease ends (15 s); another takes over at its next beat. Two leaders for
 * a moment (a paused process) only repeat idempotent work: every sweep was safe in every worker.
 */
@Injectable()
export class WorkerIdentity implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly id = `worker-${hostname()}-${process.pid}-${uuidv7().slice(-6)}`;
  private timer?: NodeJS.Timeout;
  /** Until when (this process's clock) this worker's lease as leader holds: a margin under its TTL. */
  private leadingUntil = 0;

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  key(id: string = this.id): string {
    return `${this.config.get('REDIS_KEY_PREFIX')}:workers:${id}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), BEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.redis.client.del(this.key()).catch(() => undefined);
    if (this.leading) {
      // Handed over at once rather than when the lease ends.
      this.leadingUntil = 0;
      await this.redis.client
        .eval(
          `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end`,
          1,
          this.leaderKey(),
          this.id,
        )
        .catch(() => undefined);
    }
  }

  leaderKey(): string {
    return `${this.config.get('REDIS_KEY_PREFIX')}:engine-leader`;
  }

  /** True while this worker holds the engine leader's lease (see the class comment). */
  get leading(): boolean {
    return Date.now() < this.leadingUntil;
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
    const answers = await this.redis.bySlot(
      others,
      (id) => this.key(id),
      (pipeline, id) => pipeline.exists(this.key(id)),
    );
    others.forEach((id, i) => {
      const [error, exists] = answers[i] ?? [null, 0];
      if (error) throw error;
      if (exists === 1) alive.add(id);
    });
    return alive;
  }

  private async beat(): Promise<void> {
    const asked = Date.now();
    // Two keys of two slots: one pipeline on a single Redis, one per slot on a cluster.
    const [[beatError], [leadError, lead]] = await this.redis.bySlot(
      [this.key(), this.leaderKey()],
      (key) => key,
      (pipeline, key) =>
        key === this.leaderKey()
          ? pipeline.eval(LEAD_ENGINE, 1, key, this.id, String(LEADER_LEASE_MS))
          : pipeline.set(key, new Date().toISOString(), 'EX', HEARTBEAT_TTL_SECONDS),
    );
    if (beatError) throw beatError;
    if (leadError) throw leadError;
    // Trusted for a beat and a half less than the lease: it ends here before it can end in Redis.
    this.leadingUntil = lead === 1 ? asked + LEADER_LEASE_MS - (BEAT_INTERVAL_MS * 3) / 2 : 0;
  }
}

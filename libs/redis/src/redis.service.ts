import { once } from 'node:events';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import { keySlot } from './key-slot';
import { AppConfig } from '@autocall/config';
import { RedisKeys } from './redis-keys';

/**
 * A connection to AutoCall's Redis: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES).
 * Both take the same commands; on a cluster every command, script and pipeline must keep to the
 * keys of one slot (see README "Redis Cluster"), which `bySlot` helps with.
 */
export type RedisClient = Redis | Cluster;

export interface ConnectOptions {
  enableOfflineQueue?: boolean;
  /** A connection that may block (BRPOP, BullMQ's workers): its commands wait and retry forever. */
  blocking?: boolean;
}

/**
 * The process's Redis command connection and key names. Commands fail fast while Redis is down
 * (no offline queue), so a request gets a clear 503 instead of hanging.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RedisService.name);
  readonly client: RedisClient;
  readonly keys: RedisKeys;
  /** The seed nodes when AutoCall runs on a Redis Cluster, else null. */
  readonly clusterNodes: readonly { host: string; port: number }[] | null;
  private workerTemplate?: RedisClient;

  constructor(private readonly config: AppConfig) {
    this.keys = new RedisKeys(config.get('REDIS_KEY_PREFIX'));
    const nodes = config.get('REDIS_CLUSTER_NODES');
    this.clusterNodes = nodes?.length ? nodes.map(parseNode) : null;
    this.client = this.connect('commands', { enableOfflineQueue: false });
  }

  get isCluster(): boolean {
    return this.clusterNodes !== null;
  }

  /** A separate connection, e.g. for pub/sub subscriptions; the caller closes it. */
  connect(purpose: string, options: ConnectOptions = {}): RedisClient {
    const server: RedisOptions = {
      connectionName: `autocall-${purpose}`,
      maxRetriesPerRequest: options.blocking ? null : 1,
      enableOfflineQueue: options.enableOfflineQueue ?? true,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    };
    let client: RedisClient;
    if (this.clusterNodes) {
      const clusterOptions: ClusterOptions = {
        redisOptions: { connectionName: server.connectionName, maxRetriesPerRequest: server.maxRetriesPerRequest },
        enableOfflineQueue: server.enableOfflineQueue,
        enableReadyCheck: true,
        // Commands go to masters only: a replica's reads may lag, and the scripts write.
        scaleReads: 'master',
        // A failover or a moved slot is retried here (MOVED/ASK/TRYAGAIN/CLUSTERDOWN) before a
        // command fails; a whole cluster away is reconnected as a single server is.
        maxRedirections: 16,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
        slotsRefreshTimeout: 2_000,
      };
      client = new Cluster([...this.clusterNodes], clusterOptions);
    } else {
      client = new Redis(this.config.get('REDIS_URL'), server);
    }
    client.on('error', (error: Error) => this.logger.warn(`redis (${purpose}): ${error.message}`));
    return client;
  }

  /**
   * The connection BullMQ's workers are given: BullMQ makes (and closes) its own copies of it, which
   * block and retry forever; on a cluster it must be a Cluster, not connection options.
   */
  bullWorkerConnection(): RedisClient {
    this.workerTemplate ??= this.connect('bullmq-workers', { blocking: true });
    return this.workerTemplate;
  }

  /**
   * Runs commands in pipelines, one per cluster slot (a Redis Cluster takes a pipeline only if all
   * its keys share one slot), and gives the replies in the order of `items`: one round trip on a
   * single Redis, one per slot (in parallel) on a cluster. `keyOf` names the key that routes an item.
   */
  async bySlot<T>(
    items: readonly T[],
    keyOf: (item: T) => string,
    add: (pipeline: ReturnType<RedisClient['pipeline']>, item: T) => void,
  ): Promise<[Error | null, unknown][]> {
    const groups = new Map<number, number[]>();
    items.forEach((item, i) => {
      const slot = this.isCluster ? keySlot(keyOf(item)) : 0;
      const group = groups.get(slot) ?? [];
      group.push(i);
      groups.set(slot, group);
    });
    const replies: [Error | null, unknown][] = new Array(items.length);
    await Promise.all(
      [...groups.values()].map(async (indexes) => {
        const pipeline = this.client.pipeline();
        for (const i of indexes) add(pipeline, items[i]);
        const answers = (await pipeline.exec()) ?? [];
        indexes.forEach((index, j) => (replies[index] = answers[j] ?? [new Error('no reply'), null]));
      }),
    );
    return replies;
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
    const clients = [this.client, ...(this.workerTemplate ? [this.workerTemplate] : [])];
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  }
}

function parseNode(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(at + 1)) };
}

import type { INestApplication } from '@nestjs/common';
import Redis, { Cluster } from 'ioredis';
import request from 'supertest';
import { AutoCallClient, createAutoCallClient } from '../../libs/client/src';
import { AppConfig } from '../../libs/config/src';
import { TenantsService } from '../../libs/tenancy/src';
import { createApiApp } from '../../apps/api/src/app';
import { OPEN_AT_ANY_HOUR } from './calling-window';
import { contractOfServer } from './contract';
import { createSuiteDatabase, dropDatabase, uniqueName } from './databases';
import { TEST_ERASURE_HASH_KEY, TEST_SECRETS_KEYS } from './secrets';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The seed nodes of a Redis Cluster to run on instead of REDIS_URL (test/cluster sets it around the
 * suites it runs on its cluster, see RedisClusterServer); read when a harness starts.
 */
export const testClusterNodes = (): string | undefined => process.env.TEST_REDIS_CLUSTER_NODES || undefined;

export interface TestTenant {
  tenantId: string;
  adminKey: string;
}

/**
 * One suite's AutoCall API on its own database and Redis key prefix, driven through HTTP with
 * supertest, exactly as a client would.
 */
export class ApiHarness {
  app!: INestApplication;
  config!: AppConfig;
  /** The suite's Redis: a Cluster client when the suite runs on a Redis Cluster. */
  redis!: Redis | Cluster;
  private database!: { name: string; url: string };
  private baseUrl?: Promise<string>;

  static async start(suite: string, env: Record<string, string> = {}): Promise<ApiHarness> {
    const harness = new ApiHarness();
    harness.database = await createSuiteDatabase(suite);
    harness.config = AppConfig.fromEnvironment({
      NODE_ENV: 'test',
      DATABASE_URL: harness.database.url,
      REDIS_URL,
      ...(testClusterNodes() ? { REDIS_CLUSTER_NODES: testClusterNodes()! } : {}),
      REDIS_KEY_PREFIX: uniqueName('t').replace(/_/g, '-'),
      LOG_LEVEL: process.env.TEST_API_LOG_LEVEL ?? 'silent',
      SECRETS_KEYS: TEST_SECRETS_KEYS,
      ERASURE_HASH_KEY: TEST_ERASURE_HASH_KEY,
      ...env,
    });
    harness.app = await createApiApp(harness.config);
    await harness.app.init();
    // The document every answer of the suite is checked against (contract.ts), the workers' too.
    await contractOfServer(harness.app.getHttpServer(), async () => {
      const served = await request(harness.app.getHttpServer()).get('/openapi.json');
      return { status: served.status, body: served.body };
    });
    const nodes = harness.config.get('REDIS_CLUSTER_NODES');
    harness.redis = nodes?.length
      ? new Cluster(nodes.map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) })))
      : new Redis(harness.config.get('REDIS_URL'));
    return harness;
  }

  http() {
    return request(this.app.getHttpServer());
  }

  /** The keys matching a pattern (KEYS), on every master of a cluster. */
  async keys(pattern: string): Promise<string[]> {
    if (!(this.redis instanceof Cluster)) return this.redis.keys(pattern);
    const found = await Promise.all(this.redis.nodes('master').map((node) => node.keys(pattern)));
    return found.flat();
  }

  /**
   * The typed client (libs/client) with this key, over real HTTP: the API listens on a loopback
   * port from the first call on.
   */
  async client(apiKey: string): Promise<AutoCallClient> {
    this.baseUrl ??= new Promise<string>((resolve) => {
      const server = this.app.getHttpServer();
      if (server.listening) return resolve(`http://127.0.0.1:${server.address().port}`);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
    });
    return createAutoCallClient({ baseUrl: await this.baseUrl, apiKey });
  }

  /** A second API replica on the same PostgreSQL and Redis (the caller closes it). */
  async replica(): Promise<INestApplication> {
    const app = await createApiApp(this.config);
    await app.init();
    return app;
  }

  /**
   * A tenant whose calling window is open at every hour (see calling-window.ts): the simulator's
   * numbers are nobody's, and a test must not depend on the hour it runs at (the compliance tests
   * set their own windows).
   */
  async createTenant(name = 'tenant', lineCapacity = 10): Promise<TestTenant> {
    const created = await this.app.get(TenantsService).create({ name, lineCapacity });
    const tenant = { tenantId: created.tenantId, adminKey: created.apiKey.key };
    await this.http().put('/v1/settings').set(bearer(tenant.adminKey)).send(OPEN_AT_ANY_HOUR).expect(200);
    return tenant;
  }

  /** A key of the given role in the tenant (an agent key needs the agent to exist). */
  async createKey(
    tenant: TestTenant,
    role: 'admin' | 'supervisor' | 'integrator' | 'agent',
    agentId?: string,
  ): Promise<string> {
    const response = await this.http()
      .post('/v1/api-keys')
      .set('Authorization', `Bearer ${tenant.adminKey}`)
      .send({ name: `${role} key`, role, ...(agentId ? { agentId } : {}) })
      .expect(201);
    return response.body.key;
  }

  async stop(): Promise<void> {
    const prefix = this.config.get('REDIS_KEY_PREFIX');
    await this.app.close();
    const keys = await this.keys(`${prefix}:*`);
    // One by one on a cluster (keys of many slots), else in slices: a long run leaves more keys
    // than one call's arguments can hold.
    if (this.redis instanceof Cluster) for (const key of keys) await this.redis.del(key);
    else for (let i = 0; i < keys.length; i += 10_000) await this.redis.del(...keys.slice(i, i + 10_000));
    await this.redis.quit();
    await dropDatabase(this.database.name);
  }
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

import Redis from 'ioredis';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';
import { AppProcess, freePort, RedisServer, waitFor } from '../support/processes';

/**
 * The live agent view lives in Redis, PostgreSQL is the truth: after Redis loses its data, the
 * worker rebuilds the view, at its start and while it runs.
 */
describe('live view rebuild after a Redis loss', () => {
  let redisServer: RedisServer;
  let api: ApiHarness;
  let tenant: TestTenant;
  let redis: Redis;
  let worker: AppProcess | undefined;
  let workerPort: number;

  const availableFor = (skill: string) =>
    redis.zrange(`${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}:available:${skill}`, '0', '-1');
  const linesCapacity = () =>
    redis.hget(`${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}:lines`, 'capacity');

  const startWorker = async () => {
    workerPort = await freePort();
    const process = AppProcess.spawn('worker', {
      DATABASE_URL: api.config.get('DATABASE_URL'),
      REDIS_URL: redisServer.url,
      REDIS_KEY_PREFIX: api.config.get('REDIS_KEY_PREFIX'),
      WORKER_PORT: String(workerPort),
      LIVE_VIEW_CHECK_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
    });
    await waitFor('the worker to be ready', async () => {
      const response = await fetch(`http://127.0.0.1:${workerPort}/health/ready`);
      return response.status === 200;
    });
    return process;
  };

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    api = await ApiHarness.start('live_view', { REDIS_URL: redisServer.url });
    redis = new Redis(redisServer.url);
    tenant = await api.createTenant('acme', 8);
    const admin = bearer(tenant.adminKey);
    const agents = [
      ['ann', ['sales'], 'available'],
      ['ben', ['sales', 'support'], 'available'],
      ['cat', ['support'], 'unavailable'],
      ['dan', ['sales'], null],
    ] as const;
    for (const [id, skills, state] of agents) {
      await api
        .http()
        .put(`/v1/agents/${id}`)
        .set(admin)
        .send({ name: id, skills, endpoint: `sip:${id}@pbx` })
        .expect(201);
      if (state) await api.http().post(`/v1/agents/${id}/session`).set(admin).send({ state }).expect(201);
    }
  });

  afterAll(async () => {
    await worker?.stop();
    redis.disconnect();
    await api.stop();
    await redisServer.stop();
  });

  it('rebuilds available agents and line capacity when the worker starts after FLUSHALL', async () => {
    expect((await availableFor('sales')).sort()).toEqual(['ann', 'ben']);
    await redis.flushall();
    expect(await availableFor('sales')).toEqual([]);

    worker = await startWorker();
    expect((await availableFor('sales')).sort()).toEqual(['ann', 'ben']);
    expect(await availableFor('support')).toEqual(['ben']);
    expect(await linesCapacity()).toBe('8');
  });

  it('notices a flush while it runs and rebuilds again, with later changes included', async () => {
    await api.http().put('/v1/agents/cat/state').set(bearer(tenant.adminKey)).send({ state: 'available' }).expect(200);
    await redis.flushall();
    const support = await waitFor('the rebuilt support queue', async () => {
      const ids = await availableFor('support');
      return ids.length === 2 ? ids : undefined;
    });
    expect(support.sort()).toEqual(['ben', 'cat']);
  });

  it('answers the API from the rebuilt view', async () => {
    const agent = await api.http().get('/v1/agents/ben').set(bearer(tenant.adminKey)).expect(200);
    expect(agent.body.state).toBe('available');
    const usage = await api.http().get('/v1/lines/usage').set(bearer(tenant.adminKey)).expect(200);
    expect(usage.body).toMatchObject({ capacity: 8, free: 8 });
  });
});

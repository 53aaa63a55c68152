import Redis from 'ioredis';
import { Client } from 'pg';
import { PrismaService } from '../../libs/database/src';
import { TestTenant, bearer } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { auditTenant, expectNoDoubleDial, sleep } from '../support/fault-audit';
import { RedisServer } from '../support/processes';

const LINES = 8;

/**
 * Connections cut again and again while calls are placed, connected and abandoned: every
 * PostgreSQL backend of the suite's database terminated every 1.5 s for 18 s, then every Redis
 * client killed every second for 12 s (CLIENT KILL, the queues' blocking connections and the
 * pub/sub subscribers included). Two lists run through each: one with an agent reserved for
 * every dial, and one dialed on lines alone whose answered callers wait for a single agent and
 * are often abandoned. Each case ends with the shared audit.
 */
describe('connections cut repeatedly while calls connect and abandon', () => {
  let redisServer: RedisServer;
  let engine: EngineHarness;

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    engine = await EngineHarness.start('connections_cut', {
      REDIS_URL: redisServer.url,
      SIMULATOR_SEED: 'connections-cut',
      SIMULATOR_TIME_SCALE: '100',
      LIVE_VIEW_CHECK_INTERVAL_MS: '2000',
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await redisServer?.stop();
  });

  async function tenantWithTwoPools(prefix: string): Promise<TestTenant> {
    const tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: 4, prefix });
    const admin = bearer(tenant.adminKey);
    await engine
      .http()
      .put(`/v1/agents/${prefix}-care`)
      .set(admin)
      .send({ name: 'care', skills: ['care'], endpoint: `sip:${prefix}-care@pbx.test` })
      .expect(201);
    await engine.http().post(`/v1/agents/${prefix}-care/session`).set(admin).send({ state: 'available' }).expect(201);
    return tenant;
  }

  /** Runs both lists while `cut` runs every `everyMs` for `forMs`; returns how many cuts hit something. */
  async function dialThrough(
    tenant: TestTenant,
    prefix: string,
    cut: () => Promise<number>,
    everyMs: number,
    forMs: number,
  ) {
    const sales = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(200, prefix) });
    const care = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'care',
      targets: numbers(60, `${prefix}9`),
      checks: { freeAgents: null },
    });
    let hits = 0;
    const until = Date.now() + forMs;
    while (Date.now() < until) {
      await sleep(everyMs);
      hits += await cut().catch(() => 0);
    }
    try {
      await engine.finished(tenant, sales.id, 60_000);
      await engine.finished(tenant, care.id, 60_000);
    } catch (error) {
      // What is left open, for the failure message.
      const open = await engine.api.app.get(PrismaService).$queryRaw<unknown[]>`
        SELECT t.id, t.status::text, t.reason, t.attempts, t.next_attempt_at, t.updated_at, c.id AS contact_id, c.status::text AS contact_status,
               c.agent_id, c.end_requested, c.created_at
        FROM targets t LEFT JOIN contacts c ON c.id = t.last_contact_id
        WHERE t.tenant_id = ${tenant.tenantId}::uuid AND t.completed_at IS NULL`;
      // And what the worker said (warnings and errors), for a failure seen only in CI.
      const said = engine.workers.map((w) => `exit code ${w.exitCode()}:\n${w.output.slice(-6_000)}`).join('\n---\n');
      throw new Error(`${(error as Error).message}; open: ${JSON.stringify(open)}; worker output:\n${said}`);
    }
    return hits;
  }

  it('PostgreSQL connections terminated every 1.5 s for 18 s', async () => {
    const tenant = await tenantWithTwoPools('pc');
    const killer = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await killer.connect();
    try {
      const cut = async () => {
        const { rowCount } = await killer.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
        return rowCount ?? 0;
      };
      expect(await dialThrough(tenant, '+4423', cut, 1_500, 18_000)).toBeGreaterThan(0);
    } finally {
      await killer.end();
    }
    await auditTenant(engine, tenant, { lines: LINES, webhooks: false });
    await expectNoDoubleDial(engine, tenant);
  });

  it('Redis clients killed every second for 12 s', async () => {
    const tenant = await tenantWithTwoPools('rc');
    const killer = new Redis(redisServer.url);
    killer.on('error', () => undefined);
    try {
      const cut = async () =>
        Number(await killer.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')) +
        Number(await killer.call('CLIENT', 'KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes'));
      expect(await dialThrough(tenant, '+4424', cut, 1_000, 12_000)).toBeGreaterThan(0);
    } finally {
      killer.disconnect();
    }
    await auditTenant(engine, tenant, { lines: LINES, webhooks: false });
    await expectNoDoubleDial(engine, tenant);
  });
});

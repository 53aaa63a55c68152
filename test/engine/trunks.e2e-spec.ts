import Redis from 'ioredis';
import { Client } from 'pg';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';

/**
 * Trunks on the simulator, through two workers: the simulated carrier "busy.example" takes 2 new
 * INVITEs a second and answers the excess 503 with Retry-After: 1, though its trunk in AutoCall
 * says 5; "spare.example" has no limit of its own; "dead.example" answers every INVITE 503.
 */
describe('trunks on the simulator', () => {
  let engine: EngineHarness;
  let db: Client;
  let redis: Redis;

  beforeAll(async () => {
    engine = await EngineHarness.start(
      'trunks',
      {
        SIMULATOR_TRUNKS: 'busy.example=2/1,dead.example=0/1',
        SIMULATOR_FAILURE_RATE: '0',
        SIMULATOR_UNREACHABLE_RATE: '0',
      },
      2,
    );
    db = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await db.connect();
    redis = new Redis(engine.api.config.get('REDIS_URL'));
  }, 90_000);
  afterAll(async () => {
    await db?.end();
    redis?.disconnect();
    await engine?.stop();
  });

  async function trunk(tenant: TestTenant, body: object): Promise<string> {
    const created = await engine.http().post('/v1/trunks').set(bearer(tenant.adminKey)).send(body).expect(201);
    return created.body.id;
  }

  /** The most new INVITEs a simulated carrier received in any sliding second. */
  async function carrierPeak(target: string): Promise<number> {
    const key = `${engine.api.config.get('REDIS_KEY_PREFIX')}:simulator:trunk-invites:${target}`;
    const scores = (await redis.zrange(key, '0', '-1', 'WITHSCORES')).filter((_, i) => i % 2 === 1).map(Number);
    return Math.max(0, ...scores.map((from) => scores.filter((t) => t >= from && t < from + 1_000).length));
  }

  /** The most dials PostgreSQL started on a trunk in any sliding second (its contacts' starts). */
  async function startsPeak(trunkId: string): Promise<number> {
    const { rows } = await db.query(`SELECT created_at FROM contacts WHERE trunk_id = $1 ORDER BY created_at`, [
      trunkId,
    ]);
    const starts = rows.map((r: { created_at: Date }) => r.created_at.getTime());
    return Math.max(0, ...starts.map((from) => starts.filter((t) => t >= from && t < from + 1_000).length));
  }

  it('never exceeds a trunk’s call rate; a 503 burst charges no attempt and fails over to the next trunk', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 20, skill: 'sales', agents: 4, prefix: 'cr' });
    await engine.http().put('/v1/settings').set(bearer(tenant.adminKey)).send({ maxTrunkReturns: 50 }).expect(200);
    const busy = await trunk(tenant, {
      name: 'busy',
      target: 'busy.example',
      channels: 20,
      callsPerSecond: 5,
      priority: 1,
    });
    const spare = await trunk(tenant, {
      name: 'spare',
      target: 'spare.example',
      channels: 20,
      callsPerSecond: 4,
      priority: 2,
    });
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(40, '+1415'),
      checks: { freeLines: { reserve: 0 }, freeAgents: null },
    });
    const done = await engine.finished(tenant, submitted.id, 120_000);
    expect(done.counts.pending + done.counts.dialing).toBe(0);

    // AutoCall never started more than a trunk's call rate in any second, across both workers,
    // and the unlimited carrier saw no more than its trunk's rate either.
    expect(await startsPeak(busy)).toBeLessThanOrEqual(5);
    expect(await startsPeak(spare)).toBeLessThanOrEqual(4);
    expect(await carrierPeak('spare.example')).toBeLessThanOrEqual(4);

    const { rows: returned } = await db.query(
      `SELECT count(*)::int AS n FROM contacts WHERE autocall_id = $1 AND trunk_returned`,
      [submitted.id],
    );
    // The carrier answered 503 to some (a burst above its 2 a second) …
    expect(returned[0].n).toBeGreaterThan(0);
    const { rows: overloads } = await db.query(
      `SELECT cause, sip_code, trunk_id FROM contacts WHERE autocall_id = $1 AND trunk_returned`,
      [submitted.id],
    );
    expect(overloads.every((c) => c.cause === 'trunk_overloaded' && c.sip_code === 503 && c.trunk_id === busy)).toBe(
      true,
    );
    // … none of which was charged: each target's attempts are its calls the carrier took, and no
    // target ended unreachable or failed for it.
    const { rows: targets } = await db.query(
      `SELECT t.attempts, t.trunk_returns, t.reason, t.status::text AS status,
              (SELECT count(*)::int FROM contacts c WHERE c.target_id = t.id AND NOT c.trunk_returned) AS charged,
              (SELECT count(*)::int FROM contacts c WHERE c.target_id = t.id AND c.trunk_returned) AS returns
       FROM targets t WHERE t.autocall_id = $1`,
      [submitted.id],
    );
    for (const t of targets) {
      expect(t.attempts).toBe(t.charged);
      expect(t.trunk_returns).toBe(t.returns);
      expect(t.reason).not.toMatch(/unreachable|trunk_unavailable|network_failure/);
    }
    // The dials failed over to the second trunk while the first was paused.
    const { rows: bySpare } = await db.query(
      `SELECT count(*)::int AS n FROM contacts WHERE autocall_id = $1 AND trunk_id = $2`,
      [submitted.id, spare],
    );
    expect(bySpare[0].n).toBeGreaterThan(0);

    const usage = await engine.http().get('/v1/lines/usage').set(bearer(tenant.adminKey)).expect(200);
    expect(usage.body.trunks.map((t: { name: string }) => t.name)).toEqual(['busy', 'spare']);
    expect(usage.body.trunks[0].overloads).toBe(returned[0].n);
    expect(usage.body.trunks.every((t: { channelsInUse: number }) => t.channelsInUse === 0)).toBe(true);
  }, 150_000);

  it('ends a target failed (trunk_unavailable) after the tenant’s bound of returns, with no attempt charged', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 5, skill: 'sales', agents: 1, prefix: 'dc' });
    await engine.http().put('/v1/settings').set(bearer(tenant.adminKey)).send({ maxTrunkReturns: 2 }).expect(200);
    const dead = await trunk(tenant, {
      name: 'dead',
      target: 'dead.example',
      channels: 5,
      callsPerSecond: 10,
      overloadPauseSeconds: 1,
    });
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(3, '+1212'),
      checks: { freeLines: { reserve: 0 }, freeAgents: null },
    });
    const done = await engine.finished(tenant, submitted.id, 60_000);
    expect(done.counts.failed).toBe(3);
    const { rows } = await db.query(
      `SELECT t.attempts, t.trunk_returns, t.reason,
              (SELECT count(*)::int FROM contacts c WHERE c.target_id = t.id AND c.trunk_returned AND c.trunk_id = $2)
                AS returns
       FROM targets t WHERE t.autocall_id = $1`,
      [submitted.id, dead],
    );
    expect(rows).toEqual(
      Array.from({ length: 3 }, () => ({ attempts: 0, trunk_returns: 2, reason: 'trunk_unavailable', returns: 2 })),
    );
  }, 90_000);
});

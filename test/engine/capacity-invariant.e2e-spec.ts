import { PrismaService } from '../../libs/database/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { BOUNDS_SNAPSHOT } from '../support/fault-audit';

const LINES = 8;
const AGENTS = 6;

/**
 * The core invariant under concurrency: several worker processes and concurrent AutoCalls of
 * every kind, agents flapping between states all along. At every sample (an atomic snapshot
 * every few milliseconds) and over the whole recorded history, outbound contacts never exceed
 * lines − reserve, reserved agents are available ones (or keep the call their phone rings for), and
 * reserved and busy agents never outnumber the logged-in ones; every target ends exactly once.
 */
describe('capacity invariant under concurrency', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;
  const violations: string[] = [];
  let samples = 0;
  let maxOutbound = 0;

  beforeAll(async () => {
    engine = await EngineHarness.start('invariant', { SIMULATOR_SEED: 'invariant', SIMULATOR_TIME_SCALE: '200' }, 3);
    tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: AGENTS, prefix: 'inv' });
  });
  afterAll(() => engine.stop());

  it('holds at every sample and over the recorded history', async () => {
    const tag = `${engine.api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}`;
    let monitoring = true;
    const monitor = (async () => {
      while (monitoring) {
        const [capacity, outbound, reserved, reservedNotAvailable, busy, loggedIn] = (await engine.api.redis.eval(
          BOUNDS_SNAPSHOT,
          0,
          tag,
        )) as number[];
        samples++;
        maxOutbound = Math.max(maxOutbound, outbound);
        // Every AutoCall here keeps at least one line in reserve. Lines Redis does not know yet
        // (-1: none reserved since the tenant began) admit no dial at all.
        if (capacity < 0 ? outbound > 0 : outbound > capacity - 1)
          violations.push(`outbound ${outbound} > lines ${capacity < 0 ? 'unknown' : `${capacity} − 1`}`);
        // The same rule as every fault case's (an agent whose phone rings for a call may ask to be
        // unavailable and keeps that call): this snapshot did not know the bridging mark.
        if (reservedNotAvailable > 0) violations.push(`${reservedNotAvailable} reserved agent(s) not available`);
        if (reserved + busy > loggedIn)
          violations.push(`reserved ${reserved} + on call ${busy} > logged in ${loggedIn}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    let flapping = true;
    const admin = bearer(tenant.adminKey);
    const flapper = (async () => {
      let i = 0;
      while (flapping) {
        const agent = `inv-${i++ % AGENTS}`;
        const state = i % 3 === 0 ? 'unavailable' : 'available';
        await engine.http().put(`/v1/agents/${agent}/state`).set(admin).send({ state, reason: 'flap' }); // 409 on a call is fine
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();

    const retry = { noAnswer: { maxAttempts: 2, delaySeconds: 30 }, busy: { maxAttempts: 2, delaySeconds: 10 } };
    const submissions = await Promise.all([
      engine.submit(tenant, {
        mode: 'sequential',
        skill: 'sales',
        targets: numbers(60, '+8131'),
        checks: { freeLines: { reserve: 1 } },
        retry,
      }),
      engine.submit(tenant, {
        mode: 'sequential',
        skill: 'sales',
        targets: numbers(60, '+8132'),
        checks: { freeLines: { reserve: 2 }, freeAgents: { reserve: 1 } },
        priority: 5,
      }),
      engine.submit(tenant, {
        mode: 'sequential',
        skill: 'sales',
        targets: numbers(60, '+8133'),
        checks: { freeLines: { reserve: 1 }, freeAgents: null },
      }),
      engine.submit(tenant, {
        mode: 'sequential',
        skill: 'sales',
        targets: numbers(60, '+8134'),
        checks: { freeLines: { reserve: 1 } },
        retry,
      }),
      engine.submit(tenant, {
        mode: 'immediate',
        skill: 'sales',
        targets: numbers(10, '+8135'),
        checks: { freeLines: { reserve: 1 } },
      }),
      engine.submit(tenant, {
        mode: 'immediate',
        skill: 'sales',
        targets: numbers(10, '+8136'),
        checks: { freeLines: { reserve: 2 } },
      }),
    ]);
    const later = await engine.submit(tenant, {
      mode: 'immediate',
      skill: 'sales',
      targets: numbers(10, '+8137'),
      checks: { freeLines: { reserve: 1 } },
    });

    try {
      for (const s of [...submissions, later]) await engine.finished(tenant, s.id, 150_000);
    } finally {
      flapping = false;
      monitoring = false;
      await Promise.all([flapper, monitor]);
    }

    expect(violations).toEqual([]);
    expect(samples).toBeGreaterThan(500);
    expect(maxOutbound).toBeGreaterThan(1); // the engine did dial in parallel

    const prisma = engine.api.app.get(PrismaService);
    // Over the whole history: never more overlapping contacts than lines − 1.
    const [{ peak }] = await prisma.$queryRaw<{ peak: number }[]>`
      WITH edges AS (
        SELECT created_at AS at, 1 AS delta FROM contacts WHERE tenant_id = ${tenant.tenantId}::uuid
        UNION ALL
        SELECT ended_at, -1 FROM contacts WHERE tenant_id = ${tenant.tenantId}::uuid)
      SELECT COALESCE(MAX(running), 0)::int AS peak FROM (
        SELECT SUM(delta) OVER (ORDER BY at, delta) AS running FROM edges) r`;
    expect(peak).toBeLessThanOrEqual(LINES - 1);

    // An agent is never on two calls at once.
    const [{ overlaps }] = await prisma.$queryRaw<{ overlaps: number }[]>`
      SELECT count(*)::int AS overlaps FROM contacts a JOIN contacts b
        ON a.agent_id = b.agent_id AND a.id < b.id AND a.tenant_id = b.tenant_id
      WHERE a.tenant_id = ${tenant.tenantId}::uuid AND a.connected_at IS NOT NULL AND b.connected_at IS NOT NULL
        AND a.connected_at < b.ended_at AND b.connected_at < a.ended_at`;
    expect(overlaps).toBe(0);

    // Every target terminal, exactly once; no contact left open; lines back to zero.
    const [{ open, twice, notTerminal }] = await prisma.$queryRaw<
      { open: number; twice: number; notTerminal: number }[]
    >`
      SELECT
        (SELECT count(*)::int FROM contacts WHERE tenant_id = ${tenant.tenantId}::uuid AND status <> 'ended') AS open,
        (SELECT count(*)::int FROM (
          SELECT e.target_id FROM target_events e JOIN targets t ON t.id = e.target_id
          WHERE t.tenant_id = ${tenant.tenantId}::uuid
            AND e.to_status IN ('completed','no_answer','busy','failed','abandoned','machine','skipped','not_dialed','cancelled','expired')
          GROUP BY e.target_id HAVING count(*) <> 1) x) AS twice,
        (SELECT count(*)::int FROM targets WHERE tenant_id = ${tenant.tenantId}::uuid
          AND status IN ('pending','dialing','ringing','answered','connected')) AS "notTerminal"`;
    expect({ open, twice, notTerminal }).toEqual({ open: 0, twice: 0, notTerminal: 0 });
    const usage = await engine.http().get('/v1/lines/usage').set(admin).expect(200);
    expect(usage.body).toMatchObject({ inUse: { total: 0 }, reserved: 0, free: LINES });
  });

  it('holds across trunks: lines stay the overall cap, each trunk its channels and its call rate', async () => {
    const carriers = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: AGENTS, prefix: 'tr' });
    const admin = bearer(carriers.adminKey);
    // More channels than lines between them, and call rates the dialing would otherwise exceed.
    const trunks = [
      { name: 'first', target: 'first.example', channels: 5, callsPerSecond: 4, priority: 1 },
      { name: 'second', target: 'second.example', channels: 6, callsPerSecond: 3, priority: 2 },
    ];
    const ids: string[] = [];
    for (const trunk of trunks)
      ids.push((await engine.http().post('/v1/trunks').set(admin).send(trunk).expect(201)).body.id);
    const submissions = await Promise.all([
      engine.submit(carriers, {
        mode: 'sequential',
        skill: 'sales',
        targets: numbers(50, '+8141'),
        checks: { freeLines: { reserve: 1 }, freeAgents: null },
      }),
      engine.submit(carriers, {
        mode: 'sequential',
        skill: 'sales',
        targets: numbers(30, '+8142'),
        checks: { freeLines: { reserve: 1 } },
        priority: 5,
      }),
      engine.submit(carriers, {
        mode: 'immediate',
        skill: 'sales',
        targets: numbers(10, '+8143'),
        checks: { freeLines: { reserve: 1 }, freeAgents: null },
      }),
    ]);
    // An immediate submission dials only what the trunks can start now; the rest is not dialed.
    expect(submissions[2].counts.dialing).toBeLessThanOrEqual(4 + 3);
    for (const s of submissions) await engine.finished(carriers, s.id, 150_000);

    const prisma = engine.api.app.get(PrismaService);
    const peak = async (trunkId: string | null) =>
      (
        await prisma.$queryRaw<{ peak: number }[]>`
          WITH mine AS (SELECT * FROM contacts WHERE tenant_id = ${carriers.tenantId}::uuid
                          AND (${trunkId}::uuid IS NULL OR trunk_id = ${trunkId}::uuid)),
          edges AS (SELECT created_at AS at, 1 AS delta FROM mine UNION ALL SELECT ended_at, -1 FROM mine)
          SELECT COALESCE(MAX(running), 0)::int AS peak FROM (
            SELECT SUM(delta) OVER (ORDER BY at, delta) AS running FROM edges) r`
      )[0].peak;
    expect(await peak(null)).toBeLessThanOrEqual(LINES - 1);
    expect(await peak(ids[0])).toBeLessThanOrEqual(5);
    expect(await peak(ids[1])).toBeLessThanOrEqual(6);
    for (const [i, id] of ids.entries()) {
      // Any second from a start holds at most the trunk's call rate of starts.
      const [{ rate }] = await prisma.$queryRaw<{ rate: number }[]>`
        SELECT COALESCE(MAX((SELECT count(*) FROM contacts b WHERE b.trunk_id = a.trunk_id
                   AND b.created_at >= a.created_at AND b.created_at < a.created_at + interval '1 second')), 0)::int AS rate
        FROM contacts a WHERE a.trunk_id = ${id}::uuid`;
      expect(rate).toBeLessThanOrEqual(trunks[i].callsPerSecond);
    }
    const [{ onDefault, notTerminal }] = await prisma.$queryRaw<{ onDefault: number; notTerminal: number }[]>`
      SELECT (SELECT count(*)::int FROM contacts WHERE tenant_id = ${carriers.tenantId}::uuid AND trunk_id IS NULL)
               AS "onDefault",
             (SELECT count(*)::int FROM targets WHERE tenant_id = ${carriers.tenantId}::uuid
               AND status IN ('pending','dialing','ringing','answered','connected')) AS "notTerminal"`;
    expect({ onDefault, notTerminal }).toEqual({ onDefault: 0, notTerminal: 0 });
    const usage = await engine.http().get('/v1/lines/usage').set(admin).expect(200);
    expect(usage.body.trunks.map((t: { channelsInUse: number }) => t.channelsInUse)).toEqual([0, 0]);
  }, 200_000);
});

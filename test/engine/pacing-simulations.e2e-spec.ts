import { Client } from 'pg';
import { simulatePacing } from '../../libs/dialing/src/pacing/pacing-simulation';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';

/** The pacing benchmark's scenario at 20 agents and 30% answered (bench/pacing.ts), as a tenant gives it. */
const BENCH_FIGURES = {
  answerRate: 0.3,
  ringSecondsMean: 9,
  talkSecondsMean: 150,
  wrapUpSecondsMean: 20,
  patienceSecondsMean: 25,
};

/**
 * What-if pacing (POST /v1/pacing/simulations): queued with the API alone, run by a worker on a
 * thread of its own once one is up, on the figures given or measured from the pool's own calls;
 * the answer for the pacing benchmark's scenario is the benchmark's.
 */
describe('what-if pacing simulations', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;
  let supervisor: string;
  let db: Client;

  const post = (body: object, key = supervisor) =>
    engine.http().post('/v1/pacing/simulations').set(bearer(key)).send(body);
  const done = (id: string, key = supervisor) =>
    waitFor(
      `simulation ${id} to finish`,
      async () => {
        const { body } = await engine.http().get(`/v1/pacing/simulations/${id}`).set(bearer(key)).expect(200);
        return body.status === 'done' || body.status === 'failed' ? body : undefined;
      },
      120_000,
      250,
    );

  beforeAll(async () => {
    engine = await EngineHarness.start('pacing_simulations', {}, 0);
    tenant = await engine.tenantWithAgents({ lines: 30, skill: 'sales', agents: 10 });
    supervisor = await engine.api.createKey(tenant, 'supervisor');
    await engine
      .http()
      .put('/v1/agents/care-0')
      .set(bearer(tenant.adminKey))
      .send({ name: 'care', skills: ['care'], endpoint: 'sip:care@pbx.test' })
      .expect(201);
    db = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await engine?.stop();
  });

  describe('with no worker running', () => {
    let queued: string[];

    it('queues a request: 202, its Location, status queued, the seed it will use', async () => {
      const response = await post({ skill: 'care', agents: 5, hours: 1 }).expect(202);
      expect(response.headers.location).toBe(`/v1/pacing/simulations/${response.body.id}`);
      expect(response.body).toMatchObject({
        status: 'queued',
        request: { skill: 'care', agents: 5, hours: 1, measuredDays: 7, figures: {}, seed: response.body.id },
        result: null,
        error: null,
        startedAt: null,
      });
      queued = [response.body.id];
    });

    it('replays a request made again with its Idempotency-Key', async () => {
      const first = await post({ skill: 'care', agents: 6, hours: 1 }).set('Idempotency-Key', 'what-if-1').expect(202);
      const again = await post({ skill: 'care', agents: 6, hours: 1 }).set('Idempotency-Key', 'what-if-1').expect(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      queued.push(first.body.id);
    });

    it('refuses a third open simulation of the tenant with 429 and Retry-After', async () => {
      const response = await post({ skill: 'care', agents: 5, hours: 1 }).expect(429);
      expect(response.body.code).toBe('too_many_requests');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM pacing_simulations WHERE tenant_id = $1`, [
        tenant.tenantId,
      ]);
      expect(rows[0].n).toBe(2);
    });

    it('runs the queued ones once a worker is up', async () => {
      await engine.startWorker();
      for (const id of queued) {
        const finished = await done(id);
        expect(finished.status).toBe('done');
        // No history for care: every figure is the default one.
        for (const figure of Object.values(finished.result.figures) as { source: string }[])
          expect(figure.source).toBe('default');
      }
    });
  });

  it("answers the pacing benchmark's scenario with the benchmark's figures", async () => {
    const response = await post({
      skill: 'care',
      agents: 20,
      hours: 8,
      ringTimeoutSeconds: 25,
      figures: BENCH_FIGURES,
      strategies: [{ kind: 'progressive' }, { kind: 'predictive' }],
      seed: 'pacing:20:0.3',
    }).expect(202);
    const finished = await done(response.body.id);
    expect(finished.status).toBe('done');
    expect(finished.result.pacing).toMatchObject({
      maxAbandonRate: 0.03,
      targetAbandonRate: 0.02,
      connectThresholdSeconds: 2,
      ringTimeoutSeconds: 25,
    });
    for (const [key, value] of Object.entries(BENCH_FIGURES))
      expect([key, finished.result.figures[key]]).toEqual([key, { value, source: 'given' }]);

    // The benchmark's own run of the same scenario (bench/pacing.ts), in this process.
    const bench = await simulatePacing({
      strategy: { kind: 'predictive' },
      agents: 20,
      answerRate: 0.3,
      hours: 8,
      seed: 'pacing:20:0.3',
      wrapUpSecondsMean: 20,
    });
    const predictive = finished.result.outcomes.find((o: { strategy: string }) => o.strategy === 'predictive');
    expect(predictive).toMatchObject({
      dials: bench.dials,
      answered: bench.answers,
      abandoned: bench.abandons,
      occupancy: Number(bench.occupancy.toFixed(4)),
      worstHourAbandonRate: Number(bench.worstHourAbandonRate.toFixed(4)),
    });
    // And within a point of what bench/RESULTS.md records for it with a 20 s wrap-up (87.8%, 1.61%).
    expect(Math.abs(predictive.occupancy - 0.878)).toBeLessThan(0.01);
    expect(predictive.abandonRate).toBeLessThan(0.025);
    const progressive = finished.result.outcomes.find((o: { strategy: string }) => o.strategy === 'progressive');
    expect(progressive.abandonRate).toBe(0);
    expect(progressive.occupancy).toBeLessThan(predictive.occupancy);
  }, 180_000);

  it("measures the pool's own calls where the tenant gives no figure", async () => {
    const autocall = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(240, '+8190'),
    });
    await engine.finished(tenant, autocall.id, 120_000);
    const { rows } = await db.query(
      `SELECT count(*)::int AS dials, count(*) FILTER (WHERE answered_by = 'human')::int AS human
       FROM contacts WHERE tenant_id = $1 AND skill = 'sales' AND ended_at IS NOT NULL`,
      [tenant.tenantId],
    );
    const response = await post({ skill: 'sales', agents: 10, hours: 1, figures: { patienceSecondsMean: 40 } }).expect(
      202,
    );
    const finished = await done(response.body.id);
    expect(finished.status).toBe('done');
    expect(finished.result.measured).toMatchObject({ days: 7, dials: rows[0].dials, humanAnswers: rows[0].human });
    expect(finished.result.figures.answerRate).toEqual({ value: rows[0].human / rows[0].dials, source: 'measured' });
    expect(finished.result.figures.ringSecondsMean.source).toBe('measured');
    expect(finished.result.figures.talkSecondsMean.source).toBe('measured');
    expect(finished.result.figures.patienceSecondsMean).toEqual({ value: 40, source: 'given' });
    expect(finished.result.figures.wrapUpSecondsMean).toEqual({ value: 0, source: 'default' });
    expect(finished.result.outcomes.map((o: { strategy: string }) => o.strategy)).toEqual([
      'progressive',
      'power 2:1',
      'predictive',
    ]);
  }, 180_000);

  it('shows the last simulation on the live dashboard', async () => {
    const { body } = await engine.http().get('/admin/dashboard/snapshot').set(bearer(tenant.adminKey)).expect(200);
    const mine = body.tenants.find((t: { id: string }) => t.id === tenant.tenantId);
    expect(mine.simulation).toMatchObject({ status: 'done', request: { skill: 'sales', agents: 10, hours: 1 } });
  });

  it('refuses bad requests with problem+json, and hides other tenants’ simulations', async () => {
    const cases: [object, string, string][] = [
      [{ skill: 'nobody', agents: 5, hours: 1 }, 'skill', 'unknown_skill'],
      [{ skill: 'sales', agents: 500, hours: 24 }, 'agents', 'custom'],
      [
        { skill: 'sales', agents: 5, hours: 1, strategies: [{ kind: 'power', ratio: 9 }] },
        'strategies[0].ratio',
        'too_big',
      ],
      [{ skill: 'sales', agents: 5, hours: 1, figures: { answerRate: 0 } }, 'figures.answerRate', 'too_small'],
      [{ skill: 'sales', agents: 5, hours: 1, extra: true }, 'extra', 'unknown_field'],
    ];
    for (const [body, field, code] of cases) {
      const response = await post(body).expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
    }
    const other = await engine.api.createTenant('other');
    const { body: mine } = await post({ skill: 'care', agents: 2, hours: 1 }).expect(202);
    await engine.http().get(`/v1/pacing/simulations/${mine.id}`).set(bearer(other.adminKey)).expect(404);
    await engine.http().get('/v1/pacing/simulations/not-an-id').set(bearer(supervisor)).expect(404);
    await done(mine.id);
  }, 60_000);
});

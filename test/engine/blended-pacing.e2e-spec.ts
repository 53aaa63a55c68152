import { bearer } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';

/**
 * Predictive pools over shared agents (issue 21, item 1): four agents hold both `sales` and
 * `care`, and each skill has a predictive AutoCall. Paced pool by pool, each pool counted the four
 * agents as its own and dialed for them (twice the agents there are); paced by group, one decision
 * covers both pools. Sampled continuously while both run, at one instant each time (MULTI), the
 * predictive dials in flight of both pools plus their callers waiting never exceed what the pacer
 * allows for the agents that exist: maxLinesPerAgent × the four agents logged in. Two workers, so
 * the group's leadership is contended too.
 */
describe('predictive pools sharing agents', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start(
      'blended_pacing',
      {
        PACING_TICK_MS: '50',
        PACING_CONTROL_INTERVAL_MS: '500',
        // One dial in ten reaches a person: the pacer dials as far ahead as it is allowed.
        SIMULATOR_ANSWER_PROBABILITY: '0.1',
        SIMULATOR_PATIENCE_SECONDS_MEAN: '120',
      },
      2,
    );
  });
  afterAll(() => engine.stop());

  it('keeps the dials in flight of both pools within the line bound of the agents that exist, at every sample', async () => {
    const agents = 4;
    const maxLinesPerAgent = 2;
    // Lines enough for twice the bound: only the pacer can hold the dials to it.
    const tenant = await engine.api.createTenant('blended-pacing', 4 * agents * maxLinesPerAgent);
    const admin = bearer(tenant.adminKey);
    for (let i = 0; i < agents; i++) {
      await engine
        .http()
        .put(`/v1/agents/bl-${i}`)
        .set(admin)
        .send({ name: `bl-${i}`, skills: ['sales', 'care'], endpoint: `sip:bl-${i}@pbx.test` })
        .expect(201);
      await engine.http().post(`/v1/agents/bl-${i}/session`).set(admin).send({ state: 'available' }).expect(201);
    }
    await engine
      .http()
      .put('/v1/settings')
      .set(admin)
      .send({ pacing: { minDialSamples: 20, minAgents: 2, maxLinesPerAgent } })
      .expect(200);
    const bound = maxLinesPerAgent * agents;
    const tag = `${engine.api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}`;
    const list = { mode: 'predictive', ringTimeoutSeconds: 20 };
    const sales = await engine.submit(tenant, { ...list, skill: 'sales', targets: numbers(100, '+4470') });
    const care = await engine.submit(tenant, { ...list, skill: 'care', targets: numbers(100, '+4471') });

    const samples: number[] = [];
    let loggedIn = 0;
    const status = async (id: string) =>
      (await engine.http().get(`/v1/autocalls/${id}`).set(admin).expect(200)).body.status as string;
    let finished = false;
    const done = (async () => {
      while ((await status(sales.id)) !== 'completed' || (await status(care.id)) !== 'completed') {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      finished = true;
    })();
    // The pools each pacer said it decided for together, seen while both AutoCalls run (once one
    // has finished, the other's pool is paced alone).
    const groupsSeen = { sales: new Set<string>(), care: new Set<string>() };
    const deadline = Date.now() + 120_000;
    while (!finished && Date.now() < deadline) {
      if (samples.length % 25 === 0) {
        for (const skill of ['sales', 'care'] as const) {
          const { body } = await engine.http().get(`/v1/pacing/${skill}`).set(admin).expect(200);
          if (body.pacer?.group) groupsSeen[skill].add(JSON.stringify(body.pacer.group));
        }
      }
      const replies = (await engine.api.redis
        .multi()
        .zcard(`${tag}:paced:sales`)
        .zcard(`${tag}:paced:care`)
        .zcard(`${tag}:waiting:sales`)
        .zcard(`${tag}:waiting:care`)
        .smembers(`${tag}:agents`)
        .exec()) as [Error | null, unknown][];
      const counts = replies.slice(0, 4).map(([, n]) => Number(n));
      samples.push(counts.reduce((a, b) => a + b, 0));
      loggedIn = Math.max(loggedIn, (replies[4][1] as string[]).length);
    }
    await done;

    expect(loggedIn).toBe(agents);
    expect(samples.length).toBeGreaterThan(100);
    const most = Math.max(...samples);
    // Dialing ahead of the agents (more out at once than agents), never beyond the bound.
    expect(most).toBeGreaterThan(agents);
    expect(samples.filter((n) => n > bound)).toEqual([]);
    // Both pools dialed, each with its own accounting.
    for (const id of [sales.id, care.id]) {
      const { body } = await engine.http().get(`/v1/autocalls/${id}`).set(admin).expect(200);
      const terminal = ['completed', 'no_answer', 'busy', 'failed', 'abandoned', 'machine', 'skipped'];
      expect(terminal.reduce((n, s) => n + body.counts[s], 0)).toBe(100);
    }
    for (const skill of ['sales', 'care']) {
      const { body } = await engine.http().get(`/v1/pacing/${skill}`).set(admin).expect(200);
      expect(body.abandonRate.answered).toBeGreaterThan(0);
    }
    // Each pool said, while both ran, that its pacer decided for both together.
    expect([...groupsSeen.sales]).toContain(JSON.stringify(['care', 'sales']));
    expect([...groupsSeen.care]).toContain(JSON.stringify(['care', 'sales']));
  });
});

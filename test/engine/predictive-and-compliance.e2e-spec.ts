import { localTimeAt } from '../../libs/common/src/zoned-time';
import { PrismaService } from '../../libs/database/src';
import { autocallOfHeldKey, compactId, heldAutocallKey, heldJobId, heldZones, Queues } from '../../libs/dialing/src';
import { complianceOverridesSchema } from '../../libs/tenancy/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { WHOLE_DAY, windowOpenInClosedIn } from '../support/calling-window';
import { waitFor } from '../support/processes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('predictive mode and the compliance guards', () => {
  let engine: EngineHarness;
  let prisma: PrismaService;

  beforeAll(async () => {
    // Fast pacing for the test clock: the simulator runs 300× faster than a callee's time.
    // A list where fewer than a third of the dials reach a person: the case predictive dialing is for.
    engine = await EngineHarness.start('predictive', {
      PACING_TICK_MS: '50',
      PACING_CONTROL_INTERVAL_MS: '500',
      SIMULATOR_ANSWER_PROBABILITY: '0.3',
      // Callers wait about 0.4 s of real time before hanging up, far beyond the 2 s threshold
      // (7 ms here): on a loaded machine the threshold, not their patience, still decides.
      SIMULATOR_PATIENCE_SECONDS_MEAN: '120',
    });
    prisma = engine.api.app.get(PrismaService);
  });
  afterAll(() => engine.stop());

  const settings = (tenant: TestTenant, body: object) =>
    engine.http().put('/v1/settings').set(bearer(tenant.adminKey)).send(body).expect(200);

  it('places no call while no agent of the skill is logged in, and says why', async () => {
    const tenant = await engine.api.createTenant('nobody', 10);
    await engine
      .http()
      .put('/v1/agents/away')
      .set(bearer(tenant.adminKey))
      .send({ name: 'away', skills: ['sales'], endpoint: 'sip:away@pbx.test' })
      .expect(201);
    const submitted = await engine.submit(tenant, { mode: 'predictive', skill: 'sales', targets: numbers(20) });
    const pacer = await waitFor('the pacer to decide', async () => {
      const { body } = await engine.http().get('/v1/pacing/sales').set(bearer(tenant.adminKey)).expect(200);
      return body.pacer ?? undefined;
    });
    expect(pacer).toMatchObject({ mode: 'stopped', reason: 'no_agents', budget: 0 });
    await sleep(1_500); // many pacing ticks and dispatcher sweeps
    expect(await prisma.contact.count({ where: { autocallId: submitted.id } })).toBe(0);
    await engine.http().post(`/v1/autocalls/${submitted.id}/cancel`).set(bearer(tenant.adminKey)).send({}).expect(200);
  });

  it('dials ahead of its agents within the line bound, ends every target, and counts abandons', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 12, skill: 'sales', agents: 4, prefix: 'pd' });
    // The connect threshold at its longest (10 s of the callee's time: 33 ms of real time at 300×,
    // against 7 ms for the default 2 s) and the caps at their highest: on a loaded machine the
    // engine's own latency past 7 ms made abandons, the AutoCall's campaign reached its cap and
    // dialed progressively, and the run never dialed ahead (CI, 1 run in 3 or 4).
    await settings(tenant, {
      pacing: { minDialSamples: 20, minAgents: 2, maxAbandonRate: 0.05, targetAbandonRate: 0.04 },
      compliance: complianceOverridesSchema.parse({ callingWindow: WHOLE_DAY, connectThresholdSeconds: 10 }),
    });
    const submitted = await engine.submit(tenant, {
      mode: 'predictive',
      skill: 'sales',
      targets: numbers(150, '+8132'),
      ringTimeoutSeconds: 20,
    });
    let predicted = false;
    const done = await waitFor(
      'the predictive AutoCall to complete',
      async () => {
        const usage = await engine.http().get('/v1/lines/usage').set(bearer(tenant.adminKey)).expect(200);
        expect(usage.body.inUse.outbound + usage.body.reserved).toBeLessThanOrEqual(12);
        const pacing = await engine.http().get('/v1/pacing/sales').set(bearer(tenant.adminKey)).expect(200);
        if (pacing.body.pacer?.mode === 'predictive') predicted = true;
        const { body } = await engine.http().get(`/v1/autocalls/${submitted.id}`).set(bearer(tenant.adminKey));
        return body.status === 'completed' ? body : undefined;
      },
      120_000,
      50,
    );
    expect(predicted).toBe(true);
    // More calls at once than the four agents (each call of another mode holds an agent from its
    // dial to its end): dialing ahead of them. Counted from the stored contacts' start and end.
    const [{ most }] = await prisma.$queryRaw<{ most: number }[]>`
      SELECT max(n)::int AS most FROM (
        SELECT (SELECT count(*) FROM contacts o WHERE o.autocall_id = c.autocall_id
                  AND o.created_at <= c.created_at AND o.ended_at > c.created_at) AS n
        FROM contacts c WHERE c.autocall_id = ${submitted.id}::uuid) AS concurrent`;
    expect(most).toBeGreaterThan(4);
    expect(most).toBeLessThanOrEqual(12);
    const terminal = ['completed', 'no_answer', 'busy', 'failed', 'abandoned', 'machine', 'skipped'];
    expect(terminal.reduce((n, s) => n + done.counts[s], 0)).toBe(150);
    expect(done.abandon.answered).toBeGreaterThan(0);
    expect(done.abandon.abandoned).toBe(done.counts.abandoned);
    const abandoned = await prisma.target.findMany({ where: { autocallId: submitted.id, status: 'abandoned' } });
    for (const target of abandoned) expect(target.reason).toBe('no_agent_within_threshold');
    const pacing = await engine.http().get('/v1/pacing/sales').set(bearer(tenant.adminKey)).expect(200);
    expect(pacing.body.abandonRate.answered).toBe(done.abandon.answered);
    expect(pacing.body.abandonWindowSeconds).toBe(30 * 86_400);
    // Every line and agent is free again.
    const usage = await engine.http().get('/v1/lines/usage').set(bearer(tenant.adminKey)).expect(200);
    expect(usage.body).toMatchObject({ inUse: { outbound: 0 }, reserved: 0 });
  });

  it('holds targets outside the calling window, in the number’s local time, and says until when', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 5, skill: 'care', agents: 2, prefix: 'cw' });
    // Closed now in Tokyo (the +8133 numbers' zone) and open now in São Paulo, two hours or more
    // from every edge in both, whatever the hour the test runs at.
    const window = windowOpenInClosedIn('America/Sao_Paulo', 'Asia/Tokyo');
    await settings(tenant, { compliance: complianceOverridesSchema.parse({ callingWindow: window }) });
    const held = await engine.submit(tenant, { mode: 'sequential', skill: 'care', targets: numbers(3, '+8133') });
    const targets = await waitFor('the targets to be held', async () => {
      const rows = await prisma.target.findMany({ where: { autocallId: held.id }, orderBy: { position: 'asc' } });
      return rows.every((t) => t.reason === 'calling_window') ? rows : undefined;
    });
    for (const target of targets) {
      expect(target.status).toBe('pending');
      // Opens at the window's start, Tokyo time, within the next day.
      const opens = target.nextAttemptAt!;
      expect(opens.getTime()).toBeGreaterThan(Date.now());
      expect(opens.getTime() - Date.now()).toBeLessThan(86_400_000);
      expect(localTimeAt(opens.getTime(), 'Asia/Tokyo').minute).toBe(Number(window.start.slice(0, 2)) * 60);
    }
    // Immediate mode cannot hold: not dialed, naming the guard.
    const immediate = await engine.submit(tenant, { mode: 'immediate', skill: 'care', targets: numbers(2, '+8134') });
    expect(immediate.targets.map((t: { status: string; reason: string }) => [t.status, t.reason])).toEqual([
      ['not_dialed', 'calling_window'],
      ['not_dialed', 'calling_window'],
    ]);
    // A target's own time zone overrides its number's: the window is open in São Paulo now.
    const own = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'care',
      targets: [{ phoneNumber: '+81350000001', timeZone: 'America/Sao_Paulo' }],
    });
    await engine.finished(tenant, own.id);
    expect(await prisma.contact.count({ where: { autocallId: own.id } })).toBe(1);
    expect(await prisma.contact.count({ where: { autocallId: held.id } })).toBe(0);
    await engine.http().post(`/v1/autocalls/${held.id}/cancel`).set(bearer(tenant.adminKey)).send({}).expect(200);
  });

  it('judges the window before reading a held target from the zones its job carries, and from the read when it carries none', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 5, skill: 'zones', agents: 2, prefix: 'zj' });
    const queues = engine.api.app.get(Queues);
    const pool = { tenantId: tenant.tenantId, skill: 'zones' };
    const window = windowOpenInClosedIn('America/Sao_Paulo', 'Asia/Tokyo');
    await settings(tenant, { compliance: complianceOverridesSchema.parse({ callingWindow: window }) });
    const submitted = await engine.submit(tenant, { mode: 'sequential', skill: 'zones', targets: numbers(1, '+8135') });
    const heldByWindow = () =>
      waitFor('the target to be held by the window', async () => {
        const target = await prisma.target.findFirstOrThrow({ where: { autocallId: submitted.id } });
        return target.reason === 'calling_window' ? target : undefined;
      });
    const target = await heldByWindow();
    // Its job named its AutoCall by its submission number and carried the zones of its number
    // (Tokyo): the guard refused before any read.
    const job = await queues.held(pool).getJob(heldJobId(target.id, 0));
    const { seq } = await prisma.autoCall.findUniqueOrThrow({ where: { id: submitted.id } });
    expect(autocallOfHeldKey(heldAutocallKey(job!.data))).toEqual({ seq });
    expect(heldZones(job!.data)).not.toBeNull();

    // A job held by an older release (its AutoCall's 22-character id alone, no zones): read first,
    // judged the same.
    await job!.remove();
    await prisma.target.update({ where: { id: target.id }, data: { reason: null, nextAttemptAt: null } });
    await queues.holdTargets(pool, 0, [{ id: target.id, attempts: 0, data: compactId(submitted.id) }]);
    await heldByWindow();
    expect(heldZones((await queues.held(pool).getJob(heldJobId(target.id, 0)))!.data)).toBeNull();
    expect(await prisma.contact.count({ where: { autocallId: submitted.id } })).toBe(0);
    await engine.http().post(`/v1/autocalls/${submitted.id}/cancel`).set(bearer(tenant.adminKey)).send({}).expect(200);
  });

  it('holds a number that reached its attempts for the day, and refuses a ring time under 15 s', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 5, skill: 'billing', agents: 2, prefix: 'ma' });
    await settings(tenant, {
      compliance: complianceOverridesSchema.parse({
        callingWindow: WHOLE_DAY,
        maxAttemptsPerNumberPerDay: 1,
      }),
    });
    const number = [{ phoneNumber: '+81360000001' }];
    const first = await engine.submit(tenant, { mode: 'sequential', skill: 'billing', targets: number });
    await engine.finished(tenant, first.id);
    const second = await engine.submit(tenant, { mode: 'sequential', skill: 'billing', targets: number });
    const target = await waitFor('the second attempt to be held', async () => {
      const row = await prisma.target.findFirst({ where: { autocallId: second.id } });
      return row?.reason === 'max_attempts_per_day' ? row : undefined;
    });
    expect(target.status).toBe('pending');
    const firstContact = await prisma.contact.findFirst({ where: { autocallId: first.id } });
    expect(target.nextAttemptAt!.getTime()).toBe(firstContact!.createdAt.getTime() + 86_400_000);
    await engine.http().post(`/v1/autocalls/${second.id}/cancel`).set(bearer(tenant.adminKey)).send({}).expect(200);

    const short = await engine
      .http()
      .post('/v1/autocalls')
      .set(bearer(tenant.adminKey))
      .send({ mode: 'sequential', skill: 'billing', targets: number, ringTimeoutSeconds: 10 })
      .expect(400);
    expect(short.body.errors[0]).toMatchObject({ field: 'ringTimeoutSeconds' });
  });
});

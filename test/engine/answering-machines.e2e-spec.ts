import { PrismaService } from '../../libs/database/src';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';
import { OPEN_AT_ANY_HOUR } from '../support/calling-window';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';

/**
 * Answering-machine detection by signalling, through the API and a worker on the simulator, which
 * signals who answered 2–4 s after the answer (as an SBC's INFO would) and cannot tell a share of
 * answers (`unknown`). Which number is a machine, and when its result comes, is seeded per number:
 * the same in every run, whatever the time of day.
 */
const SCALE = 20;

describe('answering machines: detection by signalling and the machine policy', () => {
  let engine: EngineHarness;
  let prisma: PrismaService;

  beforeAll(async () => {
    engine = await EngineHarness.start('amd', {
      ...EVERY_CALL_ANSWERED,
      // 20×: the 2–4 s of detection last 100–200 ms, a wait of 10 s 500 ms, a connect threshold of
      // 0.5 s 25 ms: the order of these instants does not depend on the machine's load.
      SIMULATOR_TIME_SCALE: String(SCALE),
      SIMULATOR_TALK_SECONDS_MEAN: '10',
      SIMULATOR_MACHINE_SHARE: '0.4',
      SIMULATOR_DETECTION: 'after_answer',
      SIMULATOR_DETECTION_UNKNOWN_SHARE: '0.15',
      SIMULATOR_SEED: 'amd-tests',
      PACING_TICK_MS: '50',
      PACING_CONTROL_INTERVAL_MS: '500',
      // A webhook endpoint on loopback (nothing listens): its events are written, not delivered.
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    });
    prisma = engine.api.app.get(PrismaService);
  });
  afterAll(() => engine.stop());

  /** The AutoCall's contacts, each with its target's outcome. */
  async function contactsOf(autocallId: string) {
    const contacts = await prisma.contact.findMany({ where: { autocallId }, orderBy: { createdAt: 'asc' } });
    const targets = await prisma.target.findMany({ where: { autocallId } });
    const byId = new Map(targets.map((t) => [t.id, t]));
    return contacts.map((c) => ({ ...c, target: byId.get(c.targetId)! }));
  }

  it('shows the policy, and refuses a machine message without the message policy (400, stable code)', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 1, prefix: 'v' });
    const refused = await engine
      .http()
      .post('/v1/autocalls')
      .set(bearer(tenant.adminKey))
      .send({ mode: 'sequential', skill: 'sales', targets: numbers(1), machineMessage: 'Call us back' })
      .expect(400);
    expect(refused.body.errors).toContainEqual(
      expect.objectContaining({ field: 'machineMessage', code: 'machine_message_unused' }),
    );
    const wrong = await engine
      .http()
      .post('/v1/autocalls')
      .set(bearer(tenant.adminKey))
      .send({ mode: 'sequential', skill: 'sales', targets: numbers(1), machine: 'voicemail', detectionWaitSeconds: 11 })
      .expect(400);
    expect(wrong.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'detectionWaitSeconds',
      'machine',
    ]);
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(1, '+8139'),
      machine: 'message',
      machineMessage: 'This is Example Energy; call us back on 0120 000 000.',
      detectionWaitSeconds: 4.5,
    });
    const { body } = await engine.http().get(`/v1/autocalls/${submitted.id}`).set(bearer(tenant.adminKey)).expect(200);
    expect(body).toMatchObject({
      machine: 'message',
      machineMessage: 'This is Example Energy; call us back on 0120 000 000.',
      detectionWaitSeconds: 4.5,
    });
    await engine.finished(tenant, submitted.id);
  });

  async function run(tenant: TestTenant, body: object) {
    const submitted = await engine.submit(tenant, body);
    const done = await engine.finished(tenant, submitted.id, 120_000);
    return { done, contacts: await contactsOf(submitted.id) };
  }

  it('waits for the result: machines are hung up on, people and unknowns are given an agent', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 4, skill: 'care', agents: 4, prefix: 'h' });
    // Subscribed, so that contact.status_changed events are written (nothing listens on port 9).
    await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(tenant.adminKey))
      .send({ url: 'http://127.0.0.1:9/hooks', eventTypes: ['contact.status_changed'] })
      .expect(201);
    const { done, contacts } = await run(tenant, {
      mode: 'sequential',
      skill: 'care',
      targets: numbers(30, '+8141'),
      detectionWaitSeconds: 10,
    });
    const machines = contacts.filter((c) => c.detection === 'machine');
    const people = contacts.filter((c) => c.detection === 'human' || c.detection === 'unknown');
    expect(machines.length).toBeGreaterThan(3);
    expect(people.filter((c) => c.detection === 'unknown').length).toBeGreaterThan(0);
    expect(machines.length + people.length).toBe(contacts.length);
    for (const c of machines) {
      expect(c).toMatchObject({ answeredBy: 'machine', connectedAt: null, agentId: null, cause: 'normal_clearing' });
      expect(c.detectedAt!.getTime()).toBeGreaterThan(c.answeredAt!.getTime());
      expect(c.target).toMatchObject({ status: 'machine', reason: 'answering_machine' });
    }
    for (const c of people) {
      expect(c.answeredBy).toBe('human');
      expect(c.connectedAt!.getTime()).toBeGreaterThanOrEqual(c.detectedAt!.getTime());
      expect(c.target.status).toBe('completed');
    }
    expect(done.counts.machine).toBe(machines.length);
    // Machines are not answers by a person: the abandon rate counts the people only.
    expect(done.abandon).toEqual({ answered: people.length, abandoned: 0, rate: 0 });
    // The contact API says what detection said.
    const { body } = await engine.http().get(`/v1/contacts/${machines[0].id}`).set(bearer(tenant.adminKey)).expect(200);
    expect(body).toMatchObject({ answeredBy: 'machine', detection: 'machine', status: 'ended' });
    // So does the contact's last contact.status_changed (the tenant subscribes before the run).
    const ended = await prisma.$queryRaw<{ contact: string; detection: string | null }[]>`
      SELECT data->>'contactId' AS contact, data->>'detection' AS detection FROM webhook_events
      WHERE type = 'contact.status_changed' AND tenant_id = ${tenant.tenantId}::uuid AND data->>'status' = 'ended'`;
    const detectionOf = new Map(ended.map((e) => [e.contact, e.detection]));
    expect(detectionOf.size).toBe(contacts.length);
    for (const c of contacts) expect(detectionOf.get(c.id)).toBe(c.detection);
  });

  it("leaves machines the AutoCall's message through the announcement, then hangs up", async () => {
    const tenant = await engine.tenantWithAgents({ lines: 4, skill: 'msg', agents: 2, prefix: 'm' });
    const { done, contacts } = await run(tenant, {
      mode: 'sequential',
      skill: 'msg',
      targets: numbers(20, '+8142'),
      machine: 'message',
      detectionWaitSeconds: 10,
    });
    const machines = contacts.filter((c) => c.detection === 'machine');
    expect(machines.length).toBeGreaterThan(2);
    for (const c of machines) {
      expect(c.target).toMatchObject({ status: 'machine', reason: 'answering_machine_message' });
      // The simulator plays a message for 4 s before it hangs up (not the machine's own 30 s).
      const seconds = ((c.endedAt!.getTime() - c.detectedAt!.getTime()) / 1000) * SCALE;
      expect(seconds).toBeGreaterThanOrEqual(4);
      expect(seconds).toBeLessThan(30);
    }
    expect(done.counts.machine).toBe(machines.length);
  });

  /** A tenant whose predictive dials have a connect threshold of 0.5 s (25 ms here), detection 2–4 s after the answer. */
  async function predictiveTenant(skill: string, prefix: string) {
    const tenant = await engine.tenantWithAgents({ lines: 6, skill, agents: 3, prefix });
    await engine
      .http()
      .put('/v1/settings')
      .set(bearer(tenant.adminKey))
      .send({ compliance: { ...OPEN_AT_ANY_HOUR.compliance, connectThresholdSeconds: 0.5 } })
      .expect(200);
    return tenant;
  }

  /** Every callee answered, still undetected at the threshold: abandoned as a person (a machine's later result only recorded). */
  function expectAbandonedAsPeople(contacts: Awaited<ReturnType<typeof contactsOf>>) {
    const answered = contacts.filter((c) => c.answeredAt);
    expect(answered.length).toBe(contacts.length);
    for (const c of answered) {
      expect(c).toMatchObject({ answeredBy: 'human', connectedAt: null, abandoned: true });
      expect(c.target).toMatchObject({ status: 'abandoned', reason: 'no_agent_within_threshold' });
    }
    expect(answered.some((c) => c.detection === 'machine')).toBe(true);
    return answered;
  }

  it('counts the detection delay in the 2-second rule: a person detected after it, with no agent, is abandoned', async () => {
    // Predictive, a connect threshold of 0.5 s from the answer (the tenant's setting); results come
    // 2–4 s after it. A wait for them that reaches the threshold is ended by it, so every callee
    // is still undetected when the abandon clock runs out: abandoned as a person, and counted so
    // in the AutoCall's and the pacer's abandon rates (a machine's later result is recorded, not a
    // second outcome).
    const tenant = await predictiveTenant('pd', 'p');
    const { done, contacts } = await run(tenant, {
      mode: 'predictive',
      skill: 'pd',
      targets: numbers(12, '+8143'),
      detectionWaitSeconds: 10,
    });
    const answered = expectAbandonedAsPeople(contacts);
    expect(done.abandon).toEqual({ answered: answered.length, abandoned: answered.length, rate: 1 });
    const pacing = await engine.http().get('/v1/pacing/pd').set(bearer(tenant.adminKey)).expect(200);
    expect(pacing.body.abandonRate).toMatchObject({ answered: answered.length, abandoned: answered.length });
    // Every line and agent is free again.
    const usage = await engine.http().get('/v1/lines/usage').set(bearer(tenant.adminKey)).expect(200);
    expect(usage.body).toMatchObject({ inUse: { outbound: 0 }, reserved: 0 });
  });

  it('orders a late-arriving result after the threshold it came after: a slow write of the answer changes no outcome', async () => {
    // Each answer of this tenant takes 300 ms to write (a trigger sleeps in its statement): the
    // detection result, signalled 100–200 ms after the answer, reaches the worker while the answer
    // is still being written, before the threshold's timer (25 ms after the answer) could fire. It
    // happened after the threshold, so the caller is still abandoned as a person.
    const tenant = await predictiveTenant('slow', 's');
    await prisma.$executeRawUnsafe(`
      CREATE FUNCTION test_slow_answer() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.3); RETURN NEW; END $$`);
    await prisma.$executeRawUnsafe(`
      CREATE TRIGGER test_slow_answer BEFORE UPDATE ON contacts FOR EACH ROW
      WHEN (NEW.status = 'answered' AND OLD.status <> 'answered' AND NEW.tenant_id = '${tenant.tenantId}')
      EXECUTE FUNCTION test_slow_answer()`);
    try {
      const { contacts } = await run(tenant, {
        mode: 'predictive',
        skill: 'slow',
        targets: numbers(8, '+8145'),
        detectionWaitSeconds: 10,
      });
      expectAbandonedAsPeople(contacts);
    } finally {
      await prisma.$executeRawUnsafe('DROP TRIGGER test_slow_answer ON contacts');
      await prisma.$executeRawUnsafe('DROP FUNCTION test_slow_answer()');
    }
  });

  it('without a wait, connects at once and only records a later machine result', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 4, skill: 'now', agents: 4, prefix: 'n' });
    const { contacts } = await run(tenant, { mode: 'sequential', skill: 'now', targets: numbers(15, '+8144') });
    const machines = contacts.filter((c) => c.detection === 'machine');
    expect(machines.length).toBeGreaterThan(0);
    for (const c of contacts) {
      expect(c.answeredBy).toBe('human');
      expect(c.target.status).toBe('completed');
    }
  });
});

describe('answering machines over SIP with no announcement server', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await ApiHarness.start('amd_sip', { TELEPHONY: 'sip', SIP_DOMAIN: 'carrier.example' });
  });
  afterAll(() => api.stop());

  it("refuses machine: 'message' at submission (400 announcement_not_configured), not a silent hang-up", async () => {
    const tenant = await api.createTenant('amd-sip', 2);
    await api
      .http()
      .put('/v1/agents/a')
      .set(bearer(tenant.adminKey))
      .send({ name: 'A', skills: ['sales'], endpoint: 'sip:a@pbx.test' })
      .expect(201);
    const refused = await api
      .http()
      .post('/v1/autocalls')
      .set(bearer(tenant.adminKey))
      .send({ mode: 'sequential', skill: 'sales', targets: numbers(1), machine: 'message' })
      .expect(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'machine', code: 'announcement_not_configured' }),
    ]);
  });
});

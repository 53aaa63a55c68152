import { PrismaService } from '../../libs/database/src';
import { bearer } from '../support/api-harness';
import { EngineHarness, NO_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';

/**
 * An agent with two skills, reserved for a dial of one of them that nobody answers: when the
 * reservation ends, the other skill's held targets are dialed at once, not at the next safety
 * sweep (engine review, defect 10). The dispatcher's sweep and the live view's check are set to
 * ten minutes here, so only a wake-up of every skill the freed agent serves can dial them in time.
 */
describe('a blended agent whose reservation ends', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('blended_wake', {
      DISPATCH_SWEEP_INTERVAL_MS: '600000',
      LIVE_VIEW_CHECK_INTERVAL_MS: '600000',
      // Slow enough to submit the second list while the first dial rings (20 s ring: 2 s here).
      SIMULATOR_TIME_SCALE: '10',
      ...NO_CALL_ANSWERED,
    });
  });
  afterAll(() => engine.stop());

  it('wakes every skill the agent serves, not only the one of the dial that ended', async () => {
    const tenant = await engine.api.createTenant('blended', 4);
    const admin = bearer(tenant.adminKey);
    await engine
      .http()
      .put('/v1/agents/blend')
      .set(admin)
      .send({ name: 'blend', skills: ['sales', 'care'], endpoint: 'sip:blend@pbx.test' })
      .expect(201);
    await engine.http().post('/v1/agents/blend/session').set(admin).send({ state: 'available' }).expect(201);
    const list = { mode: 'sequential', ringTimeoutSeconds: 20 };

    const sales = await engine.submit(tenant, { ...list, skill: 'sales', targets: numbers(1, '+4420') });
    const prisma = engine.api.app.get(PrismaService);
    await waitFor(
      'the sales dial to ring',
      async () => (await prisma.contact.count({ where: { autocallId: sales.id } })) === 1,
    );
    // Held: the only agent of the skill is reserved for the ringing sales dial.
    const care = await engine.submit(tenant, { ...list, skill: 'care', targets: numbers(2, '+4430') });
    await engine.finished(tenant, sales.id);
    const done = await engine.finished(tenant, care.id, 20_000);
    expect(done.counts.no_answer).toBe(2);
  });
});

import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness } from '../support/engine-harness';

/**
 * A drain stops at a reservation that took the pool's last line (the next would be refused; the
 * event that frees a line wakes the pool). When that reservation is given back without a dial (the
 * number skipped right before dialing), the drain takes it again at once: nothing else need follow.
 * Here one line and two agents: the first call's end starts the drain (its agent stays in a long
 * wrap-up, so no availability follows; the slow sweep is set to ten minutes), which reserves the
 * line and the other agent for the second target, which the check skips; the third must be dialed
 * with them. (The engine keeper's passes may wake the pool too, so this checks the outcome, not
 * which wake-up dialed it: without the drain's own retake it passed here as well.)
 */
describe('a reservation given back before its dial', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;
  let check: Server;
  let checkUrl: string;
  const STOPPED = '+81355500001';

  beforeAll(async () => {
    // The tenant's call-stop check: stops one number, allows the others.
    check = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const { phoneNumber } = JSON.parse(body) as { phoneNumber: string };
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ allow: phoneNumber !== STOPPED }));
    });
    check.listen(0, '127.0.0.1');
    await once(check, 'listening');
    checkUrl = `http://127.0.0.1:${(check.address() as { port: number }).port}/check`;
    engine = await EngineHarness.start('dispatch_give_back', {
      SIMULATOR_SEED: 'give-back',
      SIMULATOR_TIME_SCALE: '20',
      SIMULATOR_ANSWER_PROBABILITY: '1',
      SIMULATOR_BUSY_RATE: '0',
      SIMULATOR_FAILURE_RATE: '0',
      SIMULATOR_UNREACHABLE_RATE: '0',
      SIMULATOR_MACHINE_SHARE: '0',
      SIMULATOR_TALK_SECONDS_MEAN: '10',
      // At least half an hour at ×20: 90 s or more of wrap-up.
      SIMULATOR_WRAP_UP_SECONDS_MEAN: '3600',
      DISPATCH_SWEEP_INTERVAL_MS: '600000',
    });
    tenant = await engine.tenantWithAgents({ lines: 1, skill: 'sales', agents: 2, prefix: 'gb' });
    await engine
      .http()
      .put('/v1/settings')
      .set(bearer(tenant.adminKey))
      .send({
        callStopCheck: { url: checkUrl, timeoutMs: 2_000, onError: 'skip', secret: 'give-back-secret-0123456789' },
      })
      .expect(200);
  });
  afterAll(async () => {
    await engine.stop();
    check.close();
  });

  it('dials the next target with the line a skipped one gave back', async () => {
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: [{ phoneNumber: '+81355500000' }, { phoneNumber: STOPPED }, { phoneNumber: '+81355500002' }],
      checks: { callStop: true },
    });
    await engine.finished(tenant, submitted.id, 30_000);
    const { body } = await engine
      .http()
      .get(`/v1/autocalls/${submitted.id}/targets`)
      .set(bearer(tenant.adminKey))
      .expect(200);
    const byNumber = Object.fromEntries(
      (body.items as { phoneNumber: string; status: string; reason: string | null }[]).map((t) => [
        t.phoneNumber,
        [t.status, t.reason],
      ]),
    );
    expect(byNumber).toEqual({
      '+81355500000': ['completed', 'completed'],
      [STOPPED]: ['skipped', 'call_stop_check'],
      '+81355500002': ['completed', 'completed'],
    });
  });
});

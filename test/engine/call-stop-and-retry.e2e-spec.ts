import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import { PrismaService } from '../../libs/database/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness } from '../support/engine-harness';

const SECRET = 'call-stop-secret-0123456789';

/** The tenant's call-stop check endpoint, as a real HTTP server on loopback. */
async function checkEndpoint(decide: (phoneNumber: string) => 'allow' | 'stop' | 'hang' | 'error') {
  const requests: { phoneNumber: string; signed: boolean }[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const expected = createHmac('sha256', SECRET)
      .update(`${req.headers['autocall-timestamp']}.${body}`)
      .digest('base64');
    const { phoneNumber } = JSON.parse(body);
    requests.push({ phoneNumber, signed: req.headers['autocall-signature'] === `v1,${expected}` });
    const decision = decide(phoneNumber);
    if (decision === 'hang') return; // never answers: the check times out
    if (decision === 'error') return void res.writeHead(500).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ allow: decision === 'allow' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, requests, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/check` };
}

describe('call-stop check and retries on the simulator', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;

  beforeAll(async () => {
    engine = await EngineHarness.start('call_stop', { SIMULATOR_SEED: 'call-stop' });
    tenant = await engine.tenantWithAgents({ lines: 4, skill: 'sales', agents: 3, prefix: 'cs' });
  });
  afterAll(() => engine.stop());

  it('skips the numbers the check stops, right before dialing, and applies onError', async () => {
    const decisions: Record<string, 'allow' | 'stop' | 'hang' | 'error'> = {
      '+81300000001': 'stop',
      '+81300000002': 'hang',
      '+81300000003': 'error',
    };
    const endpoint = await checkEndpoint((n) => decisions[n] ?? 'allow');
    try {
      await engine
        .http()
        .put('/v1/settings')
        .set(bearer(tenant.adminKey))
        .send({ callStopCheck: { url: endpoint.url, timeoutMs: 300, onError: 'skip', secret: SECRET } })
        .expect(200);
      // A number put on the do-not-call list after submission is skipped when its turn comes.
      const targets = ['+81300000000', '+81300000001', '+81300000002', '+81300000003', '+81300000004'].map(
        (phoneNumber) => ({
          phoneNumber,
        }),
      );
      const submitted = await engine.submit(tenant, {
        mode: 'sequential',
        skill: 'sales',
        targets,
        checks: { callStop: true },
      });
      await engine
        .http()
        .post('/v1/call-stops')
        .set(bearer(tenant.adminKey))
        .send({ phoneNumber: '+81300000004' })
        .expect(201);
      await engine.finished(tenant, submitted.id);

      const result = await engine
        .http()
        .get(`/v1/autocalls/${submitted.id}/targets`)
        .set(bearer(tenant.adminKey))
        .expect(200);
      const byNumber = Object.fromEntries(
        result.body.items.map((t: { phoneNumber: string; status: string; reason: string }) => [
          t.phoneNumber,
          [t.status, t.reason],
        ]),
      );
      expect(byNumber['+81300000001']).toEqual(['skipped', 'call_stop_check']);
      expect(byNumber['+81300000002']).toEqual(['skipped', 'call_stop_check']); // timeout, onError skip
      expect(byNumber['+81300000003']).toEqual(['skipped', 'call_stop_check']); // 500, onError skip
      expect(byNumber['+81300000004']).toEqual(['skipped', 'do_not_call']);
      expect(byNumber['+81300000000'][0]).not.toBe('skipped');
      expect(endpoint.requests.length).toBeGreaterThanOrEqual(4);
      expect(endpoint.requests.every((r) => r.signed)).toBe(true);

      // onError=dial: a check that fails lets the dial go.
      await engine
        .http()
        .put('/v1/settings')
        .set(bearer(tenant.adminKey))
        .send({ callStopCheck: { url: endpoint.url, timeoutMs: 300, onError: 'dial', secret: SECRET } })
        .expect(200);
      const second = await engine.submit(tenant, {
        mode: 'sequential',
        skill: 'sales',
        targets: [{ phoneNumber: '+81300000003' }],
        checks: { callStop: true },
      });
      await engine.finished(tenant, second.id);
      const [target] = (await engine.http().get(`/v1/autocalls/${second.id}/targets`).set(bearer(tenant.adminKey))).body
        .items;
      expect(target.status).not.toBe('skipped');
      expect(target.attempts).toBe(1);
    } finally {
      endpoint.server.close();
      await engine.http().put('/v1/settings').set(bearer(tenant.adminKey)).send({ callStopCheck: null });
    }
  });

  it('retries busy and unanswered numbers per the retry policy, up to its maximum', async () => {
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: Array.from({ length: 30 }, (_, i) => ({ phoneNumber: `+3361000${String(i).padStart(4, '0')}` })),
      retry: { noAnswer: { maxAttempts: 3, delaySeconds: 60 }, busy: { maxAttempts: 2, delaySeconds: 30 } },
    });
    await engine.finished(tenant, submitted.id, 120_000);
    const prisma = engine.api.app.get(PrismaService);
    const targets = await prisma.target.findMany({ where: { autocallId: submitted.id } });
    const retried = targets.filter((t) => t.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const t of targets) {
      const contacts = await prisma.contact.findMany({ where: { targetId: t.id }, orderBy: { attempt: 'asc' } });
      expect(contacts.map((c) => c.attempt)).toEqual(contacts.map((_, i) => i + 1));
      expect(contacts).toHaveLength(t.attempts);
      expect(t.attempts).toBeLessThanOrEqual(3);
      // A retried attempt ended no_answer or busy; only the last attempt's outcome is final.
      for (const c of contacts.slice(0, -1)) expect(['no_answer', 'busy']).toContain(c.cause);
      // maxAttempts counts every attempt: a final busy came at attempt 2 or later, a final
      // no_answer at attempt 3.
      if (t.status === 'busy') expect(t.attempts).toBeGreaterThanOrEqual(2);
      if (t.status === 'no_answer') expect(t.attempts).toBe(3);
    }
  });
});

import { PrismaService } from '../../libs/database/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { auditTenant, BoundsSampler } from '../support/fault-audit';
import { ReceivedWebhook, ReceiverBehaviour, WebhookReceiver } from '../support/webhook-receiver';

const LINES = 8;
const AGENTS = 5;
const TIMEOUT_MS = 1_500;
/** The resetting and the hanging receivers misbehave this long and for this many requests at least. */
const BAD_FOR_MS = 2_000;
const BAD_REQUESTS = 80;

type Answer = ReturnType<ReceiverBehaviour>;

/**
 * Receivers that misbehave while the engine dials: one resets the connection once it has read the
 * request (for a while, then it is healthy), one never answers (for a while: the sender's deadline
 * ends each attempt), one always answers, slowly. Every event ends delivered to each of them, after
 * retries; every attempt is recorded with its error; a receiver gets an event again only for an
 * attempt recorded as failed (at-least-once, never more), never after it accepted it; and the
 * audit holds.
 */
describe('webhook receivers that reset, hang and answer slowly', () => {
  let engine: EngineHarness;
  let tenant: TestTenant;
  const receivers: Record<'reset' | 'hang' | 'slow', WebhookReceiver> = {} as never;
  // What each receiver answered to each request it read.
  const answers = new Map<ReceivedWebhook, Answer>();

  beforeAll(async () => {
    for (const name of ['reset', 'hang', 'slow'] as const) receivers[name] = await WebhookReceiver.start();
    engine = await EngineHarness.start('webhook_receivers', {
      SIMULATOR_SEED: 'webhook-receivers',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      // Enough attempts, close together, to outlast the misbehaving phase several times over.
      WEBHOOK_RETRY_SCHEDULE: '0,100ms,250ms,500ms,1s,1s,1s,2s,2s,2s,2s,2s,2s,2s,2s',
      WEBHOOK_CONCURRENCY: '400',
    });
    tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: AGENTS, prefix: 'whr' });
  });
  afterAll(async () => {
    await engine?.stop();
    for (const receiver of Object.values(receivers)) await receiver?.close();
  });

  it('delivers every event to each, records every attempt, and never doubles beyond at-least-once', async () => {
    const admin = bearer(tenant.adminKey);
    const endpoints: Record<string, string> = {};
    for (const [name, receiver] of Object.entries(receivers)) {
      const { body } = await engine
        .http()
        .post('/v1/webhook-endpoints')
        .set(admin)
        .send({ url: receiver.url(`/${name}`) })
        .expect(201);
      endpoints[name] = body.id;
    }
    const start = Date.now();
    const turnedAway = { reset: 0, hang: 0 };
    const misbehaves = (name: 'reset' | 'hang') => {
      if (Date.now() - start > BAD_FOR_MS && turnedAway[name] >= BAD_REQUESTS) return false;
      turnedAway[name]++;
      return true;
    };
    const record =
      (behave: (hook: ReceivedWebhook) => Answer): ReceiverBehaviour =>
      (hook) => {
        const answer = behave(hook);
        answers.set(hook, answer);
        return answer;
      };
    receivers.reset.behaviour = record(() => (misbehaves('reset') ? 'reset' : 204));
    receivers.hang.behaviour = record(() => (misbehaves('hang') ? 'hang' : 204));
    let slowCount = 0;
    // 50 to 550 ms: slow, but well inside the deadline.
    receivers.slow.behaviour = record(() => ({ status: 204, delayMs: 50 + ((slowCount++ * 137) % 500) }));

    const resetErrors: string[] = [];
    const sampler = new BoundsSampler(engine, tenant, engine.api.redis, { capacity: LINES, agentBound: true });
    let ids: string[];
    try {
      const submitted = await Promise.all([
        engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(100, '+3361') }),
        engine.submit(tenant, { mode: 'immediate', skill: 'sales', targets: numbers(4, '+3362') }),
      ]);
      ids = submitted.map((s) => s.id);
      for (const id of ids) await engine.finished(tenant, id, 60_000);
    } finally {
      await sampler.stop();
    }
    expect(sampler.violations).toEqual([]);
    expect(sampler.samples).toBeGreaterThan(10);

    // The audit waits until no delivery is pending any more.
    await auditTenant(engine, tenant, { lines: LINES, webhooks: true });

    const prisma = engine.api.app.get(PrismaService);
    const events = await prisma.webhookEvent.findMany({
      where: { tenantId: tenant.tenantId },
      select: { id: true, type: true, autocallId: true },
    });
    expect(events.filter((e) => e.type === 'autocall.completed')).toHaveLength(2);
    expect(events.length).toBeGreaterThan(300);
    const expectedIds = events.map((e) => e.id).sort();

    for (const [name, receiver] of Object.entries(receivers)) {
      const deliveries = await prisma.webhookDelivery.findMany({
        where: { endpointId: endpoints[name] },
        select: { id: true, eventId: true, status: true, attempts: true },
      });
      // Every event, once per endpoint, delivered (none failed, none pending).
      expect(deliveries).toHaveLength(events.length);
      expect(deliveries.filter((d) => d.status !== 'delivered').map((d) => [name, d.status])).toEqual([]);
      // The receiver has every event: as many unique event ids as events, and only those.
      expect(
        receiver
          .events()
          .map((h) => h.id)
          .sort(),
      ).toEqual(expectedIds);

      // At-least-once, never more: each request the receiver read is an attempt recorded for its
      // delivery; it accepted (2xx) each event once, or once more for each attempt the sender gave
      // up on before the answer came (a timeout recorded as failed).
      const timeouts = await prisma.$queryRaw<{ event_id: string; n: number }[]>`
        SELECT d.event_id, count(*)::int AS n FROM webhook_delivery_attempts a
        JOIN webhook_deliveries d ON d.id = a.delivery_id
        WHERE d.endpoint_id = ${endpoints[name]}::uuid AND a.error = 'timeout' GROUP BY d.event_id`;
      const timeoutsOf = new Map(timeouts.map((t) => [t.event_id, t.n]));
      const attemptsOf = new Map(deliveries.map((d) => [d.eventId, d.attempts]));
      const byEvent = new Map<string, ReceivedWebhook[]>();
      for (const hook of receiver.received) byEvent.set(hook.id, [...(byEvent.get(hook.id) ?? []), hook]);
      const excess: string[] = [];
      for (const [eventId, hooks] of byEvent) {
        const accepted = hooks.filter((h) => isAccepted(answers.get(h))).length;
        if (hooks.length > attemptsOf.get(eventId)!)
          excess.push(`${eventId}: received ${hooks.length} times, ${attemptsOf.get(eventId)} attempts recorded`);
        if (accepted < 1 || accepted > 1 + (timeoutsOf.get(eventId) ?? 0))
          excess.push(`${eventId}: accepted ${accepted} times, ${timeoutsOf.get(eventId) ?? 0} timeouts recorded`);
      }
      expect([name, excess]).toEqual([name, []]);

      // autocall.completed is the last event of its AutoCall that the receiver accepts.
      for (const autocallId of ids!) {
        const accepted = receiver.received.filter(
          (h) => isAccepted(answers.get(h)) && h.envelope.data.autocallId === autocallId,
        );
        expect(accepted.at(-1)?.envelope.type).toBe('autocall.completed');
      }

      const retried = deliveries.filter((d) => d.attempts > 1);
      if (name === 'slow') {
        // Slow but inside the deadline: accepted at the first attempt, nearly always (a keep-alive
        // connection closed by the receiver, or a stalled event loop, may cost one more).
        expect(retried.length).toBeLessThan(deliveries.length / 10);
        continue;
      }
      expect(retried.length).toBeGreaterThan(10);
      expect(turnedAway[name as 'reset' | 'hang']).toBeGreaterThanOrEqual(BAD_REQUESTS);
      // The delivery log shows every attempt: the failed ones with their error, then the 2xx.
      for (const delivery of retried) {
        const { body } = await engine.http().get(`/v1/webhook-deliveries/${delivery.id}`).set(admin).expect(200);
        expect(body.status).toBe('delivered');
        expect(body.attemptLog.map((a: { attempt: number }) => a.attempt)).toEqual(
          Array.from({ length: body.attempts }, (_, i) => i + 1),
        );
        const failed = body.attemptLog.slice(0, -1) as { statusCode: number | null; error: string }[];
        expect(body.attemptLog.at(-1)).toMatchObject({ statusCode: 204, error: null });
        for (const attempt of failed) {
          expect(attempt.statusCode).toBeNull();
          expect(attempt.error).toMatch(/^timeout$|^network_error: /);
        }
        if (name === 'hang') expect(failed.some((a) => a.error === 'timeout')).toBe(true);
        if (name === 'reset') resetErrors.push(...failed.map((a) => a.error));
      }
    }
    // A reset is told as a network error. An attempt to the resetting receiver may still time out
    // when this process (the receivers') stalls past the deadline before reading it, as one run
    // beside a benchmark saw: most, not all, of its failures are resets.
    expect(resetErrors.filter((e) => e.startsWith('network_error: ')).length).toBeGreaterThan(resetErrors.length / 2);
  });
});

function isAccepted(answer: Answer | undefined): boolean {
  if (answer === undefined || answer === 'hang' || answer === 'reset') return false;
  const status = typeof answer === 'number' ? answer : answer.status;
  return status >= 200 && status < 300;
}

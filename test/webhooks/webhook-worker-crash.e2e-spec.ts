import { PrismaService } from '../../libs/database/src';
import { bearer } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * A worker killed with SIGKILL while its deliveries hang on the receiver: another worker sends
 * them again (their jobs stall and are handed over), and every event written to the outbox ends
 * delivered. At-least-once: the receiver may see an event twice, never zero times.
 */
describe('webhook delivery across a worker crash', () => {
  let engine: EngineHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    engine = await EngineHarness.start('webhook_crash', {
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      WEBHOOK_TIMEOUT_MS: '30000',
    });
  });
  afterAll(async () => {
    await engine.stop();
    await receiver.close();
  });

  it('loses no event', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 4, skill: 'sales', agents: 3, prefix: 'crash' });
    await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(tenant.adminKey))
      .send({ url: receiver.url('/crash') })
      .expect(201);
    receiver.behaviour = () => 'hang';
    const submitted = await engine.submit(tenant, { mode: 'immediate', skill: 'sales', targets: numbers(3, '+3360') });
    await waitFor('deliveries hanging on the receiver', async () => receiver.received.length >= 3);

    await engine.workers[0].stop('SIGKILL');
    await receiver.close(); // the hung connections go with it
    receiver.behaviour = () => 204;
    await receiver.listen();
    await engine.startWorker();

    await engine.finished(tenant, submitted.id, 90_000);
    const prisma = engine.api.app.get(PrismaService);
    const events = await waitFor(
      'every event delivered',
      async () => {
        const rows = await prisma.webhookEvent.findMany({
          where: { tenantId: tenant.tenantId },
          include: { deliveries: true },
        });
        const done = rows.length > 0 && rows.every((e) => e.deliveries.every((d) => d.status === 'delivered'));
        return done && rows.some((e) => e.type === 'autocall.completed') ? rows : undefined;
      },
      90_000,
    );
    const received = new Set(receiver.received.map((h) => h.id));
    expect(events.filter((e) => !received.has(e.id)).map((e) => e.type)).toEqual([]);
    expect(events.every((e) => e.deliveries.length === 1)).toBe(true);
  });
});

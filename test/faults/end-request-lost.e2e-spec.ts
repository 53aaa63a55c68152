import { PrismaService } from '../../libs/database/src';
import { ContactsService } from '../../libs/dialing/src';
import { RedisService } from '../../libs/redis/src';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { auditTenant } from '../support/fault-audit';
import { waitFor } from '../support/processes';

/**
 * End a Contact whose message to the workers is lost (the engine review's suspected case: the
 * request travelled on Redis pub/sub only, which delivers to whoever listens at that instant and
 * forgets). Here the API's publish of the command is dropped on purpose; the request is recorded
 * on the contact, and the worker holding the call acts on it at its keeper's next pass.
 */
describe('End a Contact whose message is lost', () => {
  let engine: EngineHarness;
  let prisma: PrismaService;
  let tenant: TestTenant;

  beforeAll(async () => {
    // Connected calls last about twelve seconds: far longer than a keeper pass (5 s).
    engine = await EngineHarness.start('end_request_lost', {
      ...EVERY_CALL_ANSWERED,
      SIMULATOR_TALK_SECONDS_MEAN: '3600',
    });
    prisma = engine.api.app.get(PrismaService);
    tenant = await engine.tenantWithAgents({ lines: 4, skill: 'sales', agents: 1, prefix: 'el' });
  });
  afterAll(() => engine.stop());

  it('still ends the call, as requested', async () => {
    const submitted = await engine.submit(tenant, { mode: 'sequential', skill: 'sales', targets: numbers(1, '+4425') });
    const connected = await waitFor(
      'the call connected to the agent',
      async () => prisma.contact.findFirst({ where: { autocallId: submitted.id, status: 'connected' } }),
      30_000,
    );

    const commands = engine.api.app.get(ContactsService).commandChannel();
    const client = engine.api.app.get(RedisService).client;
    const publish = client.publish.bind(client);
    const dropped: string[] = [];
    const spy = jest.spyOn(client, 'publish').mockImplementation(((channel: string, message: string) => {
      if (channel !== commands) return publish(channel, message);
      dropped.push(message);
      return Promise.resolve(0);
    }) as typeof client.publish);
    try {
      await engine
        .http()
        .post(`/v1/contacts/${connected!.id}/end`)
        .set(bearer(tenant.adminKey))
        .expect((res) => expect(res.status).toBeLessThan(300));
    } finally {
      spy.mockRestore();
    }
    expect(dropped).toHaveLength(1);

    const ended = await waitFor(
      'the contact to end',
      async () => {
        const row = await prisma.contact.findUniqueOrThrow({ where: { id: connected!.id } });
        return row.status === 'ended' ? row : undefined;
      },
      20_000,
      100,
    );
    expect(ended.endRequested).toBe('ended_by_request');
    const target = await prisma.target.findUniqueOrThrow({ where: { id: ended.targetId } });
    expect(target).toMatchObject({ status: 'completed', reason: 'ended_by_request' });
    await auditTenant(engine, tenant, { lines: 4, webhooks: false });
  });
});

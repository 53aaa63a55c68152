import { createAutoCallClient, dataOf, type AutoCallClient } from '../../libs/client/src';
import { EngineHarness, EVERY_CALL_ANSWERED } from '../support/engine-harness';
import { freePort, waitFor } from '../support/processes';
import { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

/**
 * A CRM's whole integration, written as an integrator would with the typed client generated from
 * the OpenAPI document (libs/client) over real HTTP: keys for its roles, lines and agents, AutoCalls
 * in each mode, a cancel, End a Contact, a callback, and every webhook verified with the
 * independent `standardwebhooks` package. Nothing here uses the test harness's HTTP helpers; every
 * answer is also checked against the served document (test/support/contract.ts).
 */
describe('a CRM integrated through the typed client', () => {
  let engine: EngineHarness;
  let receiver: WebhookReceiver;
  let baseUrl: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    engine = await EngineHarness.start('crm_flow', {
      ...EVERY_CALL_ANSWERED,
      // Calls last about 3 s of real time: long enough to end one on purpose.
      SIMULATOR_TALK_SECONDS_MEAN: '900',
      SIMULATOR_WRAP_UP_SECONDS_MEAN: '0',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    });
    const port = await freePort();
    await engine.api.app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await engine?.stop();
    await receiver?.close();
  });

  async function finished(client: AutoCallClient, id: string): Promise<string> {
    return waitFor(
      `AutoCall ${id} to finish`,
      async () => {
        const autocall = dataOf(await client.GET('/v1/autocalls/{id}', { params: { path: { id } } }));
        return autocall.status === 'active' ? undefined : autocall.status;
      },
      60_000,
    );
  }

  it("runs a CRM's day: keys, lines, agents, each mode, cancel, End a Contact, a callback, signed webhooks", async () => {
    const tenant = await engine.api.createTenant('crm', 0);
    const admin = createAutoCallClient({ baseUrl, apiKey: tenant.adminKey });

    // Keys for the CRM's two roles.
    const keyOf = async (role: 'integrator' | 'supervisor') =>
      dataOf(await admin.POST('/v1/api-keys', { body: { name: `crm ${role}`, role } })).key;
    const crm = createAutoCallClient({ baseUrl, apiKey: await keyOf('integrator') });
    const supervisor = createAutoCallClient({ baseUrl, apiKey: await keyOf('supervisor') });

    // Lines, agents logged in, and where the events go.
    dataOf(await admin.PUT('/v1/lines', { body: { capacity: 6 } }));
    for (const agentId of ['crm-ann', 'crm-bob', 'crm-cyd']) {
      dataOf(
        await admin.PUT('/v1/agents/{agentId}', {
          params: { path: { agentId } },
          body: { name: agentId, skills: ['sales'], endpoint: `sip:${agentId}@pbx.test` },
        }),
      );
      dataOf(
        await supervisor.POST('/v1/agents/{agentId}/session', {
          params: { path: { agentId } },
          body: { state: 'available' },
        }),
      );
    }
    const endpoint = dataOf(await admin.POST('/v1/webhook-endpoints', { body: { url: receiver.url('/crm') } }));

    // One AutoCall of each mode.
    const targets = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        phoneNumber: `${prefix}${String(i).padStart(4, '0')}`,
        reference: `crm-${i}`,
      }));
    const submitted = [];
    for (const [mode, prefix] of [
      ['immediate', '+1212555'],
      ['sequential', '+1312555'],
      ['predictive', '+1415555'],
    ] as const) {
      const answer = dataOf(
        await crm.POST('/v1/autocalls', { body: { mode, skill: 'sales', targets: targets(prefix, 3) } }),
      );
      expect(answer.targets).toHaveLength(3);
      submitted.push(answer.id);
    }

    // End a Contact: the first call an agent takes, ended by the supervisor.
    const connected = await waitFor('a connected call', async () => {
      const page = dataOf(await supervisor.GET('/v1/contacts', { params: { query: { status: 'connected' } } }));
      return page.items[0];
    });
    dataOf(
      await supervisor.POST('/v1/contacts/{contactId}/end', { params: { path: { contactId: connected.contactId } } }),
    );
    const ended = await waitFor('the ended contact', async () => {
      const contact = dataOf(
        await supervisor.GET('/v1/contacts/{contactId}', { params: { path: { contactId: connected.contactId } } }),
      );
      return contact.status === 'ended' ? contact : undefined;
    });
    expect(ended.timeline.map((step) => step.status)).toContain('connected');

    for (const id of submitted) expect(await finished(crm, id)).toBe('completed');

    // A list cancelled while it dials: the held targets end cancelled at once.
    const long = dataOf(
      await crm.POST('/v1/autocalls', {
        body: { mode: 'sequential', skill: 'sales', targets: targets('+1617555', 20) },
      }),
    );
    const cancelled = dataOf(
      await crm.POST('/v1/autocalls/{id}/cancel', { params: { path: { id: long.id } }, body: { hangUp: true } }),
    );
    expect(cancelled.status).toBe('cancelled');
    expect(await finished(crm, long.id)).toBe('cancelled');

    // A callback the customer asked for, in a second and a half: it comes back as a call.
    const callback = dataOf(
      await crm.POST('/v1/callbacks', {
        body: { phoneNumber: '+12025550100', skill: 'sales', scheduledAt: new Date(Date.now() + 1_500).toISOString() },
      }),
    );
    const done = await waitFor(
      'the callback to complete',
      async () => {
        const now = dataOf(await crm.GET('/v1/callbacks/{id}', { params: { path: { id: callback.id } } }));
        return ['completed', 'failed', 'cancelled'].includes(now.status) ? now : undefined;
      },
      60_000,
    );
    expect(done.status).toBe('completed');
    // Its call was dialed as an AutoCall of its own.
    expect(done.autocallId).toEqual(expect.any(String));

    // Every delivery signed with the endpoint's secret; each AutoCall (the callback's too) announced
    // completed once.
    const hooks = await waitFor('autocall.completed for each AutoCall', async () => {
      const received = receiver.events((hook: ReceivedWebhook) => hook.path === '/crm');
      const completed = received.filter((hook) => hook.envelope.type === 'autocall.completed');
      return completed.length >= 5 ? received : undefined;
    });
    for (const hook of hooks) expect(WebhookReceiver.verify(endpoint.secret, hook)).toEqual(hook.envelope);
    const completedIds = hooks
      .filter((hook) => hook.envelope.type === 'autocall.completed')
      .map((hook) => hook.envelope.data.autocallId ?? hook.envelope.data.id);
    expect(completedIds.sort()).toEqual([...submitted, long.id, done.autocallId].sort());
    expect(hooks.map((hook) => hook.envelope.type)).toEqual(
      expect.arrayContaining(['autocall.target.completed', 'contact.status_changed', 'callback.completed']),
    );
  });
});

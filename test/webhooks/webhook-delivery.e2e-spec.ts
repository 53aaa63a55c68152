import { TERMINAL_STATUSES } from '../../libs/dialing/src/target-status';
import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { waitFor } from '../support/processes';
import { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

const TERMINAL = [...TERMINAL_STATUSES];

/**
 * Webhooks end to end: AutoCalls dialed on the simulator by a real worker process, events
 * delivered over HTTP to a receiver on loopback, and every delivery verified with the independent
 * `standardwebhooks` package.
 */
describe('webhook notifications', () => {
  let engine: EngineHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    engine = await EngineHarness.start('webhooks', {
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      // 12 attempts over about 20 s: room for a receiver that is down for a while.
      WEBHOOK_RETRY_SCHEDULE: '0,200ms,500ms,1s,2s,2s,2s,2s,2s,2s,2s,2s',
      WEBHOOK_TIMEOUT_MS: '1500',
    });
  });
  afterAll(async () => {
    await engine.stop();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.behaviour = () => 204;
  });

  async function endpointFor(tenant: TestTenant, path: string, eventTypes?: string[]) {
    const { body } = await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(tenant.adminKey))
      .send({ url: receiver.url(path), ...(eventTypes ? { eventTypes } : {}) })
      .expect(201);
    return body as { id: string; secret: string };
  }

  const byPath = (path: string) => (h: ReceivedWebhook) => h.path === path;

  it('sends, for every target, its events and its completion, and autocall.completed last', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 6, skill: 'sales', agents: 4, prefix: 'wh' });
    const endpoint = await endpointFor(tenant, '/all');
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(30, '+4420'),
    });
    await engine.finished(tenant, submitted.id);
    const hooks = await waitFor('autocall.completed', async () => {
      const events = receiver.events(byPath('/all'));
      return events.some((h) => h.envelope.type === 'autocall.completed') ? events : undefined;
    });

    // Every delivery verifies with the endpoint's secret, and its envelope is the documented one.
    for (const hook of hooks) {
      expect(WebhookReceiver.verify(endpoint.secret, hook)).toEqual(hook.envelope);
      expect(hook.envelope.id).toBe(hook.id);
      expect(hook.envelope.tenantId).toBe(tenant.tenantId);
      expect(Number(hook.timestamp)).toBeGreaterThan(Date.now() / 1000 - 120);
    }
    // Nothing was delivered twice in a quiet run.
    expect(receiver.received.filter(byPath('/all'))).toHaveLength(hooks.length);

    const { body: targets } = await engine
      .http()
      .get(`/v1/autocalls/${submitted.id}/targets?limit=100`)
      .set(bearer(tenant.adminKey))
      .expect(200);
    const completions = hooks.filter((h) => h.envelope.type === 'autocall.target.completed');
    expect(completions.map((h) => h.envelope.data.targetId).sort()).toEqual(
      targets.items.map((t: { targetId: string }) => t.targetId).sort(),
    );
    for (const target of targets.items) {
      const event = completions.find((h) => h.envelope.data.targetId === target.targetId)!.envelope.data;
      expect(event).toMatchObject({
        autocallId: submitted.id,
        reference: target.reference,
        phoneNumber: target.phoneNumber,
        status: target.status,
        attempts: target.attempts,
      });
      expect(TERMINAL).toContain(event.status);
      // The contact's whole timeline comes with it: no second call needed.
      expect(event.contact.timeline[0].status).toBe('dialing');
      // Its last status in the one vocabulary: abandoned for a caller no agent took, else ended.
      expect(event.contact.timeline.at(-1).status).toBe(target.status === 'abandoned' ? 'abandoned' : 'ended');
      expect(event.contact.status).toBe(event.contact.timeline.at(-1).status);
    }

    // Each contact: dialing first, then its progress, and ended (or abandoned) once, last.
    const statusChanges = hooks.filter((h) => h.envelope.type === 'contact.status_changed');
    const contacts = new Map<string, ReceivedWebhook[]>();
    for (const h of statusChanges)
      contacts.set(h.envelope.data.contactId, [...(contacts.get(h.envelope.data.contactId) ?? []), h]);
    expect(contacts.size).toBe(30);
    for (const events of contacts.values()) {
      const ordered = events.map((h) => h.envelope.data).sort((a, b) => a.sequence - b.sequence);
      expect(ordered[0].status).toBe('dialing');
      const endings = ordered.filter((d) => d.status === 'ended' || d.status === 'abandoned');
      expect(endings).toHaveLength(1);
      expect(ordered.at(-1)).toBe(endings[0]);
      expect(endings[0].target.status).toBe(
        completions.find((h) => h.envelope.data.targetId === ordered[0].targetId)!.envelope.data.status,
      );
    }
    const connected = statusChanges.filter((h) => h.envelope.data.status === 'connected');
    expect(connected.length).toBeGreaterThan(0);
    for (const h of connected) expect(h.envelope.data.agentId).toMatch(/^wh-/);

    // autocall.completed: once, last of its AutoCall's events, with the counts.
    const mine = hooks.filter((h) => h.envelope.data.autocallId === submitted.id);
    const last = mine.at(-1)!;
    expect(last.envelope.type).toBe('autocall.completed');
    expect(mine.filter((h) => h.envelope.type === 'autocall.completed')).toHaveLength(1);
    expect(last.envelope.data).toMatchObject({ autocallId: submitted.id, status: 'completed', targetCount: 30 });
    expect(Object.values(last.envelope.data.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(30);

    // The rates of the last hour count these 30 dials (the API's /metrics, from PostgreSQL).
    const { text: metrics } = await engine.http().get('/metrics').expect(200);
    const answerRate = new RegExp(`autocall_answer_rate\\{tenant="${tenant.tenantId}",window="1h"\\} ([0-9.]+)`).exec(
      metrics,
    );
    expect(Number(answerRate?.[1])).toBeGreaterThan(0);
    expect(Number(answerRate?.[1])).toBeLessThanOrEqual(1);

    // The delivery log agrees.
    const { body: log } = await engine
      .http()
      .get(`/v1/webhook-deliveries?endpointId=${endpoint.id}&limit=500`)
      .set(bearer(tenant.adminKey))
      .expect(200);
    expect(log.items).toHaveLength(hooks.length);
    expect(
      log.items.every((d: { status: string; attempts: number }) => d.status === 'delivered' && d.attempts === 1),
    ).toBe(true);
  });

  it('only sends the event types an endpoint subscribes to, and never another tenant’s', async () => {
    const a = await engine.tenantWithAgents({ lines: 3, skill: 'care', agents: 2, prefix: 'ta' });
    const b = await engine.tenantWithAgents({ lines: 3, skill: 'care', agents: 2, prefix: 'tb' });
    await endpointFor(a, '/tenant-a', ['autocall.completed']);
    await endpointFor(b, '/tenant-b');
    const callsA = await engine.submit(a, { mode: 'immediate', skill: 'care', targets: numbers(2, '+3310') });
    const callsB = await engine.submit(b, { mode: 'immediate', skill: 'care', targets: numbers(2, '+3320') });
    await engine.finished(a, callsA.id);
    await engine.finished(b, callsB.id);
    await waitFor(
      'both completions',
      async () =>
        receiver.events(byPath('/tenant-a')).length >= 1 &&
        receiver.events(byPath('/tenant-b')).some((h) => h.envelope.type === 'autocall.completed'),
    );
    const toA = receiver.events(byPath('/tenant-a'));
    expect(toA.map((h) => h.envelope.type)).toEqual(['autocall.completed']);
    expect(toA[0].envelope.data.autocallId).toBe(callsA.id);
    const toB = receiver.events(byPath('/tenant-b'));
    expect(toB.every((h) => h.envelope.tenantId === b.tenantId)).toBe(true);
    expect(toB.some((h) => h.envelope.data.autocallId === callsA.id)).toBe(false);
  });

  it('keeps retrying through a receiver that is down, then failing, and records every attempt', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'ops', agents: 1, prefix: 'down' });
    const endpoint = await endpointFor(tenant, '/flaky', ['autocall.target.completed', 'autocall.completed']);
    await receiver.close(); // down: connections refused
    const submitted = await engine.submit(tenant, { mode: 'immediate', skill: 'ops', targets: numbers(2, '+3330') });
    await engine.finished(tenant, submitted.id);
    await waitFor('attempts against a receiver that is down', async () => {
      const { body } = await engine
        .http()
        .get(`/v1/webhook-deliveries?endpointId=${endpoint.id}`)
        .set(bearer(tenant.adminKey));
      // autocall.completed waits for the target events (sent last), so only they are attempted.
      return body.items.length === 3 && body.items.filter((d: { attempts: number }) => d.attempts >= 2).length === 2;
    });
    let failures = 0;
    receiver.behaviour = (hook) => (hook.path === '/flaky' && failures++ < 3 ? 500 : 204);
    await receiver.listen();
    const delivered = await waitFor(
      'every event delivered after the receiver recovers',
      async () => {
        const { body } = await engine
          .http()
          .get(`/v1/webhook-deliveries?endpointId=${endpoint.id}`)
          .set(bearer(tenant.adminKey));
        return body.items.every((d: { status: string }) => d.status === 'delivered') ? body.items : undefined;
      },
      30_000,
    );
    expect(delivered).toHaveLength(3);
    expect(
      receiver
        .events(byPath('/flaky'))
        .map((h) => h.envelope.type)
        .sort(),
    ).toEqual(['autocall.completed', 'autocall.target.completed', 'autocall.target.completed']);
    // The attempt log of each: refused connections, the 500s for some, then the 2xx.
    let serverErrors = 0;
    for (const d of delivered) {
      const { body } = await engine
        .http()
        .get(`/v1/webhook-deliveries/${d.id}`)
        .set(bearer(tenant.adminKey))
        .expect(200);
      expect(body.attemptLog).toHaveLength(body.attempts);
      if (d.eventType === 'autocall.target.completed') {
        expect(body.attemptLog[0]).toMatchObject({ attempt: 1, statusCode: null });
        expect(body.attemptLog[0].error).toMatch(/^network_error/);
      }
      expect(body.attemptLog.at(-1).statusCode).toBe(204);
      serverErrors += body.attemptLog.filter((a: { statusCode: number }) => a.statusCode === 500).length;
      expect(
        body.attemptLog
          .filter((a: { statusCode: number }) => a.statusCode === 500)
          .every((a: { responseExcerpt: string }) => a.responseExcerpt === 'error 500'),
      ).toBe(true);
    }
    expect(serverErrors).toBe(3);
  });

  it('honours Retry-After, fails at once on a 4xx, disables the endpoint on 410, and retries by hand', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'mix', agents: 1, prefix: 'mix' });
    const slow = await endpointFor(tenant, '/busy', ['autocall.completed']);
    const refusing = await endpointFor(tenant, '/refusing', ['autocall.completed']);
    const gone = await endpointFor(tenant, '/gone', ['autocall.completed']);
    const binary = await endpointFor(tenant, '/binary', ['autocall.completed']);
    let busy = 0;
    receiver.behaviour = (hook) => {
      if (hook.path === '/busy') return busy++ === 0 ? { status: 429, headers: { 'retry-after': '2' } } : 204;
      if (hook.path === '/refusing') return 400;
      if (hook.path === '/gone') return 410;
      if (hook.path === '/binary') return { status: 200, body: Buffer.from([0, 1, 2, 0, 0x41]) };
      return 204;
    };
    const submitted = await engine.submit(tenant, { mode: 'immediate', skill: 'mix', targets: numbers(1, '+3340') });
    await engine.finished(tenant, submitted.id);

    const list = async (endpointId: string) =>
      (await engine.http().get(`/v1/webhook-deliveries?endpointId=${endpointId}`).set(bearer(tenant.adminKey))).body
        .items;
    const [busyDelivery] = await waitFor('the 429 retried', async () => {
      const items = await list(slow.id);
      return items[0]?.status === 'delivered' ? items : undefined;
    });
    const arrivals = receiver.received.filter(byPath('/busy')).map((h) => h.receivedAt);
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(1_900);
    expect(busyDelivery.attempts).toBe(2);

    const [refused] = await waitFor('the 400 failed', async () => {
      const items = await list(refusing.id);
      return items[0]?.status === 'failed' ? items : undefined;
    });
    expect(refused).toMatchObject({ attempts: 1, lastStatus: 400, lastError: 'http_400' });

    await waitFor('the 410 failed', async () => (await list(gone.id))[0]?.status === 'failed');
    const { body: goneEndpoint } = await engine
      .http()
      .get(`/v1/webhook-endpoints/${gone.id}`)
      .set(bearer(tenant.adminKey))
      .expect(200);
    expect(goneEndpoint).toMatchObject({ enabled: false, disabledReason: 'gone' });

    // An answer PostgreSQL text cannot hold (NUL bytes) is still recorded.
    const [binaryDelivery] = await waitFor('the binary answer recorded', async () => {
      const items = await list(binary.id);
      return items[0]?.status === 'delivered' ? items : undefined;
    });
    expect(binaryDelivery.attempts).toBe(1);

    // The backlog metric counts them.
    const { text: metrics } = await engine.http().get('/metrics').expect(200);
    expect(metrics).toContain(`autocall_webhook_deliveries{tenant="${tenant.tenantId}",status="failed"} 2`);

    // By hand: a pending delivery cannot be retried; a failed one is sent again.
    await engine.http().post(`/v1/webhook-deliveries/${refused.id}/retry`).set(bearer(tenant.adminKey)).expect(202);
    await engine
      .http()
      .post(`/v1/webhook-deliveries/${refused.id}/retry`)
      .set(bearer(tenant.adminKey))
      .expect((r) => {
        // Either still pending (409) or already failed again: never a second pending copy.
        if (![202, 409].includes(r.status)) throw new Error(`answered ${r.status}`);
      });
    receiver.behaviour = () => 204;
    await waitFor('the hand retry delivered, or failed again', async () => {
      const { body } = await engine.http().get(`/v1/webhook-deliveries/${refused.id}`).set(bearer(tenant.adminKey));
      return body.status !== 'pending' ? body : undefined;
    });
    // A disabled endpoint's delivery is not retried until it is enabled again.
    const [goneDelivery] = await list(gone.id);
    await engine
      .http()
      .post(`/v1/webhook-deliveries/${goneDelivery.id}/retry`)
      .set(bearer(tenant.adminKey))
      .expect(409);
  });

  it('signs with both secrets while a rotated one is still valid', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'rot', agents: 1, prefix: 'rot' });
    const endpoint = await endpointFor(tenant, '/rotated', ['autocall.completed']);
    const { body: rotated } = await engine
      .http()
      .post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`)
      .set(bearer(tenant.adminKey))
      .send({})
      .expect(200);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(new Date(rotated.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const submitted = await engine.submit(tenant, { mode: 'immediate', skill: 'rot', targets: numbers(1, '+3350') });
    await engine.finished(tenant, submitted.id);
    const [hook] = await waitFor('the completion', async () => {
      const events = receiver.events(byPath('/rotated'));
      return events.length ? events : undefined;
    });
    expect(hook.signature.split(' ')).toHaveLength(2);
    expect(WebhookReceiver.verify(rotated.secret, hook)).toEqual(hook.envelope);
    expect(WebhookReceiver.verify(endpoint.secret, hook)).toEqual(hook.envelope);
    expect(() => WebhookReceiver.verify('whsec_' + Buffer.alloc(32, 1).toString('base64'), hook)).toThrow();
  });

  it('tells when a supervisor terminates an agent session', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sup', agents: 1, prefix: 'sup' });
    await endpointFor(tenant, '/sessions', ['agent.session_terminated']);
    await engine.http().delete('/v1/agents/sup-0/session').set(bearer(tenant.adminKey)).expect(204);
    const [hook] = await waitFor('agent.session_terminated', async () => {
      const events = receiver.events(byPath('/sessions'));
      return events.length ? events : undefined;
    });
    expect(hook.envelope).toMatchObject({
      type: 'agent.session_terminated',
      tenantId: tenant.tenantId,
      data: { agentId: 'sup-0', terminatedByKeyId: expect.any(String) },
    });
  });
});

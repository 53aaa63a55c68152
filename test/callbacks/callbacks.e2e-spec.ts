import Redis from 'ioredis';
import { PrismaService } from '../../libs/database/src';
import { bearer, TestTenant } from '../support/api-harness';
import { windowOpenInClosedIn } from '../support/calling-window';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';
import { auditTenant } from '../support/fault-audit';
import { RedisServer, waitFor } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
/** The UTC date five days from now (a local time on it is in the future in every zone). */
const dateInFiveDays = () => inMs(5 * 86_400_000).slice(0, 10);

/**
 * Scheduled callbacks on the simulator, with a real worker process: on time, to the owner or the
 * queue, rescheduled, cancelled (also racing the due time), and across a worker restart and a
 * Redis loss. The rules of time (default, limits, zones, what a due callback does) are unit tested
 * with an injected clock in libs/callbacks/src/callback-schedule.spec.ts.
 */
describe('scheduled callbacks', () => {
  let redisServer: RedisServer;
  let engine: EngineHarness;
  let tenant: TestTenant;
  let prisma: PrismaService;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    redisServer = await RedisServer.start();
    // Every call answered by a person: outcomes are deterministic here.
    engine = await EngineHarness.start('callbacks', {
      REDIS_URL: redisServer.url,
      ...EVERY_CALL_ANSWERED,
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    });
    tenant = await engine.tenantWithAgents({ lines: 10, skill: 'care', agents: 3, prefix: 'cb' });
    prisma = engine.api.app.get(PrismaService);
    await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(tenant.adminKey))
      .send({
        url: receiver.url('/callbacks'),
        eventTypes: ['callback.scheduled', 'callback.due', 'callback.completed', 'callback.cancelled'],
      })
      .expect(201);
  });
  afterAll(async () => {
    await engine.stop();
    await redisServer.stop();
    await receiver.close();
  });

  const admin = () => bearer(tenant.adminKey);
  const create = (body: object) => engine.http().post('/v1/callbacks').set(admin()).send(body);
  const get = async (id: string) => (await engine.http().get(`/v1/callbacks/${id}`).set(admin()).expect(200)).body;
  const ended = (id: string, timeoutMs = 30_000) =>
    waitFor(
      `callback ${id} to end`,
      async () => {
        const cb = await get(id);
        return ['completed', 'failed', 'cancelled'].includes(cb.status) ? cb : undefined;
      },
      timeoutMs,
    );
  const setState = (agent: string, state: 'available' | 'unavailable') =>
    engine.http().put(`/v1/agents/${agent}/state`).set(admin()).send({ state }).expect(200);

  it('defaults to thirty minutes from now and refuses what breaks the rules', async () => {
    const { body } = await create({ phoneNumber: '+81355501000', skill: 'care' }).expect(201);
    expect(Math.abs(new Date(body.scheduledAt).getTime() - (Date.now() + 30 * 60_000))).toBeLessThan(10_000);
    expect(body).toMatchObject({ status: 'scheduled', ownerAgentId: null, autocallId: null });

    const refused = async (payload: object, field: string, code: string) => {
      const { body: problem } = await create(payload).expect(400);
      expect(problem.errors).toContainEqual(expect.objectContaining({ field, code }));
    };
    await refused(
      { phoneNumber: '+81355501001', skill: 'care', scheduledAt: inMs(-60_000) },
      'scheduledAt',
      'in_the_past',
    );
    await refused(
      { phoneNumber: '+81355501001', skill: 'care', scheduledAt: inMs(31 * 86_400_000) },
      'scheduledAt',
      'too_far_ahead',
    );
    await refused({ phoneNumber: '+81355501001', skill: 'nope' }, 'skill', 'unknown_skill');
    await refused(
      { phoneNumber: '+81355501001', skill: 'care', ownerAgentId: 'ghost' },
      'ownerAgentId',
      'unknown_agent',
    );
    await refused({ phoneNumber: '12', skill: 'care' }, 'phoneNumber', 'invalid_phone_number');
    await refused({ skill: 'care', contactId: '01a1fc1d-0000-7000-8000-000000000000' }, 'contactId', 'unknown_contact');
    await refused(
      { phoneNumber: '+81355501001', skill: 'care', scheduledAt: `${dateInFiveDays()}T09:00` },
      'timeZone',
      'required',
    );
    // The tenant's limit for owned callbacks.
    await engine.http().put('/v1/settings').set(admin()).send({ callbackOwnedMaxAheadSeconds: 3_600 }).expect(200);
    await refused(
      { phoneNumber: '+81355501001', skill: 'care', ownerAgentId: 'cb-0', scheduledAt: inMs(2 * 3_600_000) },
      'scheduledAt',
      'too_far_ahead',
    );
    await engine.http().put('/v1/settings').set(admin()).send({ callbackOwnedMaxAheadSeconds: null }).expect(200);

    // A local time is read in its zone, on its own date.
    const { body: local } = await create({
      phoneNumber: '+81355501002',
      skill: 'care',
      scheduledAt: `${dateInFiveDays()}T09:00`,
      timeZone: 'Asia/Tokyo',
    }).expect(201);
    expect(local.scheduledAt.slice(11)).toBe('00:00:00.000Z');
    expect(local.timeZone).toBe('Asia/Tokyo');
  });

  it('comes back as a call on time, linked to its AutoCall, target and contact', async () => {
    const scheduledAt = inMs(1_500);
    const { body: cb } = await create({
      phoneNumber: '+81355502000',
      skill: 'care',
      scheduledAt,
      data: { case: 7 },
    }).expect(201);
    const done = await ended(cb.id);
    expect(done).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(new Date(done.dueAt).getTime() - new Date(scheduledAt).getTime()).toBeLessThan(1_000);
    const { body: targets } = await engine
      .http()
      .get(`/v1/autocalls/${done.autocallId}/targets`)
      .set(admin())
      .expect(200);
    expect(targets.items).toEqual([
      expect.objectContaining({ targetId: done.targetId, reference: `callback:${cb.id}`, phoneNumber: '+81355502000' }),
    ]);
    const { body: autocall } = await engine.http().get(`/v1/autocalls/${done.autocallId}`).set(admin()).expect(200);
    expect(autocall).toMatchObject({ mode: 'sequential', skill: 'care', targetCount: 1, priority: 100 });

    // A contact may have one open callback.
    const contactId =
      targets.items[0].contactId ?? (await prisma.contact.findFirst({ where: { targetId: done.targetId } }))!.id;
    const { body: again } = await create({ contactId, skill: 'care', scheduledAt: inMs(600_000) }).expect(201);
    expect(again.phoneNumber).toBe('+81355502000');
    const { body: conflict } = await create({ contactId, skill: 'care', scheduledAt: inMs(900_000) }).expect(409);
    expect(conflict.code).toBe('conflict');
  });

  it('goes to its owner when the owner is available', async () => {
    const { body: cb } = await create({
      phoneNumber: '+81355503000',
      skill: 'care',
      ownerAgentId: 'cb-2',
      scheduledAt: inMs(1_000),
    }).expect(201);
    const done = await ended(cb.id);
    expect(done.status).toBe('completed');
    const contact = await prisma.contact.findFirst({ where: { targetId: done.targetId } });
    const connected = await prisma.contactEvent.findFirst({ where: { contactId: contact!.id, status: 'connected' } });
    expect(connected?.agentId).toBe('cb-2');

    // A number put on the do-not-call list after scheduling is never dialed, owned or not.
    const { body: stopped } = await create({
      phoneNumber: '+81355503001',
      skill: 'care',
      ownerAgentId: 'cb-2',
      scheduledAt: inMs(1_000),
    }).expect(201);
    await engine.http().post('/v1/call-stops').set(admin()).send({ phoneNumber: '+81355503001' }).expect(201);
    expect(await ended(stopped.id)).toMatchObject({ status: 'failed', outcome: 'skipped' });
    expect(await prisma.contact.count({ where: { phoneNumber: '+81355503001' } })).toBe(0);
  });

  it('waits for an absent owner during its window, then goes to the skill’s queue', async () => {
    await setState('cb-1', 'unavailable');
    try {
      const { body: cb } = await create({
        phoneNumber: '+81355504000',
        skill: 'care',
        ownerAgentId: 'cb-1',
        scheduledAt: inMs(800),
      }).expect(201);
      const waiting = await waitFor('the callback to wait for its owner', async () => {
        const current = await get(cb.id);
        return current.status === 'waiting' ? current : undefined;
      });
      expect(waiting.dueAt).not.toBeNull();
      await sleep(1_500);
      expect((await get(cb.id)).status).toBe('waiting');
      // The window (at least an hour) ends now: the test moves its end instead of waiting for it.
      await prisma.callback.update({ where: { id: cb.id }, data: { ownerUntil: new Date(Date.now() + 500) } });
      const done = await ended(cb.id);
      expect(done.status).toBe('completed');
      const contact = await prisma.contact.findFirst({ where: { targetId: done.targetId } });
      const connected = await prisma.contactEvent.findFirst({ where: { contactId: contact!.id, status: 'connected' } });
      expect(connected?.agentId).not.toBe('cb-1');
    } finally {
      await setState('cb-1', 'available');
    }
  });

  it('keeps the customer’s appointment at night, but not an owner who frees up hours later', async () => {
    // Its own tenant: the calling window is closed now in Tokyo (the +8135 numbers' zone), with
    // margins of two hours or more whatever the hour the test runs at.
    const night = await engine.tenantWithAgents({ lines: 4, skill: 'care', agents: 1, prefix: 'nt' });
    const nightAdmin = bearer(night.adminKey);
    await engine
      .http()
      .put('/v1/settings')
      .set(nightAdmin)
      .send({ compliance: { callingWindow: windowOpenInClosedIn('America/Sao_Paulo', 'Asia/Tokyo') } })
      .expect(200);
    const createFor = (body: object) => engine.http().post('/v1/callbacks').set(nightAdmin).send(body).expect(201);
    const callbackOf = async (id: string) =>
      (await engine.http().get(`/v1/callbacks/${id}`).set(nightAdmin).expect(200)).body;
    const nightState = (state: 'available' | 'unavailable') =>
      engine.http().put('/v1/agents/nt-0/state').set(nightAdmin).send({ state }).expect(200);
    await sleep(5_500); // the worker's cached settings (5 s) have the new window

    // Asked for now: dialed to its owner although the window is closed (the customer chose the time).
    const { body: asked } = await createFor({
      phoneNumber: '+81355508000',
      skill: 'care',
      ownerAgentId: 'nt-0',
      scheduledAt: inMs(800),
    });
    const kept = await waitFor(
      'the appointment to be kept',
      async () => {
        const current = await callbackOf(asked.id);
        return ['completed', 'failed'].includes(current.status) ? current : undefined;
      },
      30_000,
    );
    expect(kept.status).toBe('completed');
    const contact = await prisma.contact.findFirst({ where: { targetId: kept.targetId } });
    expect(contact?.agentId).toBe('nt-0');

    // Asked for twenty minutes ago, its owner busy since: when the owner frees up, at night, the
    // callback is not dialed; it keeps waiting (until the window opens or its ownership ends).
    // (The callback is completed by the statement that ends its call; the owner leaves the call and
    // its wrap-up a moment later: only then can they be made unavailable.)
    await waitFor('the owner free again', async () => {
      const { body } = await engine.http().get('/v1/agents/nt-0').set(nightAdmin).expect(200);
      return body.state === 'available';
    });
    await nightState('unavailable');
    const { body: late } = await createFor({
      phoneNumber: '+81355508001',
      skill: 'care',
      ownerAgentId: 'nt-0',
      scheduledAt: inMs(800),
    });
    await waitFor('the callback to wait for its owner', async () => (await callbackOf(late.id)).status === 'waiting');
    await prisma.callback.update({ where: { id: late.id }, data: { scheduledAt: new Date(Date.now() - 20 * 60_000) } });
    await nightState('available');
    await sleep(2_500); // five looks for the owner
    expect((await callbackOf(late.id)).status).toBe('waiting');
    expect(await prisma.contact.count({ where: { tenantId: night.tenantId, phoneNumber: '+81355508001' } })).toBe(0);
    // Cancelled for the night (the skill's queue would hold it for the window, as any target);
    // then the shared audit of the tenant.
    await engine.http().post(`/v1/callbacks/${late.id}/cancel`).set(nightAdmin).expect(200);
    await auditTenant(engine, night, { lines: 4, webhooks: false });
  });

  it('fires once, at its new time, when rescheduled; never once cancelled', async () => {
    const { body: moved } = await create({
      phoneNumber: '+81355505000',
      skill: 'care',
      scheduledAt: inMs(1_500),
    }).expect(201);
    const { body: later } = await engine
      .http()
      .patch(`/v1/callbacks/${moved.id}`)
      .set(admin())
      .send({ scheduledAt: inMs(3_500) })
      .expect(200);
    expect(later).toMatchObject({ status: 'scheduled' });
    const { body: cancelled } = await create({
      phoneNumber: '+81355505001',
      skill: 'care',
      scheduledAt: inMs(1_500),
    }).expect(201);
    await engine.http().post(`/v1/callbacks/${cancelled.id}/cancel`).set(bearer(tenant.adminKey)).expect(200);
    await sleep(2_500);
    expect((await get(moved.id)).status).toBe('scheduled');
    const done = await ended(moved.id);
    expect(new Date(done.dueAt).getTime()).toBeGreaterThanOrEqual(new Date(later.scheduledAt).getTime());
    expect(await prisma.target.count({ where: { reference: `callback:${moved.id}` } })).toBe(1);
    expect(await get(cancelled.id)).toMatchObject({ status: 'cancelled', autocallId: null });
    expect(await prisma.target.count({ where: { reference: `callback:${cancelled.id}` } })).toBe(0);
    await engine.http().post(`/v1/callbacks/${cancelled.id}/cancel`).set(admin()).expect(409);

    // What the tenant heard, in order, for each.
    const heard = (id: string) =>
      receiver
        .events((h) => h.envelope.data.callbackId === id)
        .map((h) => `${h.envelope.type}:${h.envelope.data.status}`);
    await waitFor('the callback events', async () => heard(moved.id).length === 4);
    expect(heard(moved.id)).toEqual([
      'callback.scheduled:scheduled',
      'callback.scheduled:scheduled',
      'callback.due:queued',
      'callback.completed:completed',
    ]);
    expect(heard(cancelled.id)).toEqual(['callback.scheduled:scheduled', 'callback.cancelled:cancelled']);
    await engine
      .http()
      .patch(`/v1/callbacks/${done.id}`)
      .set(admin())
      .send({ scheduledAt: inMs(60_000) })
      .expect(409);
  });

  it('never dials a callback whose cancel succeeded, even at its due time', async () => {
    const due = Date.now() + 1_500;
    const created = await Promise.all(
      numbers(20, '+8135556').map(
        async (t) =>
          (
            await create({
              phoneNumber: t.phoneNumber,
              skill: 'care',
              scheduledAt: new Date(due).toISOString(),
            }).expect(201)
          ).body,
      ),
    );
    await sleep(due - Date.now() - 20);
    const answers = await Promise.all(
      created.map((cb, i) => sleep(i * 3).then(() => engine.http().post(`/v1/callbacks/${cb.id}/cancel`).set(admin()))),
    );
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    await sleep(3_000);
    for (const [i, cb] of created.entries()) {
      const contacts = await prisma.contact.count({
        where: { phoneNumber: cb.phoneNumber, tenantId: tenant.tenantId },
      });
      if (answers[i].status === 200) expect([cb.id, contacts]).toEqual([cb.id, 0]);
      else expect([cb.id, contacts]).toEqual([cb.id, 1]);
    }
  });

  it('still fires once after a worker restart and a Redis loss before its time', async () => {
    const { body: cb } = await create({ phoneNumber: '+81355507000', skill: 'care', scheduledAt: inMs(6_000) }).expect(
      201,
    );
    await engine.workers[0].stop();
    const redis = new Redis(redisServer.url);
    await redis.flushall(); // Redis comes back empty: queues, live view and the callback's job are gone
    await redis.quit();
    await engine.startWorker();
    const done = await ended(cb.id, 40_000);
    expect(done.status).toBe('completed');
    expect(await prisma.target.count({ where: { reference: `callback:${cb.id}` } })).toBe(1);
  });
});

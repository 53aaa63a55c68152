import { Client } from 'pg';
import { IdempotentRequests, PrismaService } from '../../libs/database/src';
import { autoCallDetailSchema, submissionAnswerSchema } from '../../libs/dialing/src/autocall-schemas';
import { bearer } from '../support/api-harness';
import { EngineHarness, EVERY_CALL_ANSWERED, numbers } from '../support/engine-harness';

/**
 * Idempotency-Key as integrators know it (Stripe's semantics), on a running engine: the first
 * answer is stored with the work and replayed exactly for 24 hours, whatever has happened since;
 * a second request while the first is in flight is refused; a forgotten key submits anew.
 */
describe('Idempotency-Key on POST /v1/autocalls', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await EngineHarness.start('idempotency', EVERY_CALL_ANSWERED);
  });
  afterAll(() => engine.stop());

  it('replays the first answer exactly after the AutoCall has dialed and completed', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 2, prefix: 'ik' });
    const body = { mode: 'sequential', skill: 'sales', targets: numbers(3, '+4420') };
    const send = () =>
      engine.http().post('/v1/autocalls').set(bearer(tenant.adminKey)).set('Idempotency-Key', 'crm-7').send(body);
    const first = await send().expect(202);
    expect(first.body.targets.map((t: { status: string }) => t.status)).toEqual(['pending', 'pending', 'pending']);

    // The answers are what the OpenAPI document says they are.
    expect(submissionAnswerSchema.strict().parse(first.body).targets).toHaveLength(3);
    const done = await engine.finished(tenant, first.body.id);
    expect(autoCallDetailSchema.strict().parse(done).counts.completed).toBe(3);
    const replay = await send().expect(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('creates one AutoCall from concurrent first requests; the others are told it is in flight or replayed', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 1, prefix: 'ic' });
    const body = { mode: 'sequential', skill: 'sales', targets: numbers(50, '+3361') };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        engine.http().post('/v1/autocalls').set(bearer(tenant.adminKey)).set('Idempotency-Key', 'burst').send(body),
      ),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status !== 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((a) => a.body.id)).size).toBe(1);
    for (const a of accepted) expect(a.body).toEqual(accepted[0].body);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('idempotency_request_in_flight');
    }
    const prisma = engine.api.app.get(PrismaService);
    expect(await prisma.autoCall.count({ where: { tenantId: tenant.tenantId } })).toBe(1);
  });

  it('answers 409 idempotency_request_in_flight while the first request holds the key', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 1, skill: 'sales', agents: 1, prefix: 'if' });
    // The first request, in flight: its transaction's lock on the key, held here.
    const first = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await first.connect();
    try {
      await first.query('BEGIN');
      await first.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `${tenant.tenantId}/autocalls.submit/slow-1`,
      ]);
      const body = { mode: 'sequential', skill: 'sales', targets: numbers(1, '+4420') };
      const send = () =>
        engine.http().post('/v1/autocalls').set(bearer(tenant.adminKey)).set('Idempotency-Key', 'slow-1').send(body);
      const busy = await send().expect(409);
      expect(busy.body.code).toBe('idempotency_request_in_flight');
      await first.query('ROLLBACK');
      // The first request died without an answer: the key is free, and a retry does the work.
      const retried = await send().expect(202);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
    } finally {
      await first.end();
    }
  });

  it('forgets a key after 24 hours: the same key submits anew, and the old answer is deleted', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 1, skill: 'sales', agents: 1, prefix: 'ix' });
    const prisma = engine.api.app.get(PrismaService);
    const body = { mode: 'sequential', skill: 'sales', targets: numbers(1, '+4420') };
    const send = () =>
      engine.http().post('/v1/autocalls').set(bearer(tenant.adminKey)).set('Idempotency-Key', 'old-1').send(body);
    const first = await send().expect(202);
    const aged = await prisma.$executeRaw`
      UPDATE idempotent_requests SET created_at = now() - interval '24 hours 1 second'
      WHERE tenant_id = ${tenant.tenantId}::uuid AND key = 'old-1'`;
    expect(aged).toBe(1);

    const anew = await send().expect(202);
    expect(anew.headers['idempotent-replayed']).toBeUndefined();
    expect(anew.body.id).not.toBe(first.body.id);
    expect((await send().expect(202)).body.id).toBe(anew.body.id);

    await prisma.$executeRaw`
      UPDATE idempotent_requests SET created_at = now() - interval '25 hours'
      WHERE tenant_id = ${tenant.tenantId}::uuid AND key = 'old-1'`;
    // The keeper's own pass may delete it first: either way it is gone.
    await engine.api.app.get(IdempotentRequests).forgetExpired();
    expect(await prisma.idempotentRequest.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  });

  it('replays POST /v1/callbacks and POST /v1/call-stops the same way', async () => {
    const tenant = await engine.tenantWithAgents({ lines: 1, skill: 'sales', agents: 1, prefix: 'ib' });
    const post = (path: string, key: string, body: object) =>
      engine.http().post(path).set(bearer(tenant.adminKey)).set('Idempotency-Key', key).send(body);

    const callback = {
      phoneNumber: '+442071234567',
      skill: 'sales',
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const first = await post('/v1/callbacks', 'cb-1', callback).expect(201);
    const again = await post('/v1/callbacks', 'cb-1', callback).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const { body: list } = await engine.http().get('/v1/callbacks').set(bearer(tenant.adminKey)).expect(200);
    expect(list.items).toHaveLength(1);
    const reused = await post('/v1/callbacks', 'cb-1', { ...callback, phoneNumber: '+442071234568' }).expect(409);
    expect(reused.body.code).toBe('idempotency_key_reused');

    const stop = { phoneNumber: '+442071234569', reason: 'asked' };
    const added = await post('/v1/call-stops', 'cs-1', stop).expect(201);
    // The stop changed since; the key's answer did not.
    await engine
      .http()
      .post('/v1/call-stops')
      .set(bearer(tenant.adminKey))
      .send({ ...stop, reason: 'asked twice' })
      .expect(201);
    const replayed = await post('/v1/call-stops', 'cs-1', stop).expect(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(added.body);
    // One key space per operation: the same key on another operation is another request.
    await post('/v1/call-stops', 'cb-1', { phoneNumber: '+442071234570' }).expect(201);
  });
});

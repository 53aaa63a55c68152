import request from 'supertest';
import { AgentLiveView, AgentSnapshot } from '../../libs/agents/src';
import { PrismaService } from '../../libs/database/src';
import { PoolWakeUps, RedisService } from '../../libs/redis/src';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';
import { wakeUpReader } from '../support/wake-ups';

const aiko = { name: 'Aiko', skills: ['sales', 'support'], endpoint: 'sip:aiko@pbx.example.com' };

describe('agents and agent sessions', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let supervisor: string;
  let integrator: string;

  beforeAll(async () => {
    api = await ApiHarness.start('agents', { TERMINATE_SESSION_LIMIT: '5', TERMINATE_SESSION_WINDOW_SECONDS: '60' });
    tenant = await api.createTenant('acme');
    supervisor = await api.createKey(tenant, 'supervisor');
    integrator = await api.createKey(tenant, 'integrator');
  });
  afterAll(() => api.stop());

  const admin = () => bearer(tenant.adminKey);
  const putAgent = (id: string, body: object = aiko) => api.http().put(`/v1/agents/${id}`).set(admin()).send(body);

  describe('PUT /v1/agents/{agentId}', () => {
    it('creates an agent (201), then replaces it (200)', async () => {
      const created = await putAgent('aiko').expect(201);
      expect(created.body).toMatchObject({
        agentId: 'aiko',
        skills: ['sales', 'support'],
        state: 'logged_out',
        sessionId: null,
      });
      const replaced = await putAgent('aiko', { ...aiko, name: 'Aiko T.', skills: ['sales'] }).expect(200);
      expect(replaced.body).toMatchObject({ name: 'Aiko T.', skills: ['sales'] });
    });

    it('refuses bad definitions with a field error per problem', async () => {
      const response = await putAgent('bob', {
        name: ' ',
        skills: ['Sales Team'],
        endpoint: 'http://x',
        role: 'x',
      }).expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'endpoint',
        'name',
        'role',
        'skills[0]',
      ]);
      const badId = await putAgent('bad id!').expect(400);
      expect(badId.body.errors).toEqual([expect.objectContaining({ field: 'agentId' })]);
    });

    it.each(['supervisor', 'integrator'])('is for admin keys only (%s gets 403)', async (role) => {
      const key = role === 'supervisor' ? supervisor : integrator;
      const response = await api.http().put('/v1/agents/zed').set(bearer(key)).send(aiko).expect(403);
      expect(response.body.code).toBe('unauthorized');
    });
  });

  describe('GET /v1/agents', () => {
    beforeAll(async () => {
      for (const id of ['list-1', 'list-2', 'list-3']) {
        await putAgent(id, { ...aiko, skills: ['billing'] }).expect(201);
      }
    });

    it('filters by skill and pages with an opaque cursor', async () => {
      const first = await api.http().get('/v1/agents?skill=billing&limit=2').set(bearer(integrator)).expect(200);
      expect(first.body.items.map((a: { agentId: string }) => a.agentId)).toEqual(['list-1', 'list-2']);
      const second = await api
        .http()
        .get(`/v1/agents?skill=billing&limit=2&cursor=${first.body.nextCursor}`)
        .set(bearer(integrator))
        .expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ agentId: 'list-3' })], nextCursor: null });
    });

    it('refuses a cursor it did not issue and an unknown filter', async () => {
      const badCursor = await api.http().get('/v1/agents?cursor=bm9wZQ').set(admin()).expect(400);
      expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor', code: 'invalid_cursor' })]);
      const unknown = await api.http().get('/v1/agents?colour=red&limit=0').set(admin()).expect(400);
      expect(unknown.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'query.colour',
        'query.limit',
      ]);
    });

    it('answers 404 invalid_agent_id for an unknown agent', async () => {
      const response = await api.http().get('/v1/agents/nobody').set(admin()).expect(404);
      expect(response.body.code).toBe('invalid_agent_id');
    });
  });

  describe('sessions and state', () => {
    beforeAll(async () => {
      await putAgent('kenji', { ...aiko, name: 'Kenji', skills: ['sales'] }).expect(201);
    });

    it('logs in, becomes available in the live view, and goes unavailable with a reason', async () => {
      const login = await api
        .http()
        .post('/v1/agents/kenji/session')
        .set(bearer(supervisor))
        .send({ state: 'available' })
        .expect(201);
      expect(login.body).toMatchObject({ agentId: 'kenji', state: 'available', sessionId: expect.any(String) });

      const liveView = api.app.get(AgentLiveView);
      expect(await liveView.availableAgents(tenant.tenantId, 'sales')).toContain('kenji');

      const away = await api
        .http()
        .put('/v1/agents/kenji/state')
        .set(bearer(supervisor))
        .send({ state: 'unavailable', reason: 'break' })
        .expect(200);
      expect(away.body).toMatchObject({ state: 'unavailable', stateReason: 'break' });
      expect(await liveView.availableAgents(tenant.tenantId, 'sales')).not.toContain('kenji');
    });

    it('refuses a second login (409) and a state change without a session (409)', async () => {
      const again = await api.http().post('/v1/agents/kenji/session').set(admin()).send({}).expect(409);
      expect(again.body.code).toBe('conflict');
      await putAgent('mio', { ...aiko, name: 'Mio' }).expect(201);
      const noSession = await api
        .http()
        .put('/v1/agents/mio/state')
        .set(admin())
        .send({ state: 'available' })
        .expect(409);
      expect(noSession.body.code).toBe('conflict');
    });

    it('refuses a state AutoCall sets itself', async () => {
      const response = await api
        .http()
        .put('/v1/agents/kenji/state')
        .set(admin())
        .send({ state: 'on_call' })
        .expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'state' })]);
    });

    it('wakes the dialing engine for every skill of an agent made available, and for nothing else', async () => {
      // The tenant's wake-ups left in the deployment's list (no dispatcher runs here to take them).
      const wakeUps = wakeUpReader(api.app.get(RedisService));
      const wokenSkills = () => wakeUps.skillsOf(tenant.tenantId);
      try {
        await wokenSkills();
        await api
          .http()
          .put('/v1/agents/kenji/state')
          .set(bearer(supervisor))
          .send({ state: 'unavailable', reason: 'break' })
          .expect(200);
        expect(await wokenSkills()).toEqual([]);
        await putAgent('ren', { ...aiko, name: 'Ren', skills: ['sales', 'care'] }).expect(201);
        await api
          .http()
          .post('/v1/agents/ren/session')
          .set(bearer(supervisor))
          .send({ state: 'available' })
          .expect(201);
        expect(await wokenSkills()).toEqual(['care', 'sales']);
      } finally {
        wakeUps.close();
      }
    });

    it("wakes the pool an ended call freed with its agent's change: each pool once, whatever the change does", async () => {
      // Told straight to the live view (as the end of a call tells it), for a tenant of its own.
      const other = await api.createTenant('ends');
      const liveView = api.app.get(AgentLiveView);
      const wakeUps = wakeUpReader(api.app.get(RedisService));
      const callsPool = [{ tenantId: other.tenantId, skill: 'sales' }];
      const mio = blendedAgent(other.tenantId, 'mio');
      try {
        expect(await liveView.apply(mio('on_call', 1))).toBe(true);
        // Into wrap-up: not available, so only the call's pool.
        expect(await liveView.apply(mio('wrap_up', 2), callsPool)).toBe(true);
        expect(await wakeUps.skillsOf(other.tenantId)).toEqual(['sales']);
        // Available: every skill of hers, the call's pool among them once.
        expect(await liveView.apply(mio('available', 3), callsPool)).toBe(true);
        expect(await wakeUps.skillsOf(other.tenantId)).toEqual(['care', 'sales']);
        // A change the live view already holds: the call's pool is woken all the same.
        expect(await liveView.apply(mio('available', 3), callsPool)).toBe(false);
        expect(await wakeUps.skillsOf(other.tenantId)).toEqual(['sales']);
      } finally {
        wakeUps.close();
      }
    });

    it("hands a process's own wake-ups to its dispatcher, where one takes them, and none to the list", async () => {
      const other = await api.createTenant('own-wake-ups');
      const liveView = api.app.get(AgentLiveView);
      const pools = api.app.get(PoolWakeUps);
      const wakeUps = wakeUpReader(api.app.get(RedisService));
      const takenHere: string[] = [];
      const sora = blendedAgent(other.tenantId, 'sora');
      try {
        // As a worker's dispatcher does: its own process's wake-ups come to it, not to the list.
        pools.takeHere((pool) => takenHere.push(pool.skill));
        expect(await liveView.apply(sora('available', 1))).toBe(true);
        await new Promise((resolve) => setImmediate(resolve));
        expect(takenHere.sort()).toEqual(['care', 'sales']);
        expect(await wakeUps.skillsOf(other.tenantId)).toEqual([]);
        // The leader's sweep spreads its wake-ups over the workers: to the list, even here.
        await pools.leave([{ tenantId: other.tenantId, skill: 'renewals' }], Date.now(), { anyWorker: true });
        expect(await wakeUps.skillsOf(other.tenantId)).toEqual(['renewals']);
        // A dispatcher that stops hands them back to the list, for the other workers.
        pools.takeHere(undefined);
        expect(await liveView.apply(sora('unavailable', 2))).toBe(true);
        expect(await liveView.apply(sora('available', 3))).toBe(true);
        expect(await wakeUps.skillsOf(other.tenantId)).toEqual(['care', 'sales']);
        expect(takenHere).toHaveLength(2);
      } finally {
        pools.takeHere(undefined);
        wakeUps.close();
      }
    });

    it('records every state change with its time, version and who asked', async () => {
      const history = await api.app.get(PrismaService).agentStateChange.findMany({
        where: { tenantId: tenant.tenantId, agentId: 'kenji' },
        orderBy: { version: 'asc' },
      });
      expect(history.map((h) => [h.fromState, h.toState, h.reason])).toEqual([
        ['logged_out', 'available', 'log_in'],
        ['available', 'unavailable', 'break'],
        ['unavailable', 'unavailable', 'break'],
      ]);
      expect(history.every((h) => h.byKeyId && h.at instanceof Date)).toBe(true);
    });
  });

  describe('agent keys act for their own agent only', () => {
    let agentKey: string;

    beforeAll(async () => {
      await putAgent('hana', { ...aiko, name: 'Hana' }).expect(201);
      await putAgent('taro', { ...aiko, name: 'Taro' }).expect(201);
      agentKey = await api.createKey(tenant, 'agent', 'hana');
    });

    it('logs itself in and out, and reads itself', async () => {
      await api.http().post('/v1/agents/hana/session').set(bearer(agentKey)).send({ state: 'available' }).expect(201);
      await api.http().get('/v1/agents/hana').set(bearer(agentKey)).expect(200);
      await api.http().delete('/v1/agents/hana/session').set(bearer(agentKey)).expect(204);
      const session = await api.app.get(PrismaService).agentSession.findFirstOrThrow({ where: { agentId: 'hana' } });
      expect(session).toMatchObject({ endReason: 'logged_out', endedByKeyId: null });
    });

    it("gets 403 unauthorized for another agent's session, state or record, and for lists", async () => {
      await api.http().post('/v1/agents/taro/session').set(bearer(agentKey)).send({}).expect(403);
      await api.http().put('/v1/agents/taro/state').set(bearer(agentKey)).send({ state: 'available' }).expect(403);
      await api.http().delete('/v1/agents/taro/session').set(bearer(agentKey)).expect(403);
      await api.http().get('/v1/agents/taro').set(bearer(agentKey)).expect(403);
      await api.http().get('/v1/agents').set(bearer(agentKey)).expect(403);
      await api.http().get('/v1/lines/usage').set(bearer(agentKey)).expect(403);
    });
  });

  describe('DELETE /v1/agents/{agentId}/session (Terminate Agent Session)', () => {
    it('ends the session at once (204) and records who terminated it', async () => {
      await putAgent('yui', { ...aiko, name: 'Yui' }).expect(201);
      await api.http().post('/v1/agents/yui/session').set(bearer(supervisor)).send({ state: 'available' }).expect(201);
      await api.http().delete('/v1/agents/yui/session').set(bearer(supervisor)).expect(204);

      const agent = await api.http().get('/v1/agents/yui').set(admin()).expect(200);
      expect(agent.body).toMatchObject({ state: 'logged_out', sessionId: null });
      expect(await api.app.get(AgentLiveView).availableAgents(tenant.tenantId, 'sales')).not.toContain('yui');
      const session = await api.app.get(PrismaService).agentSession.findFirstOrThrow({ where: { agentId: 'yui' } });
      expect(session).toMatchObject({
        endReason: 'terminated',
        endedAt: expect.any(Date),
        endedByKeyId: expect.any(String),
      });
    });

    it('answers 404 invalid_agent_id, 409 without a session, 401 without a key, 403 for integrators', async () => {
      expect((await api.http().delete('/v1/agents/ghost/session').set(bearer(supervisor)).expect(404)).body.code).toBe(
        'invalid_agent_id',
      );
      expect((await api.http().delete('/v1/agents/yui/session').set(bearer(supervisor)).expect(409)).body.code).toBe(
        'conflict',
      );
      expect((await api.http().delete('/v1/agents/yui/session').expect(401)).body.code).toBe('invalid_security_user');
      expect((await api.http().delete('/v1/agents/yui/session').set(bearer(integrator)).expect(403)).body.code).toBe(
        'unauthorized',
      );
    });

    it('answers 429 too_many_requests with Retry-After past the tenant limit, counted across replicas', async () => {
      const busy = await api.createTenant('busy');
      const other = await api.createTenant('other');
      const replica = await api.replica();
      try {
        // The limit is 5 per minute in this suite: three calls on each replica make six.
        const calls = [];
        for (let i = 0; i < 3; i++) {
          calls.push(await api.http().delete('/v1/agents/ghost/session').set(bearer(busy.adminKey)));
          calls.push(
            await request(replica.getHttpServer()).delete('/v1/agents/ghost/session').set(bearer(busy.adminKey)),
          );
        }
        expect(calls.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 429]);
        const limited = calls[5];
        expect(limited.body.code).toBe('too_many_requests');
        expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);

        // Another tenant has its own allowance.
        await api.http().delete('/v1/agents/ghost/session').set(bearer(other.adminKey)).expect(404);
      } finally {
        await replica.close();
      }
    });
  });
});

/** The snapshots of an agent of two skills (care, sales), as a worker tells them to the live view. */
function blendedAgent(tenantId: string, agentId: string) {
  return (state: AgentSnapshot['state'], version: number): AgentSnapshot => ({
    tenantId,
    agentId,
    state,
    version,
    skills: ['care', 'sales'],
    reason: null,
    since: new Date(0),
  });
}

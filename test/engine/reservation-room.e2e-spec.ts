import { AgentLiveView } from '../../libs/agents/src/agent-live-view';
import { CapacityService, DialChecks } from '../../libs/dialing/src';
import { RedisService } from '../../libs/redis/src';
import { LinesService } from '../../libs/lines/src';
import { ApiHarness, TestTenant } from '../support/api-harness';
import { wakeUpReader } from '../support/wake-ups';

/**
 * A reservation says what the next dial of its pool could find, as its own script saw it: the
 * dispatcher stops a drain on a reservation that took the last line or agent instead of asking once
 * more (a refused script, a peek at the queue), and the event that frees one wakes the pool. The
 * answer must be about the pool, not the AutoCall: a refusal by an AutoCall's own reserve leaves
 * room for another AutoCall's dial.
 */
describe('a reservation and the room it leaves', () => {
  let api: ApiHarness;
  let capacity: CapacityService;
  let agents: AgentLiveView;
  let lines: LinesService;
  const withAgents: DialChecks = { freeLines: { reserve: 0 }, freeAgents: { reserve: 0 }, callStop: false };
  const since = new Date('2026-01-01T00:00:00Z');
  let n = 0;
  const contact = () => `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}`;

  beforeAll(async () => {
    api = await ApiHarness.start('reservation_room');
    capacity = api.app.get(CapacityService);
    agents = api.app.get(AgentLiveView);
    lines = api.app.get(LinesService);
  });
  afterAll(() => api.stop());

  async function tenantWith(lineCount: number, agentIds: string[], skills = ['sales']): Promise<TestTenant> {
    const tenant = await api.createTenant(`room-${lineCount}-${agentIds.length}`, lineCount);
    await lines.ensureLive(tenant.tenantId);
    for (const agentId of agentIds)
      await agents.apply({
        tenantId: tenant.tenantId,
        agentId,
        state: 'available',
        version: 1,
        skills,
        reason: null,
        since,
      });
    return tenant;
  }

  it('says no agent is left when it took the last one, and no line when it took the last line', async () => {
    const tenant = await tenantWith(3, ['a1', 'a2']);
    const reserve = (checks = withAgents) => capacity.reserve(tenant.tenantId, contact(), 'sales', checks, 'w1');
    expect(await reserve()).toMatchObject({ ok: true, next: 'room' });
    expect(await reserve()).toMatchObject({ ok: true, next: 'no_agent' });
    // No agent, yet a line: a dial that does not check agents is still possible, and takes it.
    expect(await reserve()).toEqual({ ok: false, reason: 'no_free_agent', next: 'no_agent' });
    expect(await reserve({ ...withAgents, freeAgents: null })).toEqual({ ok: true, agentId: null, next: 'no_line' });
    expect(await reserve({ ...withAgents, freeAgents: null })).toEqual({
      ok: false,
      reason: 'no_free_line',
      next: 'no_line',
    });
  });

  it('counts the line of a dial its reserver places itself in use at once, and one placed by another once placed', async () => {
    const tenant = await tenantWith(4, ['a1', 'a2']);
    const usage = () => lines.usage(tenant.tenantId);
    const [own, others] = [contact(), contact()];
    // The dispatcher's own dial: in use from the reservation on, no word to Redis at the dial.
    expect(
      await capacity.reserve(tenant.tenantId, own, 'sales', withAgents, 'w1', { placesItself: true }),
    ).toMatchObject({ ok: true });
    expect(await usage()).toMatchObject({ inUse: { outbound: 1 }, reserved: 0, free: 3 });
    // An immediate dial the API reserved: reserved until the worker that places it says so.
    expect(await capacity.reserve(tenant.tenantId, others, 'sales', withAgents, 'api')).toMatchObject({ ok: true });
    expect(await usage()).toMatchObject({ inUse: { outbound: 1 }, reserved: 1, free: 2 });
    expect(await capacity.reassert(tenant.tenantId, others, 'w2')).toBe(true);
    expect(await usage()).toMatchObject({ inUse: { outbound: 2 }, reserved: 0, free: 2 });
    // Released, as an end or an undialed reservation releases them: nothing is left counted.
    expect(await capacity.releaseUndialed(tenant.tenantId, own)).toBe(true);
    expect(await capacity.release(tenant.tenantId, others)).toBe(true);
    expect(await usage()).toMatchObject({ inUse: { outbound: 0 }, reserved: 0, free: 4 });
  });

  it('takes a released contact out of the waiting callers and the pacer’s dials it was in, restored or not', async () => {
    const tenant = await tenantWith(6, []);
    const tag = `${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}`;
    const noAgents: DialChecks = { ...withAgents, freeAgents: null };
    const answeredAt = new Date('2026-01-01T00:00:05Z');
    // A caller who waited for an agent, one restored as waiting, and a restored predictive dial.
    const [waited, restoredWaiting, restoredPaced] = [contact(), contact(), contact()];
    await capacity.reserve(tenant.tenantId, waited, 'sales', noAgents, 'w1', { placesItself: true });
    await capacity.enterWaiting(tenant.tenantId, waited, 'sales', answeredAt, 'w1');
    const restored = { skill: 'sales', agentId: null, placedBy: 'w1' };
    await capacity.restore(tenant.tenantId, {
      ...restored,
      id: restoredWaiting,
      status: 'waiting',
      answeredAt,
      predictive: false,
    });
    await capacity.restore(tenant.tenantId, {
      ...restored,
      id: restoredPaced,
      status: 'ringing',
      answeredAt: null,
      predictive: true,
    });
    expect(await api.redis.zrange(`${tag}:waiting:sales`, '0', '-1')).toEqual(
      expect.arrayContaining([waited, restoredWaiting]),
    );
    expect(await api.redis.zrange(`${tag}:paced:sales`, '0', '-1')).toEqual([restoredPaced]);

    for (const id of [waited, restoredWaiting, restoredPaced])
      expect(await capacity.release(tenant.tenantId, id)).toBe(true);
    expect(await api.redis.zcard(`${tag}:waiting:sales`)).toBe(0);
    expect(await api.redis.zcard(`${tag}:paced:sales`)).toBe(0);
    expect(await lines.usage(tenant.tenantId)).toMatchObject({ inUse: { outbound: 0 }, reserved: 0, free: 6 });
  });

  it('leaves room when only the AutoCall’s own reserve refused', async () => {
    const tenant = await tenantWith(2, ['a1', 'a2']);
    const reserve = (checks: DialChecks) => capacity.reserve(tenant.tenantId, contact(), 'sales', checks, 'w1');
    expect(await reserve({ ...withAgents, freeLines: { reserve: 2 } })).toEqual({
      ok: false,
      reason: 'no_free_line',
      next: 'room',
    });
    expect(await reserve({ ...withAgents, freeAgents: { reserve: 2 } })).toEqual({
      ok: false,
      reason: 'no_free_agent',
      next: 'room',
    });
  });

  it('asked for callers first, refuses while an answered caller waits and an agent is free for them', async () => {
    const tenant = await tenantWith(4, []);
    const noAgents: DialChecks = { ...withAgents, freeAgents: null };
    const callersFirst = { placesItself: true, callersFirst: true };
    const waiter = contact();
    await capacity.reserve(tenant.tenantId, waiter, 'sales', noAgents, 'w1', { placesItself: true });
    await capacity.enterWaiting(tenant.tenantId, waiter, 'sales', new Date('2026-01-01T00:00:05Z'), 'w1');
    // A caller waits, but no agent is available: nobody can be served, the dial goes on.
    const first = contact();
    expect(await capacity.reserve(tenant.tenantId, first, 'sales', noAgents, 'w1', callersFirst)).toMatchObject({
      ok: true,
    });
    await agents.apply({
      tenantId: tenant.tenantId,
      agentId: 'a1',
      state: 'available',
      version: 1,
      skills: ['sales'],
      reason: null,
      since,
    });
    // Now one is: nothing is reserved, for a predictive dial either, until the caller is served.
    const [second, paced] = [contact(), contact()];
    expect(await capacity.reserve(tenant.tenantId, second, 'sales', noAgents, 'w1', callersFirst)).toEqual({
      ok: false,
      reason: 'callers_waiting',
      next: 'room',
    });
    expect(await capacity.reservePaced(tenant.tenantId, paced, 'sales', noAgents, 'w1', callersFirst)).toEqual({
      ok: false,
      reason: 'callers_waiting',
    });
    expect(await lines.usage(tenant.tenantId)).toMatchObject({ inUse: { outbound: 2 }, free: 2 });
    // Not asked for callers first (the pass asked already), the reservation is made as ever.
    expect(await capacity.reserve(tenant.tenantId, second, 'sales', noAgents, 'w1')).toMatchObject({ ok: true });
    // Once served, nobody waits: asked for callers first again, the dial goes on.
    expect(await capacity.serveWaiting(tenant.tenantId, 'sales', 'w1')).toEqual({ contactId: waiter, agentId: 'a1' });
    expect(await capacity.reserve(tenant.tenantId, contact(), 'sales', noAgents, 'w1', callersFirst)).toMatchObject({
      ok: true,
    });
  });

  it('tells lines Redis does not know from lines that are busy, and a restore lets the dial through', async () => {
    const tenant = await tenantWith(1, ['a1']);
    await api.redis.del(`${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}:lines`);
    const id = contact();
    expect(await capacity.reserve(tenant.tenantId, id, 'sales', withAgents, 'w1')).toEqual({
      ok: false,
      reason: 'lines_unknown',
      next: 'no_line',
    });
    expect(await capacity.reservePaced(tenant.tenantId, contact(), 'sales', withAgents, 'w1')).toEqual({
      ok: false,
      reason: 'lines_unknown',
    });
    await lines.ensureLive(tenant.tenantId);
    expect(await capacity.reserve(tenant.tenantId, id, 'sales', withAgents, 'w1')).toEqual({
      ok: true,
      agentId: 'a1',
      next: 'no_line',
    });
  });

  it('wakes the other skills of a blended agent it frees, from the releaser itself', async () => {
    // No worker runs here, so none leads: the wake-up must be left by the release itself.
    const tenant = await tenantWith(2, ['blend'], ['sales', 'care', 'renewals']);
    const wakeUps = wakeUpReader(api.app.get(RedisService));
    const taken = () => wakeUps.skillsOf(tenant.tenantId);
    try {
      await taken();
      const held = contact();
      expect(await capacity.reserve(tenant.tenantId, held, 'sales', withAgents, 'w1')).toMatchObject({
        ok: true,
        agentId: 'blend',
      });
      expect(await capacity.releaseUndialed(tenant.tenantId, held)).toBe(true);
      // The contact's own pool (sales) is its releaser's to wake, or is being drained.
      expect(await taken()).toEqual(['care', 'renewals']);
      // Released again: nothing freed, nobody woken.
      expect(await capacity.releaseUndialed(tenant.tenantId, held)).toBe(false);
      expect(await taken()).toEqual([]);
    } finally {
      wakeUps.close();
    }
  });
});

import { CapacityService, DialChecks, PacingDecision, PacingStore } from '../../libs/dialing/src';
import { LinesService } from '../../libs/lines/src';
import { ApiHarness, TestTenant } from '../support/api-harness';

/**
 * The predictive budget does not drift (engine review, defect 10): a paced reservation that does
 * not become a dial gives its unit back to the budget it was taken from, whichever path let it go,
 * but only while that budget stands. Once the pacing leader has decided again, the new decision
 * already counted the reservation as a dial; a refund then would grant one dial more than decided.
 */
describe('the predictive budget', () => {
  let api: ApiHarness;
  let tenant: TestTenant;
  let capacity: CapacityService;
  let pace: string;
  const checks: DialChecks = { freeLines: { reserve: 0 }, freeAgents: null, callStop: false };
  const budget = async () => Number(await api.redis.hget(pace, 'budget'));
  const dialed = async () => Number(await api.redis.hget(pace, 'dialed'));
  /** What the pacing leader's SET_PACE leaves: a budget, until a given instant (Redis's clock). */
  const decide = async (dials: number, untilMs: number) =>
    api.redis.hset(pace, 'budget', String(dials), 'budgetUntil', String(untilMs));
  const reserve = (contactId: string) => capacity.reservePaced(tenant.tenantId, contactId, 'sales', checks, 'worker-x');

  beforeAll(async () => {
    api = await ApiHarness.start('paced_budget');
    tenant = await api.createTenant('paced', 10);
    capacity = api.app.get(CapacityService);
    await api.app.get(LinesService).ensureLive(tenant.tenantId);
    pace = `${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}:pace:sales`;
  });
  afterAll(() => api.stop());

  const later = (seconds: number) => Date.now() + seconds * 1_000;

  it('gets back a unit a reservation took and did not dial, while the same decision stands', async () => {
    await decide(2, later(600));
    expect(await reserve('00000000-0000-7000-8000-000000000001')).toEqual({ ok: true, agentId: null });
    expect([await budget(), await dialed()]).toEqual([1, 1]);
    expect(await capacity.releaseUndialed(tenant.tenantId, '00000000-0000-7000-8000-000000000001')).toBe(true);
    // The unit is back; the count of paced dials is never lowered (a decision reads it).
    expect([await budget(), await dialed()]).toEqual([2, 1]);
    // Released twice (a retried step): refunded once.
    expect(await capacity.releaseUndialed(tenant.tenantId, '00000000-0000-7000-8000-000000000001')).toBe(false);
    expect(await budget()).toBe(2);
  });

  it('gives nothing back to a newer decision, which already counted the reservation', async () => {
    await decide(1, later(600));
    await reserve('00000000-0000-7000-8000-000000000002');
    expect(await budget()).toBe(0);
    await decide(5, later(601));
    await capacity.releaseUndialed(tenant.tenantId, '00000000-0000-7000-8000-000000000002');
    expect(await budget()).toBe(5);
  });

  it('gives nothing back for a dial that was placed', async () => {
    await decide(3, later(600));
    await reserve('00000000-0000-7000-8000-000000000003');
    await capacity.reassert(tenant.tenantId, '00000000-0000-7000-8000-000000000003', 'worker-x');
    await capacity.releaseUndialed(tenant.tenantId, '00000000-0000-7000-8000-000000000003');
    expect(await budget()).toBe(2);
    await reserve('00000000-0000-7000-8000-000000000004');
    await capacity.reassert(tenant.tenantId, '00000000-0000-7000-8000-000000000004', 'worker-x');
    await capacity.release(tenant.tenantId, '00000000-0000-7000-8000-000000000004');
    expect(await budget()).toBe(1);
    // Every line is free again.
    expect(await capacity.liveContacts(tenant.tenantId)).toEqual([]);
    expect(await api.redis.hget(`${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}:lines`, 'reserved')).toBe(
      '0',
    );
  });

  it('gets back a unit from a dial its reserver would have placed itself, released undialed', async () => {
    await decide(2, later(600));
    const id = '00000000-0000-7000-8000-000000000005';
    expect(
      await capacity.reservePaced(tenant.tenantId, id, 'sales', checks, 'worker-x', { placesItself: true }),
    ).toEqual({
      ok: true,
      agentId: null,
    });
    expect(await budget()).toBe(1);
    expect(await capacity.releaseUndialed(tenant.tenantId, id)).toBe(true);
    expect(await budget()).toBe(2);
    expect(await api.redis.hget(`${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}:lines`, 'reserved')).toBe(
      '0',
    );
  });

  it('sets a group’s budgets from one decision less the dials the whole group placed since its snapshot', async () => {
    const store = api.app.get(PacingStore);
    const tag = `${api.config.get('REDIS_KEY_PREFIX')}:{${tenant.tenantId}}`;
    const decision: PacingDecision = {
      mode: 'predictive',
      reason: 'predicting',
      dials: 5,
      progressive: 0,
      expectedFreeAgents: 2,
      expectedAnswersInFlight: 1,
    };
    for (const skill of ['g-care', 'g-sales'])
      expect(await store.lead(tenant.tenantId, skill, 'leader-x', 60_000)).toBe(true);
    // Since the snapshot, g-care placed 2 dials (its counter went from 5 to 7), g-sales none.
    await api.redis.hset(`${tag}:pace:g-care`, 'dialed', '7');
    await api.redis.hset(`${tag}:pace:g-sales`, 'dialed', '3');
    const parts = [
      { skill: 'g-care', dialedSeen: 5, dials: 1 },
      { skill: 'g-sales', dialedSeen: 3, dials: 4 },
    ];
    // 5 decided, 2 placed since: 3 left, the dial g-care placed beyond its part off g-sales's.
    expect(await store.setBudgets(tenant.tenantId, 'leader-x', parts, decision, 60_000)).toEqual([0, 3]);
    expect(await api.redis.hget(`${tag}:pace:g-care`, 'budget')).toBe('0');
    expect(await api.redis.hget(`${tag}:pace:g-sales`, 'budget')).toBe('3');
    expect((await store.state(tenant.tenantId, 'g-sales'))?.group).toEqual(['g-care', 'g-sales']);
    // A worker that does not lead every pool of the group sets nothing.
    await store.release(tenant.tenantId, 'g-sales', 'leader-x');
    expect(await store.lead(tenant.tenantId, 'g-sales', 'leader-y', 60_000)).toBe(true);
    expect(await store.setBudgets(tenant.tenantId, 'leader-x', parts, decision, 60_000)).toBeNull();
    expect(await api.redis.hget(`${tag}:pace:g-sales`, 'budget')).toBe('3');
    // Letting go of a lease it does not hold changes nothing.
    await store.release(tenant.tenantId, 'g-sales', 'leader-x');
    expect(await store.lead(tenant.tenantId, 'g-sales', 'leader-x', 60_000)).toBe(false);
  });
});

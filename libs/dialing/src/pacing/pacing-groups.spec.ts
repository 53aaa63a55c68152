import { DEFAULT_PACING_SETTINGS, decideDials, PacingEstimates } from './pacer';
import {
  decideGroup,
  groupControl,
  groupSettings,
  groupSnapshot,
  mergeEstimates,
  PacedAgent,
  pacingGroups,
  poolWeights,
  splitDials,
} from './pacing-groups';
import { simulatePacing } from './pacing-simulation';

const agent = (skills: string[], state: PacedAgent['state'] = 'idle', busySeconds?: number): PacedAgent => ({
  skills,
  state,
  busySeconds,
});

// Enough dials to predict: 30% answered after 5 to 14 s, handles of 100 to 199 s.
const estimates: PacingEstimates = {
  dials: 1_000,
  humanAnswers: 300,
  answerDelaysSeconds: Array.from({ length: 300 }, (_, i) => 5 + (i % 10)),
  handleSeconds: Array.from({ length: 300 }, (_, i) => 100 + (i % 100)),
  unansweredSeconds: Array.from({ length: 700 }, (_, i) => 3 + (i % 22)),
};
const control = { alpha: 0.02, capped: false };
const settings = { ...DEFAULT_PACING_SETTINGS, ringTimeoutSeconds: 25 };

describe('pacing groups', () => {
  it('groups the predictive skills that logged-in agents share, transitively, anchored on the first skill', () => {
    const agents = [agent(['sales', 'care']), agent(['care', 'billing']), agent(['support']), agent(['other', 'x'])];
    expect(pacingGroups(['support', 'sales', 'care', 'billing', 'loans'], agents)).toEqual([
      ['billing', 'care', 'sales'],
      ['loans'],
      ['support'],
    ]);
    // Skills not paced do not link paced ones.
    expect(pacingGroups(['sales', 'care'], [agent(['sales', 'inbound']), agent(['care', 'inbound'])])).toEqual([
      ['care'],
      ['sales'],
    ]);
    // Recomputed from the agents of the moment: the blended agent logs out, the group splits.
    expect(pacingGroups(['sales', 'care'], [agent(['sales']), agent(['care'])])).toEqual([['care'], ['sales']]);
  });

  it('counts each agent of the group once, with every pool’s dials out and callers waiting', () => {
    const agents = [
      agent(['sales', 'care']),
      agent(['sales', 'care'], 'busy', 40),
      agent(['care'], 'other'),
      agent(['support'], 'idle'),
    ];
    const snapshot = groupSnapshot(['care', 'sales'], agents, [
      { skill: 'sales', inFlightElapsedSeconds: [1, 2], waiting: 1 },
      { skill: 'care', inFlightElapsedSeconds: [3], waiting: 0 },
      { skill: 'support', inFlightElapsedSeconds: [9], waiting: 4 },
    ]);
    expect(snapshot).toEqual({
      loggedIn: 3,
      idle: 1,
      busyElapsedSeconds: [40],
      inFlightElapsedSeconds: [1, 2, 3],
      waiting: 1,
    });
    expect(groupSnapshot(['care', 'sales'], agents, [], 1).idle).toBe(0);
  });

  it('merges estimates, and reuses a merge of the same estimates', () => {
    const other: PacingEstimates = {
      dials: 10,
      humanAnswers: 2,
      answerDelaysSeconds: [7, 8],
      handleSeconds: [60],
    };
    const merged = mergeEstimates([estimates, other]);
    expect(merged.dials).toBe(1_010);
    expect(merged.humanAnswers).toBe(302);
    expect(merged.answerDelaysSeconds).toHaveLength(302);
    expect(merged.handleSeconds).toHaveLength(301);
    expect(merged.unansweredSeconds).toHaveLength(700);
    expect(mergeEstimates([estimates, other])).toBe(merged);
    expect(mergeEstimates([estimates, { ...other }])).not.toBe(merged);
    expect(mergeEstimates([estimates])).toBe(estimates);
  });

  it('takes the strictest settings and the lowest braked risk, progressive while any pool is capped', () => {
    expect(
      groupSettings([
        settings,
        { ...settings, targetAbandonRate: 0.01, maxLinesPerAgent: 2, minAgents: 5, ringTimeoutSeconds: 30 },
      ]),
    ).toEqual({ ...settings, targetAbandonRate: 0.01, maxLinesPerAgent: 2, minAgents: 5, ringTimeoutSeconds: 30 });
    expect(
      groupControl([
        { alpha: 0.03, capped: false, brake: 0.5 },
        { alpha: 0.02, capped: false },
      ]),
    ).toEqual({
      alpha: 0.015,
      capped: false,
      brake: 1,
    });
    expect(
      groupControl([
        { alpha: 0.03, capped: false },
        { alpha: 0.05, capped: true },
      ]).capped,
    ).toBe(true);
  });

  it('splits dials by weight, the odd ones in turn', () => {
    expect(splitDials(7, [1, 1])).toEqual([4, 3]);
    expect(splitDials(7, [1, 1], 1)).toEqual([3, 4]);
    expect(splitDials(10, [3, 1])).toEqual([8, 2]);
    expect(splitDials(5, [0, 0, 0], 2)).toEqual([2, 1, 2]);
    expect(splitDials(0, [1, 2])).toEqual([0, 0]);
    for (let dials = 0; dials < 30; dials++)
      for (let turn = 0; turn < 3; turn++)
        expect(splitDials(dials, [2.5, 1, 0.5], turn).reduce((a, b) => a + b, 0)).toBe(dials);
    expect(poolWeights(['care', 'sales'], [agent(['sales', 'care']), agent(['care']), agent(['x'])])).toEqual([
      1.5, 0.5,
    ]);
  });

  it('paces two pools sharing their agents for the agents that exist, not for each pool', () => {
    const agents = Array.from({ length: 10 }, () => agent(['sales', 'care']));
    const pool = (skill: string) => ({ skill, inFlightElapsedSeconds: [], waiting: 0, estimates, control, settings });
    // Alone, each pool dials as if the ten agents were its own.
    const alone = decideDials(groupSnapshot(['sales'], agents, []), estimates, control, settings);
    expect(alone.dials).toBeGreaterThan(10);
    // Together: one decision, the same as one pool with these agents, split between the two.
    const together = decideGroup([pool('care'), pool('sales')], agents);
    expect(together.decision.dials).toBe(alone.dials);
    expect(together.dials.reduce((a, b) => a + b, 0)).toBe(alone.dials);
    expect(Math.abs(together.dials[0] - together.dials[1])).toBeLessThanOrEqual(1);
    // Never beyond the line bound of the agents that exist, however many calls are out.
    const busy = Array.from({ length: 10 }, () => agent(['sales', 'care'], 'busy', 30));
    const full = decideGroup(
      [
        { ...pool('care'), inFlightElapsedSeconds: Array.from({ length: 14 }, () => 1) },
        { ...pool('sales'), inFlightElapsedSeconds: Array.from({ length: 14 }, () => 1), waiting: 1 },
      ],
      busy,
    );
    expect(full.snapshot.inFlightElapsedSeconds).toHaveLength(28);
    expect(full.decision.dials).toBeLessThanOrEqual(30 - 28 - 1);
  });

  it('splits a partly blended group’s dials where its agents are free now, else by all its agents', () => {
    const pool = (skill: string) => ({ skill, inFlightElapsedSeconds: [], waiting: 0, estimates, control, settings });
    // Only care agents are idle: a sales call answered now would find nobody; care gets every dial.
    const careFree = [
      ...Array.from({ length: 4 }, () => agent(['care'])),
      ...Array.from({ length: 4 }, () => agent(['sales'], 'busy', 30)),
      agent(['care', 'sales'], 'busy', 30),
    ];
    const split = decideGroup([pool('care'), pool('sales')], careFree);
    expect(split.decision.dials).toBeGreaterThan(0);
    expect(split.dials).toEqual([split.decision.dials, 0]);
    // Nobody idle: by all the group's agents (4.5 each way).
    const allBusy = careFree.map((a) => ({ ...a, state: 'busy' as const, busySeconds: 150 }));
    const busySplit = decideGroup([pool('care'), pool('sales')], allBusy);
    expect(Math.abs(busySplit.dials[0] - busySplit.dials[1])).toBeLessThanOrEqual(1);
  });

  // Two simulated hours of two pools, twice: some seconds of CPU.
  jest.setTimeout(60_000);

  it('in the simulation, keeps each blended pool under its target where pacing each pool alone does not', async () => {
    // Twenty agents, each with both skills; 15% of dials answered by a person; two simulated hours.
    const scenario = {
      strategy: { kind: 'predictive' as const },
      agents: 20,
      skills: ['care', 'sales'],
      answerRate: 0.15,
      hours: 2,
      seed: 'pacing-blended:all 20 blended:0.15',
    };
    const alone = await simulatePacing({ ...scenario, pacingScope: 'pool' });
    const grouped = await simulatePacing({ ...scenario, pacingScope: 'group' });
    const target = DEFAULT_PACING_SETTINGS.targetAbandonRate;
    // Alone, each pool dials for the twenty agents: one of them abandons above the target.
    expect(Math.max(...alone.pools.map((pool) => pool.abandonRate))).toBeGreaterThan(target);
    // Grouped, both pools stay under it, each measured on its own calls, and both are dialed.
    for (const pool of grouped.pools) {
      expect(pool.answers).toBeGreaterThan(200);
      expect(pool.abandonRate).toBeLessThan(target);
    }
    // Never more out and waiting than the lines of the agents that exist (3 × 20).
    expect(grouped.mostOutAndWaiting).toBeLessThanOrEqual(DEFAULT_PACING_SETTINGS.maxLinesPerAgent * 20);
  });
});

import { bestRun, FrontierPoint, frontierAt, paretoFrontier, sweep, sweepSettings } from './pacing-frontier';
import { simulatePacing, trueEstimates } from './pacing-simulation';
import { DEFAULT_SIMULATOR_SETTINGS } from '../../../telephony/src';

const point = (occupancy: number, abandonRate: number, worstHourAbandonRate = abandonRate): FrontierPoint => ({
  family: 'power',
  knob: '',
  occupancy,
  abandonRate,
  worstHourAbandonRate,
  dials: 0,
});

describe('frontiers', () => {
  it('keep the points nothing beats, and join them by straight lines', () => {
    const points = [point(0.8, 0.01), point(0.7, 0.02), point(0.9, 0.03), point(0.6, 0)];
    const frontier = paretoFrontier(points);
    expect(frontier.map((p) => p.occupancy)).toEqual([0.6, 0.8, 0.9]);
    expect(frontierAt(frontier, 0.005)).toBeCloseTo(0.7, 12);
    expect(frontierAt(frontier, 0.02)).toBeCloseTo(0.85, 12);
    expect(frontierAt(frontier, 0.05)).toBe(0.9);
    expect(frontierAt(paretoFrontier([point(0.8, 0.01)]), 0.005)).toBeUndefined();
  });

  it('pick the best run under a cap on the run and on its worst hour', () => {
    const points = [point(0.8, 0.01, 0.02), point(0.9, 0.02, 0.04), point(0.85, 0.025, 0.03)];
    expect(bestRun(points, 0.02)?.occupancy).toBe(0.9);
    expect(bestRun(points, 0.025, 0.03)?.occupancy).toBe(0.85);
    expect(bestRun(points, 0.005)).toBeUndefined();
  });
});

describe('the reference dialers on the simulator', () => {
  jest.setTimeout(60_000);
  const scenario = { agents: 10, answerRate: 0.3, hours: 0.5, seed: 'references' };

  it('the clairvoyant dialer foresees every call (else the run fails), abandons nobody and keeps agents busy', async () => {
    const run = await simulatePacing({ ...scenario, strategy: { kind: 'clairvoyant' } });
    expect(run.abandons).toBe(0);
    expect(run.occupancy).toBeGreaterThan(0.95);
  });

  it('the Erlang floor dials at its rate whatever happens: more blocking allowed, more dials', async () => {
    const [low, high] = [
      await simulatePacing({ ...scenario, strategy: { kind: 'erlang', blocking: 0.01 } }),
      await simulatePacing({ ...scenario, strategy: { kind: 'erlang', blocking: 0.1 } }),
    ];
    // 10 agents at 1%: 4.46 erlangs of 150.6 s calls at 30% answered, 0.0988 dials a second.
    expect(low.dials).toBeGreaterThanOrEqual(Math.floor(0.0988 * 1800) - 1);
    expect(low.dials).toBeLessThanOrEqual(Math.ceil(0.0988 * 1800) + 1);
    expect(high.dials).toBeGreaterThan(low.dials);
  });

  it('the true distributions are the simulator’s: the answered share it is set for', () => {
    const truth = trueEstimates({ ...DEFAULT_SIMULATOR_SETTINGS, machineShare: 0, answerProbability: 0.345 }, 25);
    // 88% of dials reach a phone, 98.9% of those ring less than 25 s.
    expect(truth.humanAnswers / truth.dials).toBeCloseTo(0.88 * 0.345 * 0.989, 2);
    expect(truth.answerDelaysSeconds).toHaveLength(500);
    expect(Math.max(...truth.answerDelaysSeconds)).toBeLessThan(26.5);
  });

  it('a sweep replays from its seed, run for run', async () => {
    const settings = sweepSettings().filter((s) => s.knob === '2.00:1' || s.knob === 'target 2.00%');
    expect(settings.map((s) => s.family)).toEqual(['power', 'predictive', 'predictive (true)']);
    const short = { ...scenario, hours: 0.25 };
    expect(await sweep(short, settings)).toEqual(await sweep(short, settings));
  });
});

import { DEFAULT_PACING_SETTINGS } from './pacer';
import {
  DEFAULT_CALL_FIGURES,
  MeasuredCalls,
  MIN_MEASURED_CALLS,
  MIN_MEASURED_DIALS,
  resolveFigures,
  whatIfScenarios,
} from './what-if';

const history = (over: Partial<MeasuredCalls> = {}): MeasuredCalls => ({
  days: 7,
  dials: 1_000,
  humanAnswers: 250,
  ringSecondsMean: 11,
  talkSecondsMean: 180,
  wrapUpSecondsMean: null,
  ...over,
});

describe('what-if figures', () => {
  it("takes the pool's measured answer share, ring, talk and wrap-up times, and defaults for what cannot be measured", () => {
    expect(resolveFigures(history({ wrapUpSecondsMean: 14 })).wrapUpSecondsMean).toEqual({
      value: 14,
      source: 'measured',
    });
    expect(resolveFigures(history())).toEqual({
      answerRate: { value: 0.25, source: 'measured' },
      ringSecondsMean: { value: 11, source: 'measured' },
      talkSecondsMean: { value: 180, source: 'measured' },
      wrapUpSecondsMean: { value: DEFAULT_CALL_FIGURES.wrapUpSecondsMean, source: 'default' },
      patienceSecondsMean: { value: DEFAULT_CALL_FIGURES.patienceSecondsMean, source: 'default' },
    });
  });

  it('prefers what the tenant gives over what was measured', () => {
    const figures = resolveFigures(history(), { answerRate: 0.4, patienceSecondsMean: 60 });
    expect(figures.answerRate).toEqual({ value: 0.4, source: 'given' });
    expect(figures.patienceSecondsMean).toEqual({ value: 60, source: 'given' });
    expect(figures.talkSecondsMean.source).toBe('measured');
  });

  it('does not trust a history too short to measure', () => {
    const short = resolveFigures(history({ dials: MIN_MEASURED_DIALS - 1, humanAnswers: MIN_MEASURED_CALLS - 1 }));
    for (const figure of Object.values(short)) expect(figure.source).toBe('default');
    expect(resolveFigures(null).answerRate).toEqual({ value: DEFAULT_CALL_FIGURES.answerRate, source: 'default' });
  });
});

describe('what-if scenarios', () => {
  it("runs every strategy on the same seeded calls, with the agents' wrap-up", () => {
    const figures = resolveFigures(history(), { wrapUpSecondsMean: 20 });
    const runs = whatIfScenarios(
      { skill: 'sales', agents: 12, hours: 3 },
      figures,
      { ...DEFAULT_PACING_SETTINGS, maxAbandonRate: 0.02, targetAbandonRate: 0.015 },
      'seed-1',
    );
    expect(runs.map((r) => r.name)).toEqual(['progressive', 'power 2:1', 'predictive']);
    for (const { scenario } of runs) {
      expect(scenario).toMatchObject({
        agents: 12,
        hours: 3,
        seed: 'seed-1',
        answerRate: 0.25,
        talkSecondsMean: 180,
        wrapUpSecondsMean: 20,
        pacing: { maxAbandonRate: 0.02, targetAbandonRate: 0.015, ringTimeoutSeconds: 30 },
        simulator: { ringSecondsMean: 11, patienceSecondsMean: DEFAULT_CALL_FIGURES.patienceSecondsMean },
      });
    }
  });

  it('uses the strategies and ring timeout asked for', () => {
    const runs = whatIfScenarios(
      { skill: 'sales', agents: 5, hours: 1, ringTimeoutSeconds: 25, strategies: [{ kind: 'power', ratio: 1.5 }] },
      resolveFigures(null),
      DEFAULT_PACING_SETTINGS,
      's',
    );
    expect(runs).toHaveLength(1);
    expect(runs[0].name).toBe('power 1.5:1');
    expect(runs[0].scenario.strategy).toEqual({ kind: 'power', ratio: 1.5 });
    expect(runs[0].scenario.pacing?.ringTimeoutSeconds).toBe(25);
  });
});

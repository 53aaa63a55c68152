import {
  adjustRisk,
  ALPHA_MAX,
  ALPHA_MIN,
  answerChance,
  chanceAllTaken,
  decideDials,
  DEFAULT_PACING_SETTINGS,
  endsWithin,
  expectedExcess,
  initialControl,
  MeasuredAbandons,
  MIN_FEEDBACK_ANSWERS,
  PacingControl,
  PacingEstimates,
  PacingSettings,
  PoolSnapshot,
} from './pacer';
import { simulatePacing } from './pacing-simulation';

const settings: PacingSettings = { ...DEFAULT_PACING_SETTINGS, ringTimeoutSeconds: 25 };
const range = (from: number, to: number, n: number) =>
  Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

/** A pool with history: 30% answered, answers 5–20 s after the dial, handle times 60–240 s. */
const estimates: PacingEstimates = {
  dials: 1000,
  humanAnswers: 300,
  answerDelaysSeconds: range(5, 20, 100),
  handleSeconds: range(60, 240, 100),
};
const control: PacingControl = { alpha: 0.02, capped: false };
const pool = (overrides: Partial<PoolSnapshot>): PoolSnapshot => ({
  loggedIn: 10,
  idle: 0,
  busyElapsedSeconds: [],
  inFlightElapsedSeconds: [],
  waiting: 0,
  ...overrides,
});

describe('the pacer’s arithmetic', () => {
  it('expectedExcess is E[(X − f)+] for a Poisson X', () => {
    // X ~ Poisson(2): E[(X − 1)+] = E[X] − 1 + P(X = 0) = 1 + e^-2; E[(X − 2)+] = 2·P(0) + P(1) = 4e^-2.
    expect(expectedExcess(2, 1)).toBeCloseTo(1 + Math.exp(-2), 9);
    expect(expectedExcess(2, 2)).toBeCloseTo(4 * Math.exp(-2), 9);
    expect(expectedExcess(2, 0)).toBeCloseTo(2, 9);
    expect(expectedExcess(0, 1)).toBe(0);
  });

  it('chanceAllTaken is P(X ≥ c + Y) for Poisson answers X and agents freeing Y', () => {
    // Nobody freeing: P(X ≥ 1) for X ~ Poisson(2).
    expect(chanceAllTaken(2, 1, 0)).toBeCloseTo(1 - Math.exp(-2), 9);
    expect(chanceAllTaken(2, 0, 0)).toBe(1);
    expect(chanceAllTaken(0, 1, 0)).toBe(0);
    // X, Y ~ Poisson(1): P(X ≥ Y) = (1 + P(X = Y)) / 2 = (1 + e^-2 · I0(2)) / 2, I0(2) = 2.2795853.
    expect(chanceAllTaken(1, 0, 1)).toBeCloseTo((1 + Math.exp(-2) * 2.2795853) / 2, 6);
    // Past the Poisson tables, the normal approximation carries on where they left off.
    expect(chanceAllTaken(400, 400, 101)).toBeCloseTo(chanceAllTaken(399, 400, 101), 1);
  });

  it('answerChance: a dial still out after e seconds, the chance a person answers it', () => {
    const delays = [5, 10, 15, 20];
    expect(answerChance(0.3, delays, 0, 25)).toBeCloseTo(0.3, 9);
    // Half the answers come later than 12 s: 0.15 answering against 0.7 still ringing out.
    expect(answerChance(0.3, delays, 12, 25)).toBeCloseTo(0.15 / 0.85, 9);
    // Knowing that half the unanswered dials end at once (busy, failed), those still out are likelier.
    expect(answerChance(0.3, delays, 12, 25, [1, 1, 30, 30])).toBeCloseTo(0.15 / 0.5, 9);
    expect(answerChance(0.3, delays, 20, 25)).toBe(0);
    expect(answerChance(0.3, delays, 25, 25)).toBe(0);
    expect(answerChance(0.3, [], 3, 25)).toBe(0);
  });

  it('endsWithin: the chance something that lasted e ends within h more', () => {
    const sample = range(1, 100, 100);
    expect(endsWithin(sample, 50, 10, 60)).toBeCloseTo(10 / 50, 9);
    expect(endsWithin(sample, 0, 100, 60)).toBe(1);
    // Past the sample (3 values left), memoryless with the mean given.
    expect(endsWithin(sample, 97, 10, 60)).toBeCloseTo(1 - Math.exp(-10 / 60), 9);
  });
});

describe('decideDials', () => {
  it('dials nothing with no agent logged in, whatever else it knows', () => {
    // Even with a stale count of idle agents beside it.
    const decision = decideDials(
      pool({ loggedIn: 0, idle: 3 }),
      estimates,
      { alpha: ALPHA_MAX, capped: false },
      settings,
    );
    expect(decision).toMatchObject({ mode: 'stopped', reason: 'no_agents', dials: 0 });
  });

  it('dials progressive while learning, with too few agents, and while capped', () => {
    const snapshot = pool({ idle: 5, busyElapsedSeconds: [100, 100], inFlightElapsedSeconds: [3] });
    expect(decideDials(snapshot, { ...estimates, dials: 49 }, control, settings)).toMatchObject({
      mode: 'progressive',
      reason: 'learning',
      dials: 4,
    });
    expect(decideDials(snapshot, { ...estimates, humanAnswers: 0 }, control, settings).reason).toBe('learning');
    const two = pool({ loggedIn: 2, idle: 2 });
    expect(decideDials(two, estimates, control, settings)).toMatchObject({ reason: 'too_few_agents', dials: 2 });
    expect(decideDials(snapshot, estimates, { alpha: ALPHA_MAX, capped: true }, settings)).toMatchObject({
      mode: 'progressive',
      reason: 'over_cap',
      dials: 4,
    });
  });

  it('dials ahead of agents about to free, and more with a higher risk bound', () => {
    // All ten agents busy for 220 s of handles that last 60–240 s: all free within 20 s.
    const snapshot = pool({ busyElapsedSeconds: Array(10).fill(220) });
    const low = decideDials(snapshot, estimates, { alpha: 0.01, capped: false }, settings);
    const high = decideDials(snapshot, estimates, { alpha: 0.05, capped: false }, settings);
    expect(low).toMatchObject({ mode: 'predictive', progressive: 0 });
    expect(low.dials).toBeGreaterThan(0);
    expect(high.dials).toBeGreaterThan(low.dials);
    // Agents just connected will not free soon: nothing to dial for them.
    expect(decideDials(pool({ busyElapsedSeconds: Array(10).fill(1) }), estimates, control, settings).dials).toBe(0);
  });

  it('never dials fewer than progressive would', () => {
    // Risk allowed: almost none; idle agents: eight, one call already out for them.
    const snapshot = pool({ idle: 8, busyElapsedSeconds: [10, 10], inFlightElapsedSeconds: [24] });
    const decision = decideDials(snapshot, estimates, { alpha: ALPHA_MIN, capped: false }, settings);
    expect(decision.progressive).toBe(7);
    expect(decision.dials).toBeGreaterThanOrEqual(7);
  });

  it('never has more than maxLinesPerAgent calls out per working agent', () => {
    // One answer in a hundred dials: the risk would allow far more than the line cap.
    const rare = { ...estimates, humanAnswers: 10 };
    const snapshot = pool({ idle: 10, inFlightElapsedSeconds: [1, 2, 3, 4, 5], waiting: 0 });
    const decision = decideDials(snapshot, rare, { alpha: ALPHA_MAX, capped: false }, settings);
    expect(decision.dials).toBe(3 * 10 - 5);
    expect(decideDials(snapshot, rare, control, { ...settings, maxLinesPerAgent: 1.5 }).dials).toBe(10);
  });

  it('does not take a young pool’s short first calls for its handle time', () => {
    // The only handles seen are the first to end, 10–50 s; ten agents have been busy 60 s already.
    const young = { ...estimates, handleSeconds: [10, 20, 30, 40, 50] };
    const decision = decideDials(pool({ busyElapsedSeconds: Array(10).fill(60) }), young, control, settings);
    expect(decision.expectedFreeAgents).toBeLessThan(3);
  });
});

describe('adjustRisk', () => {
  const measured = (
    recent: [number, number],
    compliance = recent,
    burst: [number, number] = [0, 0],
  ): MeasuredAbandons => ({
    compliance: { answered: compliance[0], abandoned: compliance[1] },
    recent: { answered: recent[0], abandoned: recent[1] },
    burst: { answered: burst[0], abandoned: burst[1] },
  });
  const start: PacingControl = { alpha: 0.02, capped: false };

  it('starts new pools at half the target', () => {
    expect(initialControl(settings).alpha).toBe(settings.targetAbandonRate / 2);
  });

  it('lowers alpha above the target, raises it below, and waits for enough answers', () => {
    expect(adjustRisk(start, measured([400, 12]), settings).alpha).toBeLessThan(0.02);
    expect(adjustRisk(start, measured([400, 4]), settings).alpha).toBeGreaterThan(0.02);
    expect(adjustRisk(start, measured([MIN_FEEDBACK_ANSWERS - 1, 10]), settings).alpha).toBe(0.02);
    // Down faster than up: 3% measured against 1% measured, each half the target away.
    const down = Math.log(0.02 / adjustRisk(start, measured([400, 12]), settings).alpha);
    const up = Math.log(adjustRisk(start, measured([400, 4]), settings).alpha / 0.02);
    expect(down).toBeCloseTo(3 * up, 9);
  });

  it('stays within its bounds', () => {
    expect(adjustRisk({ alpha: ALPHA_MAX, capped: false }, measured([400, 0]), settings).alpha).toBe(ALPHA_MAX);
    expect(adjustRisk({ alpha: ALPHA_MIN, capped: false }, measured([400, 200]), settings).alpha).toBe(ALPHA_MIN);
  });

  it('goes progressive at the compliance cap until the rate is back under the target, learning nothing upward', () => {
    const capped = adjustRisk(start, measured([400, 4], [1000, 30]), settings);
    expect(capped.capped).toBe(true);
    expect(adjustRisk(start, measured([400, 4], [1000, 29]), settings).capped).toBe(false);
    // Still over the target: still capped; and a quiet last hour does not raise alpha meanwhile.
    const still = adjustRisk(capped, measured([400, 0], [1000, 25]), settings);
    expect(still).toMatchObject({ capped: true, alpha: capped.alpha });
    expect(adjustRisk(still, measured([400, 0], [1000, 20]), settings).capped).toBe(false);
  });

  it('brakes while the last hour is above the target, down to e^-4 at the cap', () => {
    expect(adjustRisk(start, measured([400, 6]), settings).brake).toBe(1);
    expect(adjustRisk(start, measured([400, 10]), settings).brake).toBeCloseTo(Math.exp(-2), 9);
    expect(adjustRisk(start, measured([400, 12]), settings).brake).toBeCloseTo(Math.exp(-4), 9);
    const brake = adjustRisk(start, measured([400, 12]), settings).brake as number;
    // The fast loop applies it.
    const snapshot = pool({ busyElapsedSeconds: Array(10).fill(220) });
    const braked = decideDials(snapshot, estimates, { alpha: 0.1, capped: false, brake }, settings);
    expect(braked.dials).toBe(decideDials(snapshot, estimates, { alpha: 0.1 * brake, capped: false }, settings).dials);
    expect(braked.dials).toBeLessThan(decideDials(snapshot, estimates, { alpha: 0.1, capped: false }, settings).dials);
  });

  it('halves alpha when the last minute abandoned more than half its answers', () => {
    expect(adjustRisk(start, measured([400, 8], [400, 8], [20, 11]), settings).alpha).toBeCloseTo(0.01, 9);
  });
});

describe('the pacer on the simulator (virtual time, fixed seeds)', () => {
  // A few seconds each on an idle machine; the margin is for a loaded one.
  jest.setTimeout(60_000);

  it('places no call in an hour with no agent logged in', async () => {
    const idle = await simulatePacing({
      strategy: { kind: 'predictive' },
      agents: 0,
      answerRate: 0.3,
      hours: 1,
      seed: 'guard',
    });
    expect(idle.dials).toBe(0);
    expect(Object.keys(idle.reasons)).toEqual(['no_agents']);
    // The same pool with five agents does dial.
    const five = await simulatePacing({
      strategy: { kind: 'predictive' },
      agents: 5,
      answerRate: 0.3,
      hours: 1,
      seed: 'guard',
    });
    expect(five.dials).toBeGreaterThan(100);
  });

  it('pulls a deliberately aggressive start back under the cap', async () => {
    const scenario = { agents: 20, answerRate: 0.3, hours: 2, seed: 'aggressive' };
    const aggressive = { alpha: ALPHA_MAX, capped: false };
    const open = await simulatePacing({
      ...scenario,
      strategy: { kind: 'predictive', initialControl: aggressive, adjust: false },
    });
    const fed = await simulatePacing({ ...scenario, strategy: { kind: 'predictive', initialControl: aggressive } });
    // Without the slow loop, that risk abandons callers far beyond the cap, hour after hour.
    expect(open.hourlyAbandonRates[1]).toBeGreaterThan(3 * settings.maxAbandonRate);
    // With it: under the cap in each hour and over the run, the last hour under the target, and
    // the risk taken at the end (alpha, braked while the last hour is over the target) under a
    // third of the start.
    expect(Math.max(...fed.hourlyAbandonRates)).toBeLessThanOrEqual(settings.maxAbandonRate);
    expect(fed.abandonRate).toBeLessThanOrEqual(settings.maxAbandonRate);
    expect(fed.hourlyAbandonRates[1]).toBeLessThan(settings.targetAbandonRate);
    const { alpha, brake } = fed.finalControl as PacingControl;
    expect(alpha * (brake ?? 1)).toBeLessThan(ALPHA_MAX / 3);
  });

  it('progressive dialing abandons nobody and matches its occupancy model; predictive does better', async () => {
    const scenario = { agents: 20, answerRate: 0.3, hours: 2, seed: 'model' };
    const progressive = await simulatePacing({ ...scenario, strategy: { kind: 'progressive' } });
    expect(progressive.abandons).toBe(0);
    expect(Math.abs(progressive.occupancy - progressive.theoreticalProgressiveOccupancy)).toBeLessThan(0.03);
    const predictive = await simulatePacing({ ...scenario, strategy: { kind: 'predictive' } });
    expect(predictive.occupancy).toBeGreaterThan(progressive.occupancy + 0.1);
    expect(predictive.abandonRate).toBeLessThanOrEqual(settings.maxAbandonRate);
  });

  it('replays a seed to the call', async () => {
    const scenario = {
      strategy: { kind: 'predictive' as const },
      agents: 10,
      answerRate: 0.15,
      hours: 0.5,
      seed: 'replay',
    };
    const [a, b] = [await simulatePacing(scenario), await simulatePacing(scenario)];
    expect({ ...a, wallMilliseconds: 0 }).toEqual({ ...b, wallMilliseconds: 0 });
  });
});

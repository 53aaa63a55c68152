/**
 * Predictive pacing: how many calls a pool (tenant + skill) should place now. Pure: every input is
 * given, nothing is read or written here, so the engine, the tests and the simulation benchmark
 * all run the very same decision.
 *
 * Two loops, after the look-ahead design in the pacing research notes:
 * - the fast loop (`decideDials`, every tick) looks a short horizon ahead: the agents expected free
 *   when a call placed now would be answered, against the answers expected from calls already
 *   ringing plus the new ones, and dials the most calls whose expected share of answers left
 *   without an agent stays under the risk bound `alpha`;
 * - the slow loop (`adjustRisk`, every few seconds) moves `alpha` so the abandon rate actually
 *   measured stays at the pacer's target, under the legal cap.
 *
 * Guards: nothing is dialed with no agent logged in; never fewer calls than progressive dialing
 * (one per idle agent) would place; progressive until enough samples exist or with too few agents;
 * at most `maxLinesPerAgent` calls out per working agent.
 */

export interface PacingSettings {
  /** The legal cap on abandoned ÷ answered-by-a-person over the compliance window (0.03). */
  maxAbandonRate: number;
  /** What the pacer aims at, below the cap (0.02). */
  targetAbandonRate: number;
  /** Calls out (ringing or waiting) per working agent, at most. */
  maxLinesPerAgent: number;
  /** Dials observed before the pacer predicts; progressive until then. */
  minDialSamples: number;
  /** Agents (idle or busy) needed to predict; progressive with fewer. */
  minAgents: number;
  /** An answered caller waits this long for an agent before being abandoned (seconds). */
  connectThresholdSeconds: number;
  /** The ring timeout of the pool's dials (seconds): a dial still ringing after it will not answer. */
  ringTimeoutSeconds: number;
}

export const DEFAULT_PACING_SETTINGS: PacingSettings = {
  maxAbandonRate: 0.03,
  targetAbandonRate: 0.02,
  maxLinesPerAgent: 3,
  minDialSamples: 50,
  minAgents: 3,
  connectThresholdSeconds: 2,
  ringTimeoutSeconds: 30,
};

/** What was measured of the pool's recent calls. */
export interface PacingEstimates {
  /** Dials that ended (or were answered) in the estimation window. */
  dials: number;
  /** Of those, answered by a person. */
  humanAnswers: number;
  /** Dial to a person answering, seconds, for recent answered calls (a sample). */
  answerDelaysSeconds: readonly number[];
  /** How long an agent stays busy with a call (talk, then wrap-up), seconds (a sample). */
  handleSeconds: readonly number[];
}

/** The pool now. */
export interface PoolSnapshot {
  /** Agents of the skill logged in, whatever their state. */
  loggedIn: number;
  /** Available and not reserved for a dial. */
  idle: number;
  /** Seconds each busy agent (on a call or in wrap-up) has been so. */
  busyElapsedSeconds: readonly number[];
  /** Seconds each unanswered dial of the pool has been out. */
  inFlightElapsedSeconds: readonly number[];
  /** Answered callers waiting for an agent. */
  waiting: number;
}

export type PacingMode = 'stopped' | 'progressive' | 'predictive';

export interface PacingDecision {
  mode: PacingMode;
  /** Why this mode: no_agents, learning, too_few_agents, over_cap, predicting. */
  reason: string;
  /** New calls to place now. */
  dials: number;
  /** What progressive dialing would place now (the floor). */
  progressive: number;
  /** Agents expected free when a call placed now is answered. */
  expectedFreeAgents: number;
  /** Answers expected from the calls already out. */
  expectedAnswersInFlight: number;
}

/** The slow loop's state, kept by the pacing leader (and handed on to the next one). */
export interface PacingControl {
  /** The fast loop's bound on the expected share of answers that find no agent. */
  alpha: number;
  /** True while the compliance-window rate is at the cap: progressive only. */
  capped: boolean;
}

export const ALPHA_MIN = 0.001;
export const ALPHA_MAX = 0.2;

export function initialControl(settings: PacingSettings): PacingControl {
  return { alpha: settings.targetAbandonRate, capped: false };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** P(a value of the sample ≤ e + h | it is > e): the chance something that lasted e ends within h more. */
export function endsWithin(sample: readonly number[], elapsed: number, horizon: number, fallbackMean: number): number {
  let alive = 0;
  let ending = 0;
  for (const value of sample) {
    if (value > elapsed) {
      alive++;
      if (value <= elapsed + horizon) ending++;
    }
  }
  // Too little data past this point: memoryless, with the remaining mean.
  if (alive < 5) return 1 - Math.exp(-horizon / Math.max(1, fallbackMean));
  return ending / alive;
}

/** The chance a dial still unanswered after `elapsed` seconds is eventually answered by a person. */
export function answerChance(
  p: number,
  answerDelays: readonly number[],
  elapsed: number,
  ringTimeoutSeconds: number,
): number {
  if (elapsed >= ringTimeoutSeconds || answerDelays.length === 0) return 0;
  const later = answerDelays.filter((d) => d > elapsed).length / answerDelays.length;
  // Dials not answered by a person mostly ring until the timeout (busy and failed end at once,
  // so early on this slightly underestimates, which errs toward fewer dials).
  const answering = p * later;
  return answering / (answering + (1 - p));
}

/** E[(X − f)+] for X ~ Poisson(mu). */
export function expectedExcess(mu: number, f: number): number {
  if (mu <= 0) return Math.max(0, -f);
  let pk = Math.exp(-mu);
  let excess = 0;
  let cumulative = 0;
  const limit = Math.ceil(mu + 12 * Math.sqrt(mu) + 20);
  for (let k = 0; k <= limit; k++) {
    if (k > 0) pk *= mu / k;
    cumulative += pk;
    if (k > f) excess += (k - f) * pk;
  }
  // Mass beyond the loop is negligible (< 1e-12) with this limit.
  return cumulative > 0 ? excess / cumulative : 0;
}

export function decideDials(
  pool: PoolSnapshot,
  estimates: PacingEstimates,
  control: PacingControl,
  settings: PacingSettings,
): PacingDecision {
  const inFlight = pool.inFlightElapsedSeconds.length;
  const progressive = Math.max(0, pool.idle - inFlight - pool.waiting);
  const base = { progressive, expectedFreeAgents: pool.idle, expectedAnswersInFlight: 0 };
  if (pool.loggedIn === 0) return { ...base, mode: 'stopped', reason: 'no_agents', dials: 0 };
  const working = pool.idle + pool.busyElapsedSeconds.length;
  if (estimates.dials < settings.minDialSamples || estimates.humanAnswers === 0)
    return { ...base, mode: 'progressive', reason: 'learning', dials: progressive };
  if (working < settings.minAgents)
    return { ...base, mode: 'progressive', reason: 'too_few_agents', dials: progressive };
  if (control.capped) return { ...base, mode: 'progressive', reason: 'over_cap', dials: progressive };

  const p = Math.min(1, estimates.humanAnswers / estimates.dials);
  const answerTimes = new SortedSample(estimates.answerDelaysSeconds);
  const handles = new HandleSurvival(estimates.handleSeconds, pool.busyElapsedSeconds);
  const threshold = settings.connectThresholdSeconds;
  const timeout = settings.ringTimeoutSeconds;
  // Checkpoints every second until the last answer can come: at each, the answers by then against
  // the agents free by then plus the threshold (an answered caller waits that long).
  const last = Math.min(timeout, Math.ceil(answerTimes.max()));
  const steps = Math.max(1, last);
  const comingBy = new Float64Array(steps);
  const newBy = new Float64Array(steps);
  const freeingBy = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    const t = k + 1;
    newBy[k] = p * answerTimes.fractionAtMost(t);
    for (const elapsed of pool.busyElapsedSeconds) freeingBy[k] += handles.endsWithin(elapsed, t + threshold);
  }
  let coming = 0;
  for (const elapsed of pool.inFlightElapsedSeconds) {
    if (elapsed >= timeout) continue;
    const before = answerTimes.fractionAtMost(elapsed);
    const alive = p * (1 - before) + (1 - p);
    coming += (p * (1 - before)) / alive;
    for (let k = 0; k < steps; k++) comingBy[k] += (p * (answerTimes.fractionAtMost(elapsed + k + 1) - before)) / alive;
  }
  // Agents that will surely be free for the new calls: idle now, less the callers already waiting.
  const idle = pool.idle - pool.waiting;
  const weights = new Float64Array(steps);
  for (let k = 0; k < steps; k++) weights[k] = newBy[k] / p - (k > 0 ? newBy[k - 1] / p : 0);
  // The chance that one more call, placed now after n others, finds no agent if answered.
  const marginal = (n: number) => {
    let chance = 0;
    for (let k = 0; k < steps; k++)
      if (weights[k] > 0) chance += weights[k] * chanceAllTaken(comingBy[k] + n * newBy[k], idle, freeingBy[k]);
    return chance;
  };
  const cap = Math.max(0, Math.floor(settings.maxLinesPerAgent * working) - inFlight - pool.waiting);
  let best = 0;
  for (let n = 1; n <= cap; n++) {
    if (marginal(n - 1) > control.alpha) break;
    best = n;
  }
  const dials = Math.min(cap, Math.max(best, progressive));
  const tau = answerTimes.mean() ?? timeout / 3;
  let expectedFree = idle;
  for (const elapsed of pool.busyElapsedSeconds) expectedFree += handles.endsWithin(elapsed, tau + threshold);
  return {
    mode: 'predictive',
    reason: 'predicting',
    dials,
    progressive,
    expectedFreeAgents: expectedFree,
    expectedAnswersInFlight: coming,
  };
}

/** P(X ≥ c + Y) for X ~ Poisson(mu) answers before, Y ~ Poisson(freeing) agents freeing, c free now. */
export function chanceAllTaken(mu: number, free: number, freeing: number): number {
  const x = poissonTable(mu);
  let pk = Math.exp(-freeing);
  let total = 0;
  let mass = 0;
  const limit = Math.ceil(freeing + 12 * Math.sqrt(freeing) + 20);
  for (let y = 0; y <= limit; y++) {
    if (y > 0) pk *= freeing / y;
    mass += pk;
    total += pk * x.atLeast(free + y);
  }
  return mass > 0 ? total / mass : 0;
}

/**
 * E[(X − Y − c)+] for X ~ Poisson(mu) answers and Y ~ Poisson(freeing) agents freeing, with c
 * agents free already: the expected number of answers left without an agent.
 */
export function expectedShortfall(mu: number, free: number, freeing: number): number {
  const x = poissonTable(mu);
  let pk = Math.exp(-freeing);
  let total = 0;
  let mass = 0;
  const limit = Math.ceil(freeing + 12 * Math.sqrt(freeing) + 20);
  for (let y = 0; y <= limit; y++) {
    if (y > 0) pk *= freeing / y;
    mass += pk;
    total += pk * x.excess(free + y);
  }
  return mass > 0 ? total / mass : 0;
}

/** The Poisson distribution of one mean, tabulated so E[(X − f)+] costs O(1) for any integer f. */
function poissonTable(mu: number) {
  const limit = Math.ceil(mu + 12 * Math.sqrt(mu) + 20);
  // below[f] = E[(f − X)+] = Σ_{k<f} (f − k) P(X = k), built from the CDF: below[f+1] = below[f] + P(X ≤ f).
  const below = new Float64Array(limit + 2);
  let pk = Math.exp(-mu);
  let cdf = 0;
  for (let k = 0; k <= limit; k++) {
    if (k > 0) pk *= mu / k;
    cdf += pk;
    below[k + 1] = below[k] + cdf;
  }
  return {
    atLeast(f: number): number {
      const i = Math.ceil(f);
      if (i <= 0) return 1;
      if (i > limit) return 0;
      // P(X ≥ i) = 1 − P(X ≤ i − 1) = 1 − (below[i] − below[i − 1])
      return Math.max(0, 1 - (below[i] - below[i - 1]));
    },
    // E[(X − f)+] = E[X] − f + E[(f − X)+]
    excess(f: number): number {
      if (f <= 0) return mu - f;
      const i = Math.ceil(f);
      if (i > limit) return 0;
      const under = below[i] + (f - i) * (i > 0 ? below[i] - below[i - 1] : 0);
      return Math.max(0, mu - f + under);
    },
  };
}

/** A sorted sample: its distribution function at any point in O(log n). */
class SortedSample {
  private readonly values: Float64Array;

  constructor(sample: readonly number[]) {
    this.values = Float64Array.from(sample).sort();
  }

  fractionAtMost(x: number): number {
    return this.values.length ? countAtMost(this.values, x) / this.values.length : 0;
  }

  max(): number {
    return this.values.length ? this.values[this.values.length - 1] : 0;
  }

  mean(): number | undefined {
    return this.values.length ? this.values.reduce((a, b) => a + b, 0) / this.values.length : undefined;
  }
}

function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Handle time survival, Kaplan–Meier: finished handles are observed, the busy agents' elapsed
 * times are lower bounds (censored). Without the busy agents a young pool would learn only from
 * its shortest calls, the first to end, and expect agents free far too soon.
 */
class HandleSurvival {
  private readonly times: Float64Array;
  private readonly survival: Float64Array;
  private readonly everything: Float64Array;
  private readonly mean: number;

  constructor(finished: readonly number[], busyElapsed: readonly number[]) {
    const items = [
      ...finished.map((value) => ({ value, ended: true })),
      ...busyElapsed.map((value) => ({ value, ended: false })),
    ].sort((a, b) => a.value - b.value || (a.ended ? -1 : 1));
    const times: number[] = [];
    const survival: number[] = [];
    let atRisk = items.length;
    let s = 1;
    for (const item of items) {
      if (item.ended) {
        s *= 1 - 1 / atRisk;
        times.push(item.value);
        survival.push(s);
      }
      atRisk--;
    }
    this.times = Float64Array.from(times);
    this.survival = Float64Array.from(survival);
    this.everything = Float64Array.from(items.map((i) => i.value));
    this.mean = finished.length ? mean(finished) : 0;
  }

  private at(t: number): number {
    const i = countAtMost(this.times, t);
    return i === 0 ? 1 : this.survival[i - 1];
  }

  /** P(a handle ends within `horizon` more seconds | it has lasted `elapsed`). */
  endsWithin(elapsed: number, horizon: number): number {
    const alive = this.everything.length - countAtMost(this.everything, elapsed);
    const now = this.at(elapsed);
    if (alive < 5 || now <= 0) {
      // Too little data past this point: memoryless with the mean handle; nothing known at all, busy.
      return this.mean > 0 ? 1 - Math.exp(-horizon / this.mean) : 0;
    }
    return 1 - this.at(elapsed + horizon) / now;
  }
}

/** The abandon rates the slow loop reads. */
export interface MeasuredAbandons {
  /** Over the compliance window (30 days US, 24 h UK, as configured). */
  compliance: { answered: number; abandoned: number };
  /** Recent calls, the controller's feedback (e.g. the last hour). */
  recent: { answered: number; abandoned: number };
  /** The last minute or so: the emergency brake. */
  burst: { answered: number; abandoned: number };
}

const rate = (w: { answered: number; abandoned: number }) => (w.answered ? w.abandoned / w.answered : 0);

/** Answered calls in the recent window before the controller trusts its rate. */
export const MIN_FEEDBACK_ANSWERS = 20;

/**
 * The slow loop: an integral controller on the recent abandon rate against the target (relative
 * error, so it moves as fast at 1% as at 5%), with two brakes: progressive only while the
 * compliance-window rate is at the cap (until it is back under the target), and alpha halved when
 * the last minute abandoned more than half its answers.
 */
export function adjustRisk(
  control: PacingControl,
  measured: MeasuredAbandons,
  settings: PacingSettings,
  gain = 0.5,
): PacingControl {
  const compliance = rate(measured.compliance);
  const capped =
    measured.compliance.answered >= MIN_FEEDBACK_ANSWERS &&
    (control.capped ? compliance > settings.targetAbandonRate : compliance >= settings.maxAbandonRate);
  let alpha = control.alpha;
  if (measured.burst.answered >= 20 && rate(measured.burst) > 0.5) {
    alpha /= 2;
  } else if (measured.recent.answered >= MIN_FEEDBACK_ANSWERS) {
    const error = (settings.targetAbandonRate - rate(measured.recent)) / settings.targetAbandonRate;
    alpha *= Math.exp(gain * Math.max(-2, Math.min(1, error)));
  }
  return { alpha: Math.min(ALPHA_MAX, Math.max(ALPHA_MIN, alpha)), capped };
}

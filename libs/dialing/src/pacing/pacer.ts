/**
 * Predictive pacing: how many calls a pool (tenant + skill) should place now. Pure: every input is
 * given, nothing is read or written here, so the engine, the tests and the simulation benchmark
 * all run the very same decision.
 *
 * Two loops, after the look-ahead design in the pacing research notes:
 * - the fast loop (`decideDials`, every tick) looks ahead second by second over the next ring
 *   timeout: the answers expected by then from the calls already out and the new ones, against
 *   the agents idle now and those expected free by then (each busy agent by how long it has been
 *   busy), and places calls while the chance that one more call, if a person answers it, finds no
 *   agent within the connect threshold stays under the risk bound `alpha`;
 * - the slow loop (`adjustRisk`, every few seconds) moves `alpha` so the abandon rate actually
 *   measured over the last hour stays at the pacer's target, under the legal cap.
 *
 * Guards: nothing is dialed with no agent logged in; never fewer calls than progressive dialing
 * (one per idle agent) would place; progressive until enough samples exist, with too few agents,
 * or while the compliance window is at the cap; at most `maxLinesPerAgent` calls out per working
 * agent.
 */

// Bound once: the pacer runs hot, and each global lookup is slow where code runs in a vm context
// (Jest's sandbox: Math.exp looked up per call costs ten times the call).
const { abs, ceil, exp, floor, max, min, sqrt } = Math;

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
  /**
   * Dial to its end for recent dials no person answered, seconds (a sample). Optional: without
   * it, every such dial is taken to ring until the timeout (busy and failed dials end far sooner,
   * so the dials still out are likelier to be answered than that assumes).
   */
  unansweredSeconds?: readonly number[];
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

export const PACING_MODES = ['stopped', 'progressive', 'predictive'] as const;
export type PacingMode = (typeof PACING_MODES)[number];

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
  /**
   * The fast loop's risk bound: the highest chance it accepts that a call placed now, if a person
   * answers, finds no agent within the connect threshold (about the abandon rate it produces).
   */
  alpha: number;
  /** True while the compliance-window rate is at the cap: progressive only. */
  capped: boolean;
  /**
   * What the fast loop multiplies alpha by: below 1 while the last hour's rate is above the
   * target (the slow loop sets it each step; 1 when absent).
   */
  brake?: number;
}

export const ALPHA_MIN = 0.001;
export const ALPHA_MAX = 0.2;

/** A new pool starts at half the target: its first answers are few, and an early abandon weighs. */
export function initialControl(settings: PacingSettings): PacingControl {
  return { alpha: settings.targetAbandonRate / 2, capped: false };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * P(a value of the sample ≤ e + h | it is > e): the chance something that lasted e ends within h
 * more. The plain form: decideDials uses a Kaplan–Meier one that also counts the busy agents.
 */
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
  if (alive < 5) return 1 - exp(-horizon / max(1, fallbackMean));
  return ending / alive;
}

/** The chance a dial still unanswered after `elapsed` seconds is eventually answered by a person. */
export function answerChance(
  p: number,
  answerDelays: readonly number[],
  elapsed: number,
  ringTimeoutSeconds: number,
  unansweredSeconds: readonly number[] = [],
): number {
  if (elapsed >= ringTimeoutSeconds || answerDelays.length === 0) return 0;
  const later = answerDelays.filter((d) => d > elapsed).length / answerDelays.length;
  const unansweredOut = unansweredSeconds.length
    ? unansweredSeconds.filter((d) => d > elapsed).length / unansweredSeconds.length
    : 1;
  const answering = p * later;
  const out = answering + (1 - p) * unansweredOut;
  return out > 0 ? answering / out : 0;
}

/**
 * E[(X − f)+] for X ~ Poisson(mu): the answers expected to find no agent, with f agents for them.
 * (decideDials bounds the chance for the next call instead: chanceAllTaken.)
 */
export function expectedExcess(mu: number, f: number): number {
  if (mu <= 0) return max(0, -f);
  let pk = exp(-mu);
  let excess = 0;
  let cumulative = 0;
  const limit = ceil(mu + 12 * sqrt(mu) + 20);
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
  const progressive = max(0, pool.idle - inFlight - pool.waiting);
  const base = { progressive, expectedFreeAgents: pool.idle, expectedAnswersInFlight: 0 };
  if (pool.loggedIn === 0) return { ...base, mode: 'stopped', reason: 'no_agents', dials: 0 };
  const working = pool.idle + pool.busyElapsedSeconds.length;
  if (estimates.dials < settings.minDialSamples || estimates.humanAnswers === 0)
    return { ...base, mode: 'progressive', reason: 'learning', dials: progressive };
  if (working < settings.minAgents)
    return { ...base, mode: 'progressive', reason: 'too_few_agents', dials: progressive };
  if (control.capped) return { ...base, mode: 'progressive', reason: 'over_cap', dials: progressive };

  const p = min(1, estimates.humanAnswers / estimates.dials);
  const answerTimes = new SortedSample(estimates.answerDelaysSeconds);
  const unanswered = estimates.unansweredSeconds?.length ? new SortedSample(estimates.unansweredSeconds) : undefined;
  const handles = new HandleSurvival(estimates.handleSeconds, pool.busyElapsedSeconds);
  const threshold = settings.connectThresholdSeconds;
  const timeout = settings.ringTimeoutSeconds;

  // Second k (1-based) ahead: answers expected by then from the calls out (comingBy) and from
  // one new call (newBy), agents expected free by then plus the threshold (freeingBy).
  const steps = max(1, min(timeout, ceil(answerTimes.max())));
  const comingBy = new Float64Array(steps);
  const newBy = new Float64Array(steps);
  const freeingBy = new Float64Array(steps);
  for (let k = 0; k < steps; k++) newBy[k] = p * answerTimes.fractionAtMost(k + 1);
  for (const elapsed of pool.busyElapsedSeconds) handles.addEndings(elapsed, 1 + threshold, freeingBy);
  let coming = 0;
  for (const elapsed of pool.inFlightElapsedSeconds) {
    if (elapsed >= timeout) continue;
    const answeredBefore = answerTimes.fractionAtMost(elapsed);
    const out = p * (1 - answeredBefore) + (1 - p) * (unanswered ? 1 - unanswered.fractionAtMost(elapsed) : 1);
    if (out <= 0) continue;
    coming += (p * (1 - answeredBefore)) / out;
    for (let k = 0; k < steps; k++)
      comingBy[k] += (p * (answerTimes.fractionAtMost(elapsed + k + 1) - answeredBefore)) / out;
  }
  // Idle agents are the new calls' only sure ones, once the callers already waiting have theirs.
  const free = pool.idle - pool.waiting;
  // The chance that a call placed now after n others, if answered, finds every agent taken: over
  // the second its answer comes, the answers before it outnumber the agents free by then.
  const risk = (n: number) => {
    let chance = 0;
    for (let k = 0; k < steps; k++) {
      const weight = (newBy[k] - (k > 0 ? newBy[k - 1] : 0)) / p;
      if (weight > 0) chance += weight * chanceAllTaken(comingBy[k] + n * newBy[k], free, freeingBy[k]);
    }
    return chance;
  };
  const cap = max(0, floor(settings.maxLinesPerAgent * working) - inFlight - pool.waiting);
  let best = 0;
  const bound = control.alpha * (control.brake ?? 1);
  while (best < cap && risk(best) <= bound) best++;
  const dials = min(cap, max(best, progressive));

  const tau = answerTimes.mean() ?? timeout / 3;
  let expectedFree = free;
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

// P(X ≤ k) of chanceAllTaken, reused: it runs some thousand times a decision.
let scratch = new Float64Array(256);

/**
 * P(X ≥ c + Y) for X ~ Poisson(mu) answers, c agents free now and Y ~ Poisson(freeing) agents
 * freeing: the chance that every agent is taken.
 */
export function chanceAllTaken(mu: number, free: number, freeing: number): number {
  // e^-mu underflows past 700: pools that large are well described by the normal approximation.
  if (mu + freeing > 500) return 1 - normalCdf((ceil(free) - 0.5 - (mu - freeing)) / sqrt(mu + freeing));
  // P(X ≤ k), tabulated up to where the rest is negligible (< 1e-12).
  const xLimit = ceil(mu + 12 * sqrt(mu) + 20);
  if (scratch.length <= xLimit) scratch = new Float64Array(2 * xLimit);
  const atMost = scratch;
  let px = exp(-mu);
  let cumulative = 0;
  for (let k = 0; k <= xLimit; k++) {
    if (k > 0) px *= mu / k;
    cumulative += px;
    atMost[k] = cumulative;
  }
  const yLimit = ceil(freeing + 12 * sqrt(freeing) + 20);
  let py = exp(-freeing);
  let chance = 0;
  for (let y = 0; y <= yLimit; y++) {
    if (y > 0) py *= freeing / y;
    const need = ceil(free + y);
    if (need <= 0) chance += py;
    else if (need - 1 < xLimit) chance += py * max(0, 1 - atMost[need - 1]);
  }
  return min(1, chance);
}

function normalCdf(z: number): number {
  // Abramowitz and Stegun 26.2.17, |error| < 7.5e-8.
  const t = 1 / (1 + 0.2316419 * abs(z));
  const d = 0.3989422804014327 * exp((-z * z) / 2);
  const tail = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - tail : tail;
}

// Estimates change every few seconds, decisions every tick: each sample is sorted once.
const sortedSamples = new WeakMap<readonly number[], Float64Array>();

function sorted(sample: readonly number[]): Float64Array {
  let values = sortedSamples.get(sample);
  if (!values) {
    values = Float64Array.from(sample).sort();
    sortedSamples.set(sample, values);
  }
  return values;
}

/** A sample's distribution function, tabulated every 50 ms: read in O(1) (ring times are in seconds). */
class SortedSample {
  private static readonly STEP = 0.05;
  private static readonly tables = new WeakMap<readonly number[], Float64Array>();
  private readonly values: Float64Array;
  private readonly table: Float64Array;

  constructor(sample: readonly number[]) {
    this.values = sorted(sample);
    let table = SortedSample.tables.get(sample);
    if (!table) {
      const n = this.values.length;
      table = new Float64Array(n ? ceil(this.values[n - 1] / SortedSample.STEP) + 1 : 1);
      for (let i = 0, seen = 0; i < table.length; i++) {
        while (seen < n && this.values[seen] <= i * SortedSample.STEP) seen++;
        table[i] = n ? seen / n : 0;
      }
      SortedSample.tables.set(sample, table);
    }
    this.table = table;
  }

  /** The share of the sample at most x (x rounded down to the table's step). */
  fractionAtMost(x: number): number {
    if (!this.values.length) return 0;
    const i = floor(x / SortedSample.STEP);
    return i < 0 ? 0 : i >= this.table.length ? 1 : this.table[i];
  }

  max(): number {
    return this.values.length ? this.values[this.values.length - 1] : 0;
  }

  mean(): number | undefined {
    return this.values.length ? mean(this.values) : undefined;
  }
}

function countAtMost(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= x) lo = mid + 1;
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
  /** Every value, finished or not, in order; and the survival just after each (1 until the first end). */
  private readonly values: Float64Array;
  private readonly survival: Float64Array;
  private readonly mean: number;
  private readonly one = new Float64Array(1);

  constructor(finished: readonly number[], busyElapsed: readonly number[]) {
    const ended = sorted(finished);
    const busy = Float64Array.from(busyElapsed).sort();
    const total = ended.length + busy.length;
    this.values = new Float64Array(total);
    this.survival = new Float64Array(total);
    let s = 1;
    // Merged in order, an end before a censoring at the same value (Kaplan–Meier's convention).
    for (let i = 0, e = 0, b = 0; i < total; i++) {
      const isEnd = e < ended.length && (b >= busy.length || ended[e] <= busy[b]);
      const value = isEnd ? ended[e++] : busy[b++];
      if (isEnd) s *= 1 - 1 / (total - i);
      this.values[i] = value;
      this.survival[i] = s;
    }
    this.mean = ended.length ? mean(finished) : 0;
  }

  /** P(a handle ends within `horizon` more seconds | it has lasted `elapsed`). */
  endsWithin(elapsed: number, horizon: number): number {
    this.one[0] = 0;
    this.addEndings(elapsed, horizon, this.one);
    return this.one[0];
  }

  /** Adds to into[k] the chance that a handle that has lasted `elapsed` ends within `first + k` more seconds. */
  addEndings(elapsed: number, first: number, into: Float64Array): void {
    const values = this.values;
    let i = countAtMost(values, elapsed);
    const now = i === 0 ? 1 : this.survival[i - 1];
    if (values.length - i < 5 || now <= 0) {
      // Too little data past this point: memoryless, expecting it to last about as long again (or
      // the mean handle, if longer): early on, the handles seen are the shortest ones. Nothing
      // known at all: busy.
      if (this.mean > 0) {
        const mean = max(this.mean, elapsed);
        for (let k = 0; k < into.length; k++) into[k] += 1 - exp(-(first + k) / mean);
      }
      return;
    }
    for (let k = 0; k < into.length; k++) {
      const t = elapsed + first + k;
      while (i < values.length && values[i] <= t) i++;
      into[k] += 1 - (i === 0 ? 1 : this.survival[i - 1]) / now;
    }
  }
}

/** The abandon rates the slow loop reads. */
export interface MeasuredAbandons {
  /** Over the compliance window (30 days US, 24 h UK, as configured). */
  compliance: { answered: number; abandoned: number };
  /** The last hour: the controller's feedback, and its brake. */
  recent: { answered: number; abandoned: number };
  /** The last minute or so: the emergency brake. */
  burst: { answered: number; abandoned: number };
}

const rate = (w: { answered: number; abandoned: number }) => (w.answered ? w.abandoned / w.answered : 0);

/** Answered calls in the recent window before the controller trusts its rate. */
export const MIN_FEEDBACK_ANSWERS = 20;

/**
 * The slow loop, meant to run every few seconds: a controller on the last hour's abandon rate
 * against the target (relative error, so it moves as fast at 1% as at 5%):
 * - integral: alpha moves by e^(gain × error) each call, falling three times as fast as it rises
 *   (an overshoot costs compliance, an undershoot only occupancy);
 * - proportional, above the target only: `brake` scales alpha down steeply as the last hour's
 *   rate goes from the target to the cap (to e^-4 there), and lifts as soon as the hour is back;
 * - progressive only while the compliance-window rate is at the cap, until it is back under the
 *   target; alpha may fall then but not rise (no abandons there says nothing about the risk);
 * - alpha halved when the last minute abandoned more than half its answers.
 */
export function adjustRisk(
  control: PacingControl,
  measured: MeasuredAbandons,
  settings: PacingSettings,
  gain = DEFAULT_RISK_GAIN,
): PacingControl {
  const compliance = rate(measured.compliance);
  const capped =
    measured.compliance.answered >= MIN_FEEDBACK_ANSWERS &&
    (control.capped ? compliance > settings.targetAbandonRate : compliance >= settings.maxAbandonRate);
  const trusted = measured.recent.answered >= MIN_FEEDBACK_ANSWERS;
  const recent = rate(measured.recent);
  let alpha = control.alpha;
  if (measured.burst.answered >= 20 && rate(measured.burst) > 0.5) {
    alpha /= 2;
  } else if (trusted) {
    const error = (settings.targetAbandonRate - recent) / settings.targetAbandonRate;
    const step = error < 0 ? 3 * gain * max(-2, error) : gain * min(1, error);
    if (step < 0 || !capped) alpha *= exp(step);
  }
  const over = (recent - settings.targetAbandonRate) / (settings.maxAbandonRate - settings.targetAbandonRate);
  const brake = trusted && over > 0 ? exp(-4 * over) : 1;
  return { alpha: min(ALPHA_MAX, max(ALPHA_MIN, alpha)), capped, brake };
}

/**
 * The integral gain per call, for calls every 5 s (the engine's PACING_CONTROL_INTERVAL_MS): at
 * most e^0.72 up or e^-4.3 down an hour. Slow on purpose: the last hour's rate answers late.
 */
export const DEFAULT_RISK_GAIN = 0.001;

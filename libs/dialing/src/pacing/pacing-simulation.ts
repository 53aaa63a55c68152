/**
 * A discrete-event simulation of one pool (tenant + skill) dialing on the telephony simulator, in
 * virtual time: the pacing benchmark (bench/pacing.ts) and the pacer's spec run this same model.
 *
 * The calls are the simulator's own (`TelephonySimulator`, on a virtual clock); the engine around
 * them mirrors production: agents of one skill, all logged in for the whole run; dials placed
 * every tick by a strategy; a person who answers takes the agent reserved for the dial, or the
 * longest-idle agent, or waits in a FIFO queue, and is abandoned (played the message, released)
 * if no agent takes the call within the connect threshold; an agent who frees serves the queue
 * first. No wrap-up: an agent is busy from the bridge to the hang-up. Seeded and single-threaded:
 * a scenario gives the same figures on every run, to the call.
 */
import {
  DEFAULT_SIMULATOR_SETTINGS,
  OriginateLedger,
  SimulatorScheduler,
  SimulatorSettings,
  TelephonyEvent,
  TelephonySimulator,
} from '../../../telephony/src';
import {
  adjustRisk,
  decideDials,
  DEFAULT_PACING_SETTINGS,
  initialControl,
  MeasuredAbandons,
  PacingControl,
  PacingDecision,
  PacingEstimates,
  PacingSettings,
  PoolSnapshot,
} from './pacer';

export type PacingStrategy =
  /** One dial per idle agent, the agent reserved for it until it ends unanswered or connects. */
  | { kind: 'progressive' }
  /** Every tick, up to `ratio` calls out (ringing or waiting) per idle agent; nothing reserved. */
  | { kind: 'power'; ratio: number }
  /** `decideDials` every tick, `adjustRisk` every control step (unless `adjust` is false). */
  | { kind: 'predictive'; initialControl?: PacingControl; adjust?: boolean };

export interface PacingScenario {
  strategy: PacingStrategy;
  /** Agents logged in for the whole run. */
  agents: number;
  /** Share of all dials answered by a person. */
  answerRate: number;
  hours: number;
  seed: string;
  /** Talk time mean, seconds (the simulator's log-normal, sigma 0.6). 150. */
  talkSecondsMean?: number;
  /** How often the strategy dials, seconds: 0.25, the engine's PACING_TICK_MS. */
  tickSeconds?: number;
  /** How often the slow loop runs and the estimates are re-read, seconds: 5, the engine's PACING_CONTROL_INTERVAL_MS. */
  controlSeconds?: number;
  /** Over DEFAULT_PACING_SETTINGS, with a ring timeout of 25 s. */
  pacing?: Partial<PacingSettings>;
  /** Over DEFAULT_SIMULATOR_SETTINGS, with no answering machines. */
  simulator?: Partial<SimulatorSettings>;
  /** Sees each predictive decision, each slow-loop step, each answer and abandon (for diagnosis). */
  trace?: (entry: PacingTrace) => void;
}

export type PacingTrace =
  | { type: 'decision'; atSeconds: number; pool: PoolSnapshot; decision: PacingDecision }
  | { type: 'control'; atSeconds: number; measured: MeasuredAbandons; control: PacingControl }
  | { type: 'answered' | 'abandoned'; atSeconds: number };

export interface PacingRunResult {
  scenario: PacingScenario;
  dials: number;
  /** Answered by a person. */
  answers: number;
  abandons: number;
  /** Agent busy time (bridging and talk) ÷ (agents × run time). */
  occupancy: number;
  /** What progressive dialing would reach on this run's calls: AHT ÷ (AHT + idle per connect). */
  theoreticalProgressiveOccupancy: number;
  /** Abandoned ÷ answered by a person, over the run. */
  abandonRate: number;
  /** The highest abandon rate of an hour-long window starting at an answer, wholly inside the run. */
  worstHourAbandonRate: number;
  /** Abandon rate of each clock hour of the run (0–1 h, 1–2 h, ...). */
  hourlyAbandonRates: number[];
  /** Person answered → connected to an agent (bridging included), seconds, over connected calls. */
  answerToAgentP50: number;
  answerToAgentP95: number;
  answerToAgentP99: number;
  dialsPerAgentHour: number;
  /** Predictive: the slow loop's alpha at the end of each hour, and its state at the end. */
  hourlyAlpha: number[];
  finalControl?: PacingControl;
  /** Predictive: ticks per decision reason (learning, predicting, over_cap, ...). */
  reasons: Record<string, number>;
  wallMilliseconds: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Like the engine's PacingStats: the pool's last 2,000 dials of the last hour. */
const ESTIMATE_DIALS = 2_000;
const ESTIMATE_SAMPLES = 500;

/** Runs one scenario to its end and measures it. */
export async function simulatePacing(scenario: PacingScenario): Promise<PacingRunResult> {
  const started = performance.now();
  const run = new PoolRun(scenario);
  await run.run();
  return { ...run.measure(), wallMilliseconds: performance.now() - started };
}

/**
 * The simulator's answer probability that makes `answerRate` of all dials answered by a person:
 * of the dials that reach a phone (not busy, failed or unreachable), those answered before the
 * ring timeout (the simulator's ring time is log-normal, sigma 0.5).
 */
export function answerProbabilityFor(
  answerRate: number,
  settings: SimulatorSettings,
  ringTimeoutSeconds: number,
): number {
  const reached = 1 - settings.busyRate - settings.failureRate - settings.unreachableRate;
  const sigma = 0.5;
  const z = (Math.log(ringTimeoutSeconds) - (Math.log(settings.ringSecondsMean) - (sigma * sigma) / 2)) / sigma;
  return Math.min(1, answerRate / (reached * normalCdf(z)));
}

/** A min-heap of timers in virtual milliseconds: the simulator's clock, and the engine's. */
export class VirtualClock implements SimulatorScheduler {
  private readonly heap: VirtualTimer[] = [];
  private time = 0;
  private order = 0;

  constructor(private readonly epoch = Date.UTC(2026, 0, 5, 9)) {}

  /** Virtual milliseconds since the start. */
  get elapsed(): number {
    return this.time;
  }

  now(): Date {
    return new Date(this.epoch + this.time);
  }

  after(ms: number, run: () => void): VirtualTimer {
    const timer = { at: this.time + Math.max(0, ms), order: this.order++, run, cancelled: false };
    this.push(timer);
    return timer;
  }

  cancel(handle: unknown): void {
    (handle as VirtualTimer).cancelled = true;
  }

  /**
   * Runs every timer due up to `until`, in order. The simulator hands events to its listeners
   * through promise chains, so each timer's consequences settle (every pending promise callback
   * runs) before time moves on.
   */
  async runUntil(until: number): Promise<void> {
    while (this.heap.length && this.heap[0].at <= until) {
      const timer = this.pop();
      if (timer.cancelled) continue;
      this.time = timer.at;
      timer.run();
      await settle();
    }
    this.time = Math.max(this.time, until);
  }

  private push(timer: VirtualTimer): void {
    const heap = this.heap;
    heap.push(timer);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): VirtualTimer {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as VirtualTimer;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        let least = i;
        if (left < heap.length && earlier(heap[left], heap[least])) least = left;
        if (left + 1 < heap.length && earlier(heap[left + 1], heap[least])) least = left + 1;
        if (least === i) break;
        [heap[i], heap[least]] = [heap[least], heap[i]];
        i = least;
      }
    }
    return top;
  }
}

interface VirtualTimer {
  at: number;
  order: number;
  run: () => void;
  cancelled: boolean;
}

const earlier = (a: VirtualTimer, b: VirtualTimer) => a.at < b.at || (a.at === b.at && a.order < b.order);

/** Every queued promise callback runs before the next macrotask. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The carrier's memory, in a Map (each dial here is a new number, so each is a new call). */
class MemoryLedger implements OriginateLedger {
  private readonly claimed = new Set<string>();

  async claim(callId: string): Promise<boolean> {
    if (this.claimed.has(callId)) return false;
    this.claimed.add(callId);
    return true;
  }

  async forget(): Promise<void> {
    // Claims are kept: a dial id is never reused in a simulation.
  }
}

interface Agent {
  endpoint: string;
  state: 'idle' | 'reserved' | 'busy';
  /** Since when idle, or busy (virtual ms). */
  since: number;
}

interface Dial {
  id: string;
  dialedAt: number;
  state: 'out' | 'machine' | 'waiting' | 'bridging' | 'connected' | 'abandoned' | 'ended';
  /** Reserved for it (progressive), or taking it. */
  agent?: Agent;
  answeredAt?: number;
  /** Once known: answered by a person, or ended without. */
  answered?: boolean;
  /** Dial to the answer, or to the end when no person answered (seconds). */
  settledSeconds?: number;
}

class PoolRun {
  private readonly settings: PacingSettings;
  private readonly clock = new VirtualClock();
  private readonly simulator: TelephonySimulator;
  private readonly end: number;
  private readonly agents: Agent[];
  private readonly out = new Map<string, Dial>();
  private readonly queue: Dial[] = [];
  /** Every dial in the order placed. */
  private readonly dials: Dial[] = [];
  private readonly handles: number[] = [];
  private readonly connectDelays: number[] = [];
  private readonly answerTimes: number[] = [];
  private readonly abandonTimes: number[] = [];
  private busyMs = 0;
  private control?: PacingControl;
  private estimates: PacingEstimates = { dials: 0, humanAnswers: 0, answerDelaysSeconds: [], handleSeconds: [] };
  private settledUpTo = 0;
  private readonly windows = { recent: { answers: 0, abandons: 0 }, burst: { answers: 0, abandons: 0 } };
  private readonly hourlyAlpha: number[] = [];
  private readonly reasons: Record<string, number> = {};

  constructor(private readonly scenario: PacingScenario) {
    this.settings = { ...DEFAULT_PACING_SETTINGS, ringTimeoutSeconds: 25, ...scenario.pacing };
    const simulator: SimulatorSettings = {
      ...DEFAULT_SIMULATOR_SETTINGS,
      seed: scenario.seed,
      timeScale: 1,
      machineShare: 0,
      talkSecondsMean: scenario.talkSecondsMean ?? 150,
      ...scenario.simulator,
    };
    simulator.answerProbability = answerProbabilityFor(
      scenario.answerRate,
      simulator,
      this.settings.ringTimeoutSeconds,
    );
    this.simulator = new TelephonySimulator(simulator, new MemoryLedger(), this.clock);
    this.simulator.onEvent((event) => this.onEvent(event));
    this.end = scenario.hours * HOUR;
    this.agents = Array.from({ length: scenario.agents }, (_, i) => ({
      endpoint: `sip:agent-${i}@pacing.sim`,
      state: 'idle',
      since: 0,
    }));
    if (scenario.strategy.kind === 'predictive')
      this.control = scenario.strategy.initialControl ?? initialControl(this.settings);
  }

  async run(): Promise<void> {
    const tick = (this.scenario.tickSeconds ?? 0.25) * 1000;
    const controlEvery = (this.scenario.controlSeconds ?? 5) * 1000;
    this.every(tick, () => this.tick());
    if (this.control) this.every(controlEvery, () => this.adjust(), controlEvery);
    for (let hour = 1; hour <= Math.ceil(this.scenario.hours); hour++) {
      await this.clock.runUntil(Math.min(this.end, hour * HOUR));
      if (this.control) this.hourlyAlpha.push(this.control.alpha);
    }
    for (const agent of this.agents) if (agent.state === 'busy') this.busyMs += this.end - agent.since;
    this.simulator.shutdown();
  }

  private every(ms: number, run: () => void, first = 0): void {
    this.clock.after(first, () => {
      run();
      if (this.clock.elapsed + ms < this.end) this.every(ms, run, ms);
    });
  }

  private tick(): void {
    const strategy = this.scenario.strategy;
    if (strategy.kind === 'progressive') {
      for (const agent of this.agents) if (agent.state === 'idle') this.place(agent);
      return;
    }
    const now = this.clock.elapsed;
    const busyElapsedSeconds: number[] = [];
    let idle = 0;
    for (const agent of this.agents) {
      if (agent.state === 'idle') idle++;
      else busyElapsedSeconds.push((now - agent.since) / 1000);
    }
    const inFlightElapsedSeconds: number[] = [];
    for (const dial of this.out.values())
      if (dial.state === 'out') inFlightElapsedSeconds.push((now - dial.dialedAt) / 1000);
    let n: number;
    if (strategy.kind === 'power') {
      n = Math.floor(strategy.ratio * idle) - inFlightElapsedSeconds.length - this.queue.length;
    } else {
      const pool = {
        loggedIn: this.agents.length,
        idle,
        busyElapsedSeconds,
        inFlightElapsedSeconds,
        waiting: this.queue.length,
      };
      const decision = decideDials(pool, this.estimates, this.control as PacingControl, this.settings);
      this.reasons[decision.reason] = (this.reasons[decision.reason] ?? 0) + 1;
      this.scenario.trace?.({ type: 'decision', atSeconds: now / 1000, pool, decision });
      n = decision.dials;
    }
    for (let i = 0; i < n; i++) this.place();
  }

  /** The slow loop: re-read the estimates, measure the abandons, correct the risk. */
  private adjust(): void {
    const now = this.clock.elapsed;
    this.estimates = this.estimate();
    const measured: MeasuredAbandons = {
      compliance: { answered: this.answerTimes.length, abandoned: this.abandonTimes.length },
      recent: this.since(this.windows.recent, now - HOUR),
      burst: this.since(this.windows.burst, now - MINUTE),
    };
    const strategy = this.scenario.strategy;
    if (strategy.kind === 'predictive' && strategy.adjust !== false)
      this.control = adjustRisk(this.control as PacingControl, measured, this.settings);
    this.scenario.trace?.({ type: 'control', atSeconds: now / 1000, measured, control: this.control as PacingControl });
  }

  /** Answers and abandons since `from` (both lists are in time order; the window only moves on). */
  private since(window: { answers: number; abandons: number }, from: number) {
    while (window.answers < this.answerTimes.length && this.answerTimes[window.answers] < from) window.answers++;
    while (window.abandons < this.abandonTimes.length && this.abandonTimes[window.abandons] < from) window.abandons++;
    return {
      answered: this.answerTimes.length - window.answers,
      abandoned: this.abandonTimes.length - window.abandons,
    };
  }

  /**
   * Like the engine's PacingStats: the pool's last dials of the last hour. Only dials placed a
   * ring timeout ago, all settled, so that quick failures, the first to settle, do not skew them.
   */
  private estimate(): PacingEstimates {
    const now = this.clock.elapsed;
    const settleMs = (this.settings.ringTimeoutSeconds + 2) * 1000;
    while (this.settledUpTo < this.dials.length && this.dials[this.settledUpTo].dialedAt <= now - settleMs)
      this.settledUpTo++;
    const last = this.settledUpTo;
    let first = Math.max(0, last - ESTIMATE_DIALS);
    while (first < last && this.dials[first].dialedAt < now - HOUR) first++;
    let humanAnswers = 0;
    const answerDelaysSeconds: number[] = [];
    const unansweredSeconds: number[] = [];
    for (let i = first; i < last; i++) {
      const dial = this.dials[i];
      if (dial.answered) {
        humanAnswers++;
        answerDelaysSeconds.push(dial.settledSeconds as number);
      } else unansweredSeconds.push(dial.settledSeconds as number);
    }
    return {
      dials: last - first,
      humanAnswers,
      answerDelaysSeconds: answerDelaysSeconds.slice(-ESTIMATE_SAMPLES),
      handleSeconds: this.handles.slice(-ESTIMATE_SAMPLES),
      unansweredSeconds: unansweredSeconds.slice(-ESTIMATE_SAMPLES),
    };
  }

  private place(agent?: Agent): void {
    const n = this.dials.length + 1;
    const dial: Dial = { id: `dial-${n}`, dialedAt: this.clock.elapsed, state: 'out', agent };
    if (agent) agent.state = 'reserved';
    this.out.set(dial.id, dial);
    this.dials.push(dial);
    void this.simulator.originate({
      callId: dial.id,
      tenantId: 'pacing',
      // Dial n is the same call (same draws) under every strategy of a seed.
      to: `+1555${String(n).padStart(7, '0')}`,
      from: null,
      ringTimeoutSeconds: this.settings.ringTimeoutSeconds,
      attempt: 1,
    });
  }

  private onEvent(event: TelephonyEvent): void {
    const dial = this.out.get(event.callId);
    if (!dial) return;
    const now = this.clock.elapsed;
    if (event.type === 'answered' && event.answeredBy === 'human') this.answered(dial, now);
    else if (event.type === 'answered') {
      // A machine (only if a scenario asks for them): no person, left to hang up by itself.
      this.settle(dial, false);
      dial.state = 'machine';
    } else if (event.type === 'connected') {
      dial.state = 'connected';
      this.connectDelays.push((now - (dial.answeredAt as number)) / 1000);
    } else if (event.type === 'ended') this.ended(dial, now);
  }

  private answered(dial: Dial, now: number): void {
    dial.answeredAt = now;
    this.settle(dial, true);
    this.answerTimes.push(now);
    this.scenario.trace?.({ type: 'answered', atSeconds: now / 1000 });
    const agent = dial.agent ?? this.longestIdle();
    if (agent) return this.bridge(dial, agent);
    dial.state = 'waiting';
    this.queue.push(dial);
    this.clock.after(this.settings.connectThresholdSeconds * 1000, () => {
      if (dial.state !== 'waiting') return;
      this.abandon(dial);
      void this.simulator.playAndHangUp(dial.id);
    });
  }

  private ended(dial: Dial, now: number): void {
    this.out.delete(dial.id);
    if (dial.state === 'out') this.settle(dial, false);
    // A caller who hangs up while waiting is abandoned all the same (patience is long here).
    if (dial.state === 'waiting') this.abandon(dial);
    const agent = dial.agent;
    if (agent && (dial.state === 'bridging' || dial.state === 'connected')) {
      this.busyMs += now - agent.since;
      this.handles.push((now - agent.since) / 1000);
      this.free(agent);
    } else if (agent?.state === 'reserved') this.free(agent);
    dial.state = 'ended';
  }

  private abandon(dial: Dial): void {
    this.queue.splice(this.queue.indexOf(dial), 1);
    dial.state = 'abandoned';
    this.abandonTimes.push(dial.answeredAt as number);
    this.scenario.trace?.({ type: 'abandoned', atSeconds: this.clock.elapsed / 1000 });
  }

  private settle(dial: Dial, answered: boolean): void {
    dial.answered = answered;
    dial.settledSeconds = (this.clock.elapsed - dial.dialedAt) / 1000;
  }

  private bridge(dial: Dial, agent: Agent): void {
    agent.state = 'busy';
    agent.since = this.clock.elapsed;
    dial.agent = agent;
    dial.state = 'bridging';
    void this.simulator.connectToAgent(dial.id, agent.endpoint);
  }

  /** An agent who frees serves the longest-waiting caller first. */
  private free(agent: Agent): void {
    const next = this.queue.shift();
    if (next) return this.bridge(next, agent);
    agent.state = 'idle';
    agent.since = this.clock.elapsed;
  }

  private longestIdle(): Agent | undefined {
    let best: Agent | undefined;
    for (const agent of this.agents) if (agent.state === 'idle' && (!best || agent.since < best.since)) best = agent;
    return best;
  }

  measure(): Omit<PacingRunResult, 'wallMilliseconds'> {
    const { scenario, answerTimes, abandonTimes, end } = this;
    const answers = answerTimes.length;
    const settled = this.dials.filter((dial) => dial.answered !== undefined);
    const humanShare = settled.length ? settled.filter((dial) => dial.answered).length / settled.length : 0;
    // Progressive: an agent waits out each attempt until one is answered (1/p attempts), then is busy.
    const aht = average(this.handles);
    const idlePerConnect = average(settled.map((dial) => dial.settledSeconds as number)) / humanShare;
    return {
      scenario,
      dials: this.dials.length,
      answers,
      abandons: abandonTimes.length,
      occupancy: scenario.agents ? this.busyMs / (scenario.agents * end) : 0,
      theoreticalProgressiveOccupancy: humanShare ? aht / (aht + idlePerConnect) : 0,
      abandonRate: answers ? abandonTimes.length / answers : 0,
      worstHourAbandonRate: worstWindow(answerTimes, abandonTimes, HOUR, end),
      hourlyAbandonRates: Array.from({ length: Math.ceil(scenario.hours) }, (_, h) =>
        windowRate(answerTimes, abandonTimes, h * HOUR, (h + 1) * HOUR),
      ),
      answerToAgentP50: quantile(this.connectDelays, 0.5),
      answerToAgentP95: quantile(this.connectDelays, 0.95),
      answerToAgentP99: quantile(this.connectDelays, 0.99),
      dialsPerAgentHour: scenario.agents ? this.dials.length / (scenario.agents * scenario.hours) : 0,
      hourlyAlpha: this.hourlyAlpha,
      finalControl: this.control,
      reasons: this.reasons,
    };
  }
}

const average = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

function quantile(values: readonly number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** How many of the (ordered) times fall in [from, to). */
function countIn(times: readonly number[], from: number, to: number): number {
  return lowerBound(times, to) - lowerBound(times, from);
}

function lowerBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Abandoned ÷ answered among the calls answered in [from, to). */
function windowRate(answers: readonly number[], abandons: readonly number[], from: number, to: number): number {
  const answered = countIn(answers, from, to);
  return answered ? countIn(abandons, from, to) / answered : 0;
}

/** The worst window of `length` starting at the run's start or at an answer, wholly inside the run. */
function worstWindow(answers: readonly number[], abandons: readonly number[], length: number, end: number): number {
  let worst = end >= length ? windowRate(answers, abandons, 0, length) : 0;
  for (const start of answers) {
    if (start + length > end) break;
    worst = Math.max(worst, windowRate(answers, abandons, start, start + length));
  }
  return worst;
}

function normalCdf(z: number): number {
  // Abramowitz and Stegun 26.2.17, |error| < 7.5e-8.
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const tail = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - tail : tail;
}

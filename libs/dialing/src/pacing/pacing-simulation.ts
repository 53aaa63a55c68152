/**
 * A discrete-event simulation of one pool (tenant + skill) dialing on the telephony simulator, in
 * virtual time: the pacing benchmark (bench/pacing.ts) and the pacer's spec run this same model.
 *
 * The calls are the simulator's own (`TelephonySimulator`, on a virtual clock), and every call's
 * contact lives by the engine's own state machine (`step` of contact-lifecycle.ts): answering,
 * claiming an agent, waiting, being abandoned and being served are decided by the same code as in
 * production; this file only carries out its effects in memory, where the worker carries them out
 * against PostgreSQL, Redis and the telephony. Agents of one skill are all logged in for the whole
 * run; dials are placed every tick by a strategy; an agent who frees serves the longest-waiting
 * caller first. An agent is busy from the ringing of their phone to the end of their wrap-up after
 * the hang-up (the disposition: `wrapUpSecondsMean`, drawn per dial apart from the call's own
 * draws); the pacer's handle times include it, as PacingStats reads them from the contacts. Seeded
 * and single-threaded: a scenario gives the same figures on every run, to the call.
 */
import {
  DEFAULT_SIMULATOR_SETTINGS,
  foreseeCall,
  OriginateLedger,
  SimulatorScheduler,
  SimulatorSettings,
  TelephonyEvent,
  TelephonySimulator,
  SeededRandom,
} from '../../../telephony/src';
import {
  adjustRisk,
  DEFAULT_PACING_SETTINGS,
  initialControl,
  MeasuredAbandons,
  PacingControl,
  PacingDecision,
  PacingEstimates,
  PacingSettings,
  PoolSnapshot,
} from './pacer';
import { ClairvoyantScheduler, erlangDialRate, Foresight } from './pacing-references';
import { decideGroup, PacedAgent, pacingGroups } from './pacing-groups';
import { ContactEffect, ContactEvent, contactEventOf, ContactState, dialingContact, step } from '../contact-lifecycle';

export type PacingStrategy =
  /** One dial per idle agent, the agent reserved for it until it ends unanswered or connects. */
  | { kind: 'progressive' }
  /** Every tick, up to `ratio` calls out (ringing or waiting) per idle agent; nothing reserved. */
  | { kind: 'power'; ratio: number }
  /**
   * `decideDials` every tick, `adjustRisk` every control step (unless `adjust` is false). With
   * `truth`, the estimates are the simulator's true distributions (trueEstimates), not measured.
   */
  | { kind: 'predictive'; initialControl?: PacingControl; adjust?: boolean; truth?: boolean }
  /**
   * The open-loop floor: a constant dial rate that Erlang's loss formula says loses `blocking` of
   * the answered calls, from the true answer share and handle time (erlangDialRate); no feedback.
   */
  | { kind: 'erlang'; blocking: number }
  /** The ceiling: knows every dial's future and places each to be answered as an agent frees. */
  | { kind: 'clairvoyant' };

export interface PacingScenario {
  strategy: PacingStrategy;
  /** Agents logged in for the whole run. */
  agents: number;
  /**
   * The skills dialed, each a pool with predictive AutoCalls of its own (predictive only when
   * more than one); one pool when absent.
   */
  skills?: string[];
  /** Each agent's skills, by agent (every agent holds every skill when absent). */
  agentSkills?: string[][];
  /**
   * How predictive pools that share agents are paced: `group`, one decision per group of pools
   * sharing agents, split between them (pacing-groups.ts, the engine's); `pool`, each pool on
   * its own, counting a shared agent in every pool of theirs (the engine before it grouped pools).
   */
  pacingScope?: 'group' | 'pool';
  /** Share of all dials answered by a person. */
  answerRate: number;
  hours: number;
  seed: string;
  /** Talk time mean, seconds (the simulator's log-normal, sigma 0.6). 150. */
  talkSecondsMean?: number;
  /** The agents' wrap-up after a call until its disposition, mean seconds (log-normal, sigma 0.5). 0: none. */
  wrapUpSecondsMean?: number;
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

/** One pool's own figures, of a run with several. */
export interface PoolRunResult {
  skill: string;
  dials: number;
  answers: number;
  abandons: number;
  abandonRate: number;
  worstHourAbandonRate: number;
}

export interface PacingRunResult {
  scenario: PacingScenario;
  /** Each pool's figures (one, with the run's, when the run has one pool). */
  pools: PoolRunResult[];
  /** The most predictive dials out (ringing) plus callers waiting at once, at any tick, and agents logged in. */
  mostOutAndWaiting: number;
  dials: number;
  /** Answered by a person. */
  answers: number;
  abandons: number;
  /** Agent busy time (bridging, talk and wrap-up) ÷ (agents × run time). */
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
/** The engine's MAX_WAIT_SECONDS by default: how long a caller dialed for an agent may wait. */
const MAX_WAIT_SECONDS = 30;

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

  /** The virtual milliseconds of an instant this clock gave. */
  elapsedAt(instant: Date): number {
    return instant.getTime() - this.epoch;
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
  skills: ReadonlySet<string>;
  skillList: string[];
  /**
   * Reserved: held for one dial or one caller (the engine's reservation); busy: their phone rang;
   * wrap_up: the call ended, the disposition is not in yet.
   */
  state: 'idle' | 'reserved' | 'busy' | 'wrap_up';
  /** Since when idle, or busy (virtual ms): wrap-up continues the busy time. */
  since: number;
  /** Since when in this state, as the live view knows it (the pacer's snapshot reads it). */
  stateSince: number;
}

/** A dial and its contact, as the worker holding it knows them. */
interface Dial {
  id: string;
  pool: Pool;
  dialedAt: number;
  /** The contact, moved only by the lifecycle's `step`. */
  contact: ContactState;
  /** The agent reserved for it (progressive), or claimed or served to it, until they take the call. */
  reserved?: Agent;
  /** The agent whose phone was rung for it. */
  agent?: Agent;
  waitTimer?: VirtualTimer;
  answeredAt?: number;
  /** Once known: answered by a person, or ended without. */
  answered?: boolean;
  /** Dial to the answer, or to the end when no person answered (seconds). */
  settledSeconds?: number;
}

/** One pool (skill) of the run: its dials, callers waiting, measurements and slow loop. */
interface Pool {
  skill: string;
  /** Callers waiting for an agent, longest-waiting first. */
  queue: Dial[];
  /** Every dial of the pool in the order placed. */
  dials: Dial[];
  handles: number[];
  answerTimes: number[];
  /** When each abandoned caller answered, in that order (known only when their call ends). */
  abandonTimes: number[];
  control?: PacingControl;
  estimates: PacingEstimates;
  settledUpTo: number;
}

/** A caller reached by the simulation's sweep for waiting callers, handed a reserved agent. */
interface Served {
  dial: Dial;
  agent: Agent;
}

/**
 * One pool dialing: the strategy places dials, and every dial's contact lives by the engine's own
 * state machine (`step` of contact-lifecycle.ts), whose effects this class carries out in memory,
 * as the worker's ContactEngine carries them out against PostgreSQL, Redis and the telephony:
 * claiming an agent (the one reserved for the dial, else the longest-idle one unless a caller waits
 * longer), assigning and ringing them, the caller's wait and its timer, the abandon message, the
 * end, and waking the pool (the dispatcher's serving of waiting callers, oldest first). PostgreSQL
 * never disagrees with Redis here, and no simulated agent's phone fails to pick up.
 */
class PoolRun {
  private readonly settings: PacingSettings;
  private readonly clock = new VirtualClock();
  private readonly simulator: TelephonySimulator;
  private readonly end: number;
  private readonly agents: Agent[];
  private readonly out = new Map<string, Dial>();
  /** The pools, in the order of their skills; their groups (indexes into pools) when paced by group. */
  private readonly pools: Pool[];
  private readonly groups: Pool[][];
  private turn = 0;
  private mostOutAndWaiting = 0;
  /** Every dial in the order placed. */
  private readonly dials: Dial[] = [];
  private readonly handles: number[] = [];
  private readonly connectDelays: number[] = [];
  private readonly answerTimes: number[] = [];
  /** When each abandoned caller answered, in that order (known only when their call ends). */
  private readonly abandonTimes: number[] = [];
  /** Waiting callers handed an agent by the sweep, their `served` event still to run. */
  private readonly served: Served[] = [];
  private busyMs = 0;
  /** The first step the simulation could not carry out: the run fails with it. */
  private failure?: Error;
  private readonly predictive: boolean;
  private readonly hourlyAlpha: number[] = [];
  private readonly reasons: Record<string, number> = {};
  private readonly simulatorSettings: SimulatorSettings;
  /** Clairvoyant: its plan, and each dial's future by dial number. */
  private clairvoyant?: ClairvoyantScheduler;
  private readonly foreseen: Foresight[] = [];
  /** Erlang: dials per second, and the fraction of a dial owed since the last one. */
  private erlangRate = 0;
  private erlangOwed = 0;

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
    this.simulatorSettings = simulator;
    this.simulator = new TelephonySimulator(simulator, new MemoryLedger(), this.clock);
    this.simulator.onEvent((event) => {
      try {
        this.onEvent(event);
      } catch (error) {
        this.failure ??= error as Error;
      }
    });
    this.end = scenario.hours * HOUR;
    const skills = scenario.skills?.length ? scenario.skills : ['default'];
    const strategy = scenario.strategy;
    this.predictive = strategy.kind === 'predictive';
    if (skills.length > 1 && strategy.kind !== 'predictive')
      throw new Error('the pacing simulation runs several pools with the predictive strategy only');
    this.agents = Array.from({ length: scenario.agents }, (_, i) => {
      const skillList = scenario.agentSkills?.[i] ?? skills;
      return {
        endpoint: `sip:agent-${i}@pacing.sim`,
        skills: new Set(skillList),
        skillList,
        state: 'idle',
        since: 0,
        stateSince: 0,
      };
    });
    const truth =
      strategy.kind === 'predictive' && strategy.truth
        ? trueEstimates(simulator, this.settings.ringTimeoutSeconds, scenario.wrapUpSecondsMean ?? 0)
        : undefined;
    this.pools = skills.map((skill) => ({
      skill,
      queue: [],
      dials: [],
      handles: [],
      answerTimes: [],
      abandonTimes: [],
      control: strategy.kind === 'predictive' ? (strategy.initialControl ?? initialControl(this.settings)) : undefined,
      estimates: truth ?? { dials: 0, humanAnswers: 0, answerDelaysSeconds: [], handleSeconds: [] },
      settledUpTo: 0,
    }));
    const bySkill = new Map(this.pools.map((pool) => [pool.skill, pool]));
    this.groups =
      (scenario.pacingScope ?? 'group') === 'group'
        ? pacingGroups(
            skills,
            this.agents.map((agent) => ({ skills: agent.skillList })),
          ).map((group) => group.map((skill) => bySkill.get(skill) as Pool))
        : this.pools.map((pool) => [pool]);
    if (strategy.kind === 'clairvoyant') this.clairvoyant = new ClairvoyantScheduler(scenario.agents);
    if (strategy.kind === 'erlang')
      this.erlangRate = erlangDialRate(
        scenario.agents,
        strategy.blocking,
        scenario.answerRate,
        simulator.agentAnswerSeconds + simulator.talkSecondsMean + (scenario.wrapUpSecondsMean ?? 0),
      );
  }

  async run(): Promise<void> {
    const tick = (this.scenario.tickSeconds ?? 0.25) * 1000;
    const controlEvery = (this.scenario.controlSeconds ?? 5) * 1000;
    this.every(tick, () => this.tick());
    if (this.predictive) this.every(controlEvery, () => this.adjust(), controlEvery);
    for (let hour = 1; hour <= Math.ceil(this.scenario.hours); hour++) {
      await this.clock.runUntil(Math.min(this.end, hour * HOUR));
      if (this.predictive) this.hourlyAlpha.push((this.pools[0].control as PacingControl).alpha);
    }
    for (const agent of this.agents)
      if (agent.state === 'busy' || agent.state === 'wrap_up') this.busyMs += this.end - agent.since;
    this.simulator.shutdown();
    if (this.failure) throw this.failure;
  }

  private every(ms: number, run: () => void, first = 0): void {
    this.clock.after(first, () => {
      run();
      if (this.clock.elapsed + ms < this.end) this.every(ms, run, ms);
    });
  }

  private tick(): void {
    const strategy = this.scenario.strategy;
    const pool = this.pools[0];
    if (strategy.kind === 'progressive') {
      for (const agent of this.agents) if (agent.state === 'idle') this.place(pool, agent);
      return;
    }
    const now = this.clock.elapsed;
    if (strategy.kind === 'predictive') return this.pace(now);
    let idle = 0;
    for (const agent of this.agents) if (agent.state === 'idle') idle++;
    let inFlight = 0;
    for (const dial of this.out.values())
      if (dial.contact.status === 'dialing' || dial.contact.status === 'ringing') inFlight++;
    let n: number;
    const lines = Math.floor(this.settings.maxLinesPerAgent * this.agents.length) - this.out.size;
    if (strategy.kind === 'power') {
      n = Math.floor(strategy.ratio * idle) - inFlight - pool.queue.length;
    } else if (strategy.kind === 'erlang') {
      // Open loop: the rate's dials, evenly spread, whatever happens (a full set of lines defers them).
      this.erlangOwed += this.erlangRate * (this.scenario.tickSeconds ?? 0.25);
      n = Math.min(Math.floor(this.erlangOwed), lines);
      this.erlangOwed -= n;
    } else {
      n = (this.clairvoyant as ClairvoyantScheduler).decide(
        now / 1000,
        (i) => this.foresee(this.dials.length + 1 + i),
        lines,
      );
    }
    for (let i = 0; i < n; i++) this.place(pool);
  }

  /**
   * Predictive: one decision per group of pools sharing agents, split between them, as the
   * engine's pacing leader decides (or each pool on its own, counting its agents whatever their
   * other skills, with `pacingScope: 'pool'`).
   */
  private pace(now: number): void {
    const agents: PacedAgent[] = this.agents.map((agent) =>
      // Reserved counts as busy here: the agent is taken until their call ends.
      agent.state === 'idle'
        ? { skills: agent.skillList, state: 'idle' }
        : // As the live view has it: on a call since the phone rang, in wrap-up since the hang-up.
          { skills: agent.skillList, state: 'busy', busySeconds: (now - agent.stateSince) / 1000 },
    );
    const inFlight = new Map<Pool, number[]>(this.pools.map((pool) => [pool, []]));
    let out = 0;
    for (const dial of this.out.values())
      if (dial.contact.status === 'dialing' || dial.contact.status === 'ringing') {
        (inFlight.get(dial.pool) as number[]).push((now - dial.dialedAt) / 1000);
        out++;
      }
    for (const pool of this.pools) out += pool.queue.length;
    this.mostOutAndWaiting = Math.max(this.mostOutAndWaiting, out);
    this.turn++;
    for (const group of this.groups) {
      const { decision, snapshot, dials } = decideGroup(
        group.map((pool) => ({
          skill: pool.skill,
          inFlightElapsedSeconds: inFlight.get(pool) as number[],
          waiting: pool.queue.length,
          estimates: pool.estimates,
          control: pool.control as PacingControl,
          settings: this.settings,
        })),
        agents,
        { turn: this.turn },
      );
      this.reasons[decision.reason] = (this.reasons[decision.reason] ?? 0) + 1;
      this.scenario.trace?.({ type: 'decision', atSeconds: now / 1000, pool: snapshot, decision });
      group.forEach((pool, i) => {
        for (let k = 0; k < dials[i]; k++) this.place(pool);
      });
    }
  }

  /** The slow loop: re-read the estimates, measure the abandons, correct the risk. */
  private adjust(): void {
    const now = this.clock.elapsed;
    const strategy = this.scenario.strategy;
    for (const pool of this.pools) {
      if (strategy.kind !== 'predictive' || !strategy.truth) pool.estimates = this.estimate(pool);
      const measured: MeasuredAbandons = {
        compliance: { answered: pool.answerTimes.length, abandoned: pool.abandonTimes.length },
        recent: since(pool, now - HOUR),
        burst: since(pool, now - MINUTE),
      };
      if (strategy.kind === 'predictive' && strategy.adjust !== false)
        pool.control = adjustRisk(pool.control as PacingControl, measured, this.settings);
      this.scenario.trace?.({
        type: 'control',
        atSeconds: now / 1000,
        measured,
        control: pool.control as PacingControl,
      });
    }
  }

  /**
   * Like the engine's PacingStats: the pool's last dials of the last hour. Only dials placed a
   * ring timeout ago, all settled, so that quick failures, the first to settle, do not skew them.
   */
  private estimate(pool: Pool): PacingEstimates {
    const now = this.clock.elapsed;
    const dials = pool.dials;
    const settleMs = (this.settings.ringTimeoutSeconds + 2) * 1000;
    while (pool.settledUpTo < dials.length && dials[pool.settledUpTo].dialedAt <= now - settleMs) pool.settledUpTo++;
    const last = pool.settledUpTo;
    let first = Math.max(0, last - ESTIMATE_DIALS);
    while (first < last && dials[first].dialedAt < now - HOUR) first++;
    let humanAnswers = 0;
    const answerDelaysSeconds: number[] = [];
    const unansweredSeconds: number[] = [];
    for (let i = first; i < last; i++) {
      const dial = dials[i];
      if (dial.answered) {
        humanAnswers++;
        answerDelaysSeconds.push(dial.settledSeconds as number);
      } else unansweredSeconds.push(dial.settledSeconds as number);
    }
    return {
      dials: last - first,
      humanAnswers,
      answerDelaysSeconds: answerDelaysSeconds.slice(-ESTIMATE_SAMPLES),
      handleSeconds: pool.handles.slice(-ESTIMATE_SAMPLES),
      unansweredSeconds: unansweredSeconds.slice(-ESTIMATE_SAMPLES),
    };
  }

  /** A dial goes out; progressive dialing reserves an idle agent for it. */
  private place(pool: Pool, agent?: Agent): void {
    const n = this.dials.length + 1;
    const dial: Dial = {
      id: `dial-${n}`,
      pool,
      dialedAt: this.clock.elapsed,
      contact: dialingContact({ predictive: this.scenario.strategy.kind !== 'progressive', attempt: 1, retry: {} }),
      reserved: agent,
    };
    if (agent) agent.state = 'reserved';
    this.out.set(dial.id, dial);
    this.dials.push(dial);
    pool.dials.push(dial);
    void this.simulator.originate({
      callId: dial.id,
      tenantId: 'pacing',
      // Dial n is the same call (same draws) under every strategy of a seed.
      to: numberOf(n),
      from: null,
      ringTimeoutSeconds: this.settings.ringTimeoutSeconds,
      attempt: 1,
    });
  }

  /** The telephony's events, as the worker turns them into the contact's events. */
  private onEvent(event: TelephonyEvent): void {
    const dial = this.out.get(event.callId);
    const contactEvent = contactEventOf(event);
    if (dial && contactEvent) this.drive(dial, contactEvent);
  }

  /**
   * One event and the events its effects answer with, each a step of the machine, as the worker's
   * executor does; then the waiting callers the steps handed an agent to, each its own contact.
   */
  private drive(dial: Dial, event: ContactEvent): void {
    let next: ContactEvent | null = event;
    while (next) {
      const { state, effects } = step(dial.contact, next);
      next = null;
      for (const effect of effects) next = this.effect(dial, effect) ?? next;
      dial.contact = state;
    }
    for (let served = this.served.shift(); served; served = this.served.shift())
      this.drive(served.dial, { type: 'served', agentId: served.agent.endpoint });
  }

  private effect(dial: Dial, effect: ContactEffect): ContactEvent | null {
    const now = this.clock.elapsed;
    switch (effect.type) {
      case 'record':
        if (effect.to === 'answered') this.answered(dial, effect.answeredBy === 'human', now);
        if (effect.to === 'connected') this.connectDelays.push((now - (dial.answeredAt as number)) / 1000);
        return null;
      case 'release_agent': {
        // The reservation ends; an agent whose phone has not rung for this call is free again.
        const agent = dial.reserved;
        dial.reserved = undefined;
        if (agent?.state === 'reserved') {
          this.letGo(agent);
          if (effect.announce) this.serveWaiting();
        }
        return null;
      }
      case 'hang_up':
      case 'play_machine_message':
        void this.simulator.hangUp(dial.id);
        return null;
      // Its simulator says who answered with the answer (detection 'on_answer'): no result follows.
      case 'record_detection':
      case 'time_detection':
        return null;
      case 'claim_agent': {
        if (!dial.reserved && !dial.pool.queue.length) {
          const agent = this.longestIdle(dial.pool.skill);
          if (agent) {
            agent.state = 'reserved';
            dial.reserved = agent;
          }
        }
        return { type: 'agent_claimed', agentId: dial.reserved?.endpoint ?? null };
      }
      case 'assign_agent':
        // PostgreSQL's answer: the simulation's agents are never taken behind its back.
        return { type: 'agent_assigned', agentId: effect.agentId, result: 'assigned', endpoint: effect.agentId };
      case 'ring_agent': {
        const agent = dial.reserved as Agent;
        agent.state = 'busy';
        agent.since = now;
        agent.stateSince = now;
        dial.agent = agent;
        void this.simulator.connectToAgent(dial.id, effect.endpoint);
        return null;
      }
      case 'wait_for_agent':
        if (!dial.pool.queue.includes(dial)) dial.pool.queue.push(dial);
        return null;
      case 'time_wait': {
        if (dial.waitTimer) return null;
        const answeredAt = effect.answeredAt ? this.clock.elapsedAt(effect.answeredAt) : now;
        const limitSeconds =
          effect.limit === 'connect_threshold' ? this.settings.connectThresholdSeconds : MAX_WAIT_SECONDS;
        const reason = effect.limit === 'connect_threshold' ? 'no_agent_within_threshold' : 'max_wait';
        dial.waitTimer = this.clock.after(answeredAt + limitSeconds * 1000 - now, () => {
          dial.waitTimer = undefined;
          this.drive(dial, { type: 'wait_over', reason });
        });
        return null;
      }
      case 'stop_wait_timer':
        if (dial.waitTimer) this.clock.cancel(dial.waitTimer);
        dial.waitTimer = undefined;
        return null;
      case 'leave_waiting':
        this.leaveWaiting(dial);
        return null;
      case 'play_abandon_message':
        void this.simulator.playAndHangUp(dial.id);
        return null;
      case 'end':
        if (dial.answered === undefined) this.settle(dial, false);
        if (effect.outcome.status === 'abandoned') {
          for (const times of [this.abandonTimes, dial.pool.abandonTimes])
            times.splice(upperBound(times, dial.answeredAt as number), 0, dial.answeredAt as number);
          this.scenario.trace?.({ type: 'abandoned', atSeconds: now / 1000 });
        }
        return null;
      case 'release_line': {
        // The call's line and what it still held: its place among waiting callers, its reservation,
        // an agent whose phone rang for it and who never took it.
        this.leaveWaiting(dial);
        const agent = dial.reserved;
        dial.reserved = undefined;
        if (agent && agent.state !== 'idle') this.letGo(agent, dial.pool);
        return null;
      }
      case 'agent_off_call': {
        // The agent wraps up until their disposition, then is free (and serves whoever waits).
        const agent = dial.agent;
        if (!agent) return null;
        const wrapUp = this.wrapUpSeconds(Number(dial.id.slice('dial-'.length)));
        if (wrapUp <= 0) {
          this.letGo(agent, dial.pool);
          return null;
        }
        agent.state = 'wrap_up';
        agent.stateSince = now;
        this.clock.after(wrapUp * 1000, () => {
          if (agent.state !== 'wrap_up') return;
          this.letGo(agent, dial.pool);
          this.serveWaiting();
        });
        return null;
      }
      case 'announce':
        this.serveWaiting();
        return null;
      case 'forget':
        this.out.delete(dial.id);
        return null;
      case 'withdraw_agent':
      case 'agent_unavailable':
      case 'end_after_error':
      case 'return_to_trunk':
        // PostgreSQL never refuses an agent here, every agent's phone picks up, no step fails, the
        // simulated network has no trunk limit.
        throw new Error(`the pacing simulation does not expect ${effect.type}`);
    }
  }

  private answered(dial: Dial, human: boolean, now: number): void {
    this.settle(dial, human);
    if (!human) return;
    dial.answeredAt = now;
    this.answerTimes.push(now);
    dial.pool.answerTimes.push(now);
    this.scenario.trace?.({ type: 'answered', atSeconds: now / 1000 });
  }

  private settle(dial: Dial, answered: boolean): void {
    // The clairvoyant dialer's foresight is the simulator's own draws: a miss is a bug, not luck.
    const foreseen = this.foreseen[Number(dial.id.slice('dial-'.length))];
    if (foreseen && foreseen.human !== answered) throw new Error(`${dial.id} was foreseen otherwise`);
    dial.answered = answered;
    dial.settledSeconds = (this.clock.elapsed - dial.dialedAt) / 1000;
  }

  /** Dial n's future, as the clairvoyant dialer knows it before placing it. */
  private foresee(n: number): Foresight {
    let call = this.foreseen[n];
    if (!call) {
      const to = numberOf(n);
      const future = foreseeCall(this.simulatorSettings, {
        to,
        attempt: 1,
        ringTimeoutSeconds: this.settings.ringTimeoutSeconds,
      });
      call = {
        human: future.human,
        answerSeconds: future.settleSeconds,
        // The agent is busy from the bridging to the end of the wrap-up.
        handleSeconds: this.simulatorSettings.agentAnswerSeconds + future.talkSeconds + this.wrapUpSeconds(n),
      };
      this.foreseen[n] = call;
    }
    return call;
  }

  /** The agent is free: their busy time ends (bridging, talk and wrap-up), and they are idle from now. */
  private letGo(agent: Agent, pool?: Pool): void {
    const now = this.clock.elapsed;
    if (agent.state === 'busy' || agent.state === 'wrap_up') {
      this.busyMs += now - agent.since;
      this.handles.push((now - agent.since) / 1000);
      pool?.handles.push((now - agent.since) / 1000);
    }
    agent.state = 'idle';
    agent.since = now;
    agent.stateSince = now;
  }

  /** Dial n's wrap-up, drawn apart from the simulator's draws (they stay the same, call for call). */
  private wrapUpSeconds(n: number): number {
    return wrapUpSecondsOf(this.scenario.seed, n, this.scenario.wrapUpSecondsMean ?? 0);
  }

  private leaveWaiting(dial: Dial): void {
    const queue = dial.pool.queue;
    const at = queue.indexOf(dial);
    if (at >= 0) queue.splice(at, 1);
  }

  /**
   * The pools are woken: the longest-waiting caller of any pool whose skill an idle agent holds
   * gets the longest-idle such agent, and so on while any can be served.
   */
  private serveWaiting(): void {
    for (;;) {
      let served: Served | undefined;
      const heads = this.pools
        .filter((pool) => pool.queue.length)
        .sort((a, b) => (a.queue[0].answeredAt as number) - (b.queue[0].answeredAt as number));
      for (const pool of heads) {
        const agent = this.longestIdle(pool.skill);
        if (agent) {
          served = { dial: pool.queue.shift() as Dial, agent };
          break;
        }
      }
      if (!served) return;
      served.agent.state = 'reserved';
      served.dial.reserved = served.agent;
      this.served.push(served);
    }
  }

  private longestIdle(skill: string): Agent | undefined {
    let best: Agent | undefined;
    for (const agent of this.agents)
      if (agent.state === 'idle' && agent.skills.has(skill) && (!best || agent.since < best.since)) best = agent;
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
      pools: this.pools.map((pool) => ({
        skill: pool.skill,
        dials: pool.dials.length,
        answers: pool.answerTimes.length,
        abandons: pool.abandonTimes.length,
        abandonRate: pool.answerTimes.length ? pool.abandonTimes.length / pool.answerTimes.length : 0,
        worstHourAbandonRate: worstWindow(pool.answerTimes, pool.abandonTimes, HOUR, end),
      })),
      mostOutAndWaiting: this.mostOutAndWaiting,
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
      finalControl: this.pools[0].control,
      reasons: this.reasons,
    };
  }
}

/** Dial n's wrap-up (seconds), log-normal around the mean (sigma 0.5), seeded by the scenario and n. */
export function wrapUpSecondsOf(seed: string, n: number, mean: number): number {
  return mean > 0 ? new SeededRandom(`${seed}:wrap-up:${n}`).logNormal(mean, 0.5) : 0;
}

/** A pool's callers who answered since `from`, and those of them abandoned so far. */
function since(pool: Pool, from: number) {
  return {
    answered: pool.answerTimes.length - lowerBound(pool.answerTimes, from),
    abandoned: pool.abandonTimes.length - lowerBound(pool.abandonTimes, from),
  };
}

/** Dial n's number: the simulator seeds each call by it. */
const numberOf = (n: number) => `+1555${String(n).padStart(7, '0')}`;

const TRUTH_CALLS = 100_000;
const TRUTH_SAMPLES = 500;
const truths = new Map<string, PacingEstimates>();

/**
 * The estimates a pacer would hold if it knew the simulator's distributions: the share answered by
 * a person, and the answer delays, the durations of the unanswered dials and the handle times
 * (bridging, talk and wrap-up), each as 500 evenly spaced quantiles of 100,000 dials drawn by the
 * simulator's own model (foreseeCall) under another seed. Computed once per model.
 */
export function trueEstimates(
  settings: SimulatorSettings,
  ringTimeoutSeconds: number,
  wrapUpSecondsMean = 0,
): PacingEstimates {
  const key = JSON.stringify([settings, ringTimeoutSeconds, wrapUpSecondsMean]);
  let truth = truths.get(key);
  if (truth) return truth;
  const model = { ...settings, seed: `${settings.seed}:truth` };
  const answers: number[] = [];
  const unanswered: number[] = [];
  const handles: number[] = [];
  for (let i = 0; i < TRUTH_CALLS; i++) {
    const call = foreseeCall(model, { to: numberOf(i + 1), attempt: 1, ringTimeoutSeconds });
    if (call.human) {
      answers.push(call.settleSeconds);
      handles.push(
        settings.agentAnswerSeconds + call.talkSeconds + wrapUpSecondsOf(model.seed, i + 1, wrapUpSecondsMean),
      );
    } else unanswered.push(call.settleSeconds);
  }
  const quantiles = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return Array.from(
      { length: TRUTH_SAMPLES },
      (_, i) => sorted[Math.floor(((i + 0.5) / TRUTH_SAMPLES) * sorted.length)],
    );
  };
  truth = {
    dials: TRUTH_CALLS,
    humanAnswers: answers.length,
    answerDelaysSeconds: quantiles(answers),
    handleSeconds: quantiles(handles),
    unansweredSeconds: quantiles(unanswered),
  };
  truths.set(key, truth);
  return truth;
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

/** The first index whose time is at or after `t` (times in order). */
function lowerBound(times: readonly number[], t: number): number {
  return firstIndex(times, (time) => time >= t);
}

/** The first index whose time is after `t` (times in order). */
function upperBound(times: readonly number[], t: number): number {
  return firstIndex(times, (time) => time > t);
}

function firstIndex(times: readonly number[], reached: (time: number) => boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reached(times[mid])) hi = mid;
    else lo = mid + 1;
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

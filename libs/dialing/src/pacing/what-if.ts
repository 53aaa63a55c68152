/**
 * What-if pacing for a tenant (POST /v1/pacing/simulations): which calls the pool's own history
 * says it will place (answer share, ring time, talk time), with the figures the tenant gives for
 * what cannot be measured or to try other ones, turned into runs of the pacing simulation
 * (pacing-simulation.ts: the production pacer and contact state machine in virtual time), one per
 * strategy, and their figures. Pure: the measuring is PacingSimulations', the running the worker's.
 */
import type { PacingSettings } from './pacer';
import type { PacingRunResult, PacingScenario, PacingStrategy } from './pacing-simulation';

/** A pool's calls as the simulation draws them. */
export interface CallFigures {
  /** Share of all dials answered by a person. */
  answerRate: number;
  /** Dial to a person answering, mean, seconds. */
  ringSecondsMean: number;
  /** Connected to hung up, mean, seconds. */
  talkSecondsMean: number;
  /** After the call, the agent's wrap-up until the disposition, mean, seconds (busy, not on a call). */
  wrapUpSecondsMean: number;
  /** How long a person who answered waits for an agent before hanging up, mean, seconds. */
  patienceSecondsMean: number;
}

export type FigureSource = 'measured' | 'given' | 'default';

/** What the pool's recent contacts say (PacingSimulations.measure). */
export interface MeasuredCalls {
  days: number;
  /** Dials that ended in the window. */
  dials: number;
  humanAnswers: number;
  /** Null without an answered (or connected) call. */
  ringSecondsMean: number | null;
  talkSecondsMean: number | null;
  /** Hang-up to the end of the agent's wrap-up (dispositions); null without any. */
  wrapUpSecondsMean: number | null;
}

/** The simulator's figures where neither history nor the tenant says: the pacing bench's scenario. */
export const DEFAULT_CALL_FIGURES: CallFigures = {
  answerRate: 0.3,
  ringSecondsMean: 9,
  talkSecondsMean: 150,
  wrapUpSecondsMean: 0,
  patienceSecondsMean: 25,
};

/** Dials a measured answer share needs before it is trusted; below, the tenant gives it. */
export const MIN_MEASURED_DIALS = 200;
/** Connected calls a measured talk time needs. */
export const MIN_MEASURED_CALLS = 30;

export type WhatIfStrategy = { kind: 'progressive' } | { kind: 'power'; ratio: number } | { kind: 'predictive' };

export const DEFAULT_WHAT_IF_STRATEGIES: WhatIfStrategy[] = [
  { kind: 'progressive' },
  { kind: 'power', ratio: 2 },
  { kind: 'predictive' },
];

export interface WhatIfRequest {
  skill: string;
  agents: number;
  hours: number;
  strategies?: WhatIfStrategy[];
  ringTimeoutSeconds?: number;
  /** Days of the pool's history to measure (1–30). */
  measuredDays?: number;
  figures?: Partial<CallFigures>;
  seed?: string;
}

/** A resolved figure: its value and where it came from. */
export type ResolvedFigures = { [K in keyof CallFigures]: { value: number; source: FigureSource } };

/** The figures a run uses: the tenant's where given, else the history's where it is enough, else the default. */
export function resolveFigures(measured: MeasuredCalls | null, given: Partial<CallFigures> = {}): ResolvedFigures {
  const fromHistory: Partial<CallFigures> = {};
  if (measured && measured.dials >= MIN_MEASURED_DIALS) {
    fromHistory.answerRate = measured.humanAnswers / measured.dials;
    if (measured.ringSecondsMean !== null && measured.humanAnswers >= MIN_MEASURED_CALLS)
      fromHistory.ringSecondsMean = measured.ringSecondsMean;
  }
  if (measured && measured.talkSecondsMean !== null && measured.humanAnswers >= MIN_MEASURED_CALLS)
    fromHistory.talkSecondsMean = measured.talkSecondsMean;
  if (measured && measured.wrapUpSecondsMean !== null && measured.humanAnswers >= MIN_MEASURED_CALLS)
    fromHistory.wrapUpSecondsMean = measured.wrapUpSecondsMean;
  const resolved = {} as ResolvedFigures;
  for (const key of Object.keys(DEFAULT_CALL_FIGURES) as (keyof CallFigures)[]) {
    if (given[key] !== undefined) resolved[key] = { value: given[key], source: 'given' };
    else if (fromHistory[key] !== undefined) resolved[key] = { value: fromHistory[key], source: 'measured' };
    else resolved[key] = { value: DEFAULT_CALL_FIGURES[key], source: 'default' };
  }
  return resolved;
}

/** Agents × hours × strategies a simulation may ask for: an 8-hour day of 100 agents, three ways. */
export const MAX_AGENT_HOURS = 2_400;

export function strategyName(strategy: WhatIfStrategy): string {
  return strategy.kind === 'power' ? `power ${strategy.ratio}:1` : strategy.kind;
}

/** One run of the simulation per strategy, on the same seeded calls. */
export function whatIfScenarios(
  request: WhatIfRequest,
  figures: ResolvedFigures,
  pacing: PacingSettings,
  seed: string,
): { name: string; scenario: PacingScenario }[] {
  const value = (key: keyof CallFigures) => figures[key].value;
  return (request.strategies ?? DEFAULT_WHAT_IF_STRATEGIES).map((strategy) => ({
    name: strategyName(strategy),
    scenario: {
      strategy: strategy as PacingStrategy,
      agents: request.agents,
      hours: request.hours,
      answerRate: value('answerRate'),
      talkSecondsMean: value('talkSecondsMean'),
      // The agent stays busy after the hang-up until the disposition; the pacer sees it as handle time.
      wrapUpSecondsMean: value('wrapUpSecondsMean'),
      seed,
      pacing: { ...pacing, ringTimeoutSeconds: request.ringTimeoutSeconds ?? pacing.ringTimeoutSeconds },
      simulator: {
        ringSecondsMean: value('ringSecondsMean'),
        patienceSecondsMean: value('patienceSecondsMean'),
      },
    },
  }));
}

/** A strategy's figures, as the API answers them. */
export interface WhatIfOutcome {
  strategy: string;
  occupancy: number;
  abandonRate: number;
  worstHourAbandonRate: number;
  hourlyAbandonRates: number[];
  dialsPerAgentHour: number;
  dials: number;
  answered: number;
  abandoned: number;
  /** Person answered → connected to an agent, seconds. */
  waitSeconds: { p50: number; p95: number; p99: number };
}

const rounded = (x: number, digits = 4) => Number(x.toFixed(digits));

export function outcomeOf(name: string, result: PacingRunResult): WhatIfOutcome {
  return {
    strategy: name,
    occupancy: rounded(result.occupancy),
    abandonRate: rounded(result.abandonRate),
    worstHourAbandonRate: rounded(result.worstHourAbandonRate),
    hourlyAbandonRates: result.hourlyAbandonRates.map((r) => rounded(r)),
    dialsPerAgentHour: rounded(result.dialsPerAgentHour, 1),
    dials: result.dials,
    answered: result.answers,
    abandoned: result.abandons,
    waitSeconds: {
      p50: rounded(result.answerToAgentP50, 2),
      p95: rounded(result.answerToAgentP95, 2),
      p99: rounded(result.answerToAgentP99, 2),
    },
  };
}

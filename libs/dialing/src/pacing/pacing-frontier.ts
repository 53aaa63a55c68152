/**
 * Pacing frontiers: each strategy's knob swept over the same seeded calls, and the occupancy it
 * buys at each abandon rate (bench/pacing-frontier.ts draws and tabulates them). A point is one
 * run; a strategy's frontier is its best points (none better on both occupancy and abandons),
 * joined by straight lines: a mix of two settings, time-shared, reaches any point between them.
 */
import { DEFAULT_PACING_SETTINGS } from './pacer';
import { PacingRunResult, PacingStrategy, simulatePacing } from './pacing-simulation';

export type StrategyFamily = 'progressive' | 'power' | 'erlang' | 'predictive' | 'predictive (true)' | 'clairvoyant';

export interface SweepSetting {
  family: StrategyFamily;
  /** The knob's value as written in tables: a ratio, a blocking, a target abandon rate. */
  knob: string;
  strategy: PacingStrategy;
  /** The predictive pacer's target and cap (the cap at 1.5 × the target, as 2% and 3% by default). */
  pacing?: { targetAbandonRate: number; maxAbandonRate: number };
}

export interface FrontierPoint {
  family: StrategyFamily;
  knob: string;
  occupancy: number;
  abandonRate: number;
  worstHourAbandonRate: number;
  dials: number;
}

export const POWER_RATIOS = Array.from({ length: 13 }, (_, i) => 1 + i * 0.25);
export const ERLANG_BLOCKINGS = [0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.15, 0.2];
export const PREDICTIVE_TARGETS = [0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.07, 0.1];

/** Every setting of every strategy the frontier bench runs on each scenario. */
export function sweepSettings(): SweepSetting[] {
  const predictive = (truth: boolean) =>
    PREDICTIVE_TARGETS.map((target): SweepSetting => ({
      family: truth ? 'predictive (true)' : 'predictive',
      knob: `target ${(100 * target).toFixed(2)}%`,
      strategy: { kind: 'predictive', truth },
      // The slow loop scaled as a whole: its brake works between the target and the cap.
      pacing: {
        targetAbandonRate: target,
        maxAbandonRate: Math.max(target, DEFAULT_PACING_SETTINGS.maxAbandonRate * (target / 0.02)),
      },
    }));
  return [
    { family: 'progressive', knob: '', strategy: { kind: 'progressive' } },
    ...POWER_RATIOS.map((ratio): SweepSetting => ({
      family: 'power',
      knob: `${ratio.toFixed(2)}:1`,
      strategy: { kind: 'power', ratio },
    })),
    ...ERLANG_BLOCKINGS.map((blocking): SweepSetting => ({
      family: 'erlang',
      knob: `blocking ${(100 * blocking).toFixed(0)}%`,
      strategy: { kind: 'erlang', blocking },
    })),
    ...predictive(false),
    ...predictive(true),
    { family: 'clairvoyant', knob: '', strategy: { kind: 'clairvoyant' } },
  ];
}

/** One scenario's sweep: every setting on the same seed, so dial n is the same call in each run. */
export async function sweep(
  scenario: { agents: number; answerRate: number; hours: number; seed: string },
  settings: SweepSetting[] = sweepSettings(),
  onRun?: (setting: SweepSetting, result: PacingRunResult) => void,
): Promise<FrontierPoint[]> {
  const points: FrontierPoint[] = [];
  for (const setting of settings) {
    const result = await simulatePacing({ ...scenario, strategy: setting.strategy, pacing: setting.pacing });
    onRun?.(setting, result);
    points.push({
      family: setting.family,
      knob: setting.knob,
      occupancy: result.occupancy,
      abandonRate: result.abandonRate,
      worstHourAbandonRate: result.worstHourAbandonRate,
      dials: result.dials,
    });
  }
  return points;
}

/** The points no other point beats on both counts, by abandon rate (`by`: the run's or the worst hour's). */
export function paretoFrontier(
  points: readonly FrontierPoint[],
  by: 'abandonRate' | 'worstHourAbandonRate' = 'abandonRate',
): FrontierPoint[] {
  const sorted = [...points].sort((a, b) => a[by] - b[by] || b.occupancy - a.occupancy);
  const frontier: FrontierPoint[] = [];
  for (const point of sorted)
    if (!frontier.length || point.occupancy > frontier[frontier.length - 1].occupancy) frontier.push(point);
  return frontier;
}

/**
 * The frontier's occupancy at an abandon rate: between two of its points, on the line joining them;
 * past the last, the last; below the first, undefined (no setting abandons so few).
 */
export function frontierAt(frontier: readonly FrontierPoint[], abandonRate: number): number | undefined {
  if (!frontier.length || abandonRate < frontier[0].abandonRate) return undefined;
  for (let i = 1; i < frontier.length; i++) {
    const [a, b] = [frontier[i - 1], frontier[i]];
    if (abandonRate <= b.abandonRate)
      return (
        a.occupancy + ((b.occupancy - a.occupancy) * (abandonRate - a.abandonRate)) / (b.abandonRate - a.abandonRate)
      );
  }
  return frontier[frontier.length - 1].occupancy;
}

/** The best single run with the run's abandon rate at most `runCap` and its worst hour at most `hourCap`. */
export function bestRun(
  points: readonly FrontierPoint[],
  runCap: number,
  hourCap = Infinity,
): FrontierPoint | undefined {
  let best: FrontierPoint | undefined;
  for (const point of points)
    if (
      point.abandonRate <= runCap &&
      point.worstHourAbandonRate <= hourCap &&
      (!best || point.occupancy > best.occupancy)
    )
      best = point;
  return best;
}

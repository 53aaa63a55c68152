/**
 * Pools that share agents are paced together. Pure: the pacing leader and the simulation both run
 * these functions on what they read.
 *
 * An agent with skills `sales` and `care` is idle capacity for both pools: paced apart, each pool's
 * decision counts the agent and dials for it, so two blended pools dial for twice the agents they
 * have. Instead, the predictive pools are grouped by the agents they share (the connected components
 * of the graph whose nodes are the skills, linked by every logged-in agent holding two of them), and
 * each group gets one decision (`decideDials`) over its agents counted once, its pools' calls out
 * and callers waiting, estimates merged from its pools' calls, the strictest of its pools' settings
 * and risk. The group's dials are then split into per-pool budgets (by the skills of the agents
 * idle now, else of all the group's agents), so that each pool's dispatchers
 * spend their own budget as before and each pool keeps its own compliance accounting (its own
 * abandon rate, its own slow loop).
 *
 * Why one decision rather than an allocation of each blended agent's free time between its pools:
 * whichever pool's call is answered first takes the agent, so a split fixed in advance is a guess,
 * and each pool's look-ahead would then bound the chance of finding a fraction of an agent free,
 * which the pacer's model (whole agents freeing at random) does not describe. One decision over the
 * union counts each agent once, and is exact when every agent of the group holds every skill of
 * it; with partly blended groups (some agents of one skill only) it treats the group as one queue,
 * slightly optimistic for the pool with fewer agents of its own.
 */
import { decideDials, PacingControl, PacingDecision, PacingEstimates, PacingSettings, PoolSnapshot } from './pacer';

/** A logged-in agent, as the pacer sees it. */
export interface PacedAgent {
  skills: readonly string[];
  /** idle: available and not reserved; busy: on a call or in wrap-up; other: reserved, bridging, paused… */
  state: 'idle' | 'busy' | 'other';
  /** Seconds busy, when busy. */
  busySeconds?: number;
}

/** One predictive pool's own part of a snapshot. */
export interface PoolCalls {
  skill: string;
  /** Seconds each unanswered predictive dial of the pool has been out. */
  inFlightElapsedSeconds: readonly number[];
  /** Answered callers of the pool waiting for an agent. */
  waiting: number;
}

/**
 * The predictive skills grouped by shared logged-in agents: each group in order of its skills,
 * the groups in order of their first skill (its anchor: whose lease leads the group). A skill no
 * logged-in agent holds is a group of its own.
 */
export function pacingGroups(skills: readonly string[], agents: readonly Pick<PacedAgent, 'skills'>[]): string[][] {
  const parent = new Map<string, string>();
  for (const skill of skills) parent.set(skill, skill);
  const find = (skill: string): string => {
    let root = skill;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    for (let at = skill; at !== root;) {
      const next = parent.get(at) as string;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  for (const agent of agents) {
    let first: string | undefined;
    for (const skill of agent.skills) {
      if (!parent.has(skill)) continue;
      if (first === undefined) first = skill;
      else {
        const [a, b] = [find(first), find(skill)];
        if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
      }
    }
  }
  const groups = new Map<string, string[]>();
  for (const skill of [...parent.keys()].sort()) {
    const root = find(skill);
    const group = groups.get(root) ?? [];
    group.push(skill);
    groups.set(root, group);
  }
  return [...groups.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The group as one pool: its logged-in agents counted once (an agent belongs to the group when it
 * holds one of the group's skills), its pools' dials out and callers waiting, all together;
 * `agentReserve` agents kept out of the idle count.
 */
export function groupSnapshot(
  skills: readonly string[],
  agents: readonly PacedAgent[],
  pools: readonly PoolCalls[],
  agentReserve = 0,
): PoolSnapshot {
  const inGroup = new Set(skills);
  let loggedIn = 0;
  let idle = 0;
  const busyElapsedSeconds: number[] = [];
  for (const agent of agents) {
    if (!agent.skills.some((skill) => inGroup.has(skill))) continue;
    loggedIn++;
    if (agent.state === 'idle') idle++;
    else if (agent.state === 'busy') busyElapsedSeconds.push(agent.busySeconds ?? 0);
  }
  const inFlightElapsedSeconds: number[] = [];
  let waiting = 0;
  for (const pool of pools) {
    if (!inGroup.has(pool.skill)) continue;
    for (const elapsed of pool.inFlightElapsedSeconds) inFlightElapsedSeconds.push(elapsed);
    waiting += pool.waiting;
  }
  return { loggedIn, idle: Math.max(0, idle - agentReserve), busyElapsedSeconds, inFlightElapsedSeconds, waiting };
}

// The last merge of each first pool's estimates: estimates change every few seconds, decisions
// every tick, and the pacer sorts each sample once (by its identity), so a merge is reused.
const merges = new WeakMap<PacingEstimates, { of: readonly PacingEstimates[]; merged: PacingEstimates }>();

/** The group's calls as one pool's: counts added, samples put together. */
export function mergeEstimates(estimates: readonly PacingEstimates[]): PacingEstimates {
  if (estimates.length === 1) return estimates[0];
  const last = merges.get(estimates[0]);
  if (last && last.of.length === estimates.length && last.of.every((e, i) => e === estimates[i])) return last.merged;
  const merged: PacingEstimates = {
    dials: 0,
    humanAnswers: 0,
    answerDelaysSeconds: [],
    handleSeconds: [],
    unansweredSeconds: [],
  };
  for (const e of estimates) {
    merged.dials += e.dials;
    merged.humanAnswers += e.humanAnswers;
    (merged.answerDelaysSeconds as number[]).push(...e.answerDelaysSeconds);
    (merged.handleSeconds as number[]).push(...e.handleSeconds);
    (merged.unansweredSeconds as number[]).push(...(e.unansweredSeconds ?? []));
  }
  merges.set(estimates[0], { of: [...estimates], merged });
  return merged;
}

/**
 * The strictest of the pools' settings: the lowest cap, target, lines per agent and connect
 * threshold, the most samples and agents before predicting, the longest ring timeout.
 */
export function groupSettings(settings: readonly PacingSettings[]): PacingSettings {
  const [first, ...rest] = settings;
  return rest.reduce(
    (group, s) => ({
      maxAbandonRate: Math.min(group.maxAbandonRate, s.maxAbandonRate),
      targetAbandonRate: Math.min(group.targetAbandonRate, s.targetAbandonRate),
      maxLinesPerAgent: Math.min(group.maxLinesPerAgent, s.maxLinesPerAgent),
      minDialSamples: Math.max(group.minDialSamples, s.minDialSamples),
      minAgents: Math.max(group.minAgents, s.minAgents),
      connectThresholdSeconds: Math.min(group.connectThresholdSeconds, s.connectThresholdSeconds),
      ringTimeoutSeconds: Math.max(group.ringTimeoutSeconds, s.ringTimeoutSeconds),
    }),
    first,
  );
}

/**
 * The group's risk: the lowest of its pools' (each pool's slow loop keeps its own from its own
 * abandon rate, so the pool furthest above its target holds the group back), braked; progressive
 * while any pool is at its cap.
 */
export function groupControl(controls: readonly PacingControl[]): PacingControl {
  let alpha = Infinity;
  let capped = false;
  for (const control of controls) {
    alpha = Math.min(alpha, control.alpha * (control.brake ?? 1));
    capped ||= control.capped;
  }
  return { alpha, capped, brake: 1 };
}

/**
 * Splits a group's dials between its pools in proportion to their weights (largest remainder;
 * ties go to the pool `turn` points at first, then on in order, so a rotating turn shares odd
 * dials fairly over ticks). Zero weights everywhere: equal shares.
 */
export function splitDials(dials: number, weights: readonly number[], turn = 0): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const total = weights.reduce((a, b) => a + Math.max(0, b), 0);
  const share = (i: number) => (total > 0 ? Math.max(0, weights[i]) / total : 1 / n);
  const shares = weights.map((_, i) => Math.floor(dials * share(i)));
  let left = dials - shares.reduce((a, b) => a + b, 0);
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => {
      const byRemainder = dials * share(b) - shares[b] - (dials * share(a) - shares[a]);
      if (Math.abs(byRemainder) > 1e-9) return byRemainder;
      return ((a - turn + n * 1e6) % n) - ((b - turn + n * 1e6) % n);
    });
  for (let k = 0; left > 0; k = (k + 1) % n, left--) shares[order[k]]++;
  return shares;
}

/**
 * Each pool's weight in the split: the agents given (decideGroup gives the idle ones, else all),
 * an agent shared by several of the group's pools counting for each by an equal part.
 */
export function poolWeights(skills: readonly string[], agents: readonly Pick<PacedAgent, 'skills'>[]): number[] {
  const index = new Map(skills.map((skill, i) => [skill, i]));
  const weights = skills.map(() => 0);
  for (const agent of agents) {
    const mine = agent.skills.filter((skill) => index.has(skill));
    for (const skill of mine) weights[index.get(skill) as number] += 1 / mine.length;
  }
  return weights;
}

/** What one pool of a group brings to its decision. */
export interface GroupPool extends PoolCalls {
  estimates: PacingEstimates;
  control: PacingControl;
  settings: PacingSettings;
}

export interface GroupDecision {
  decision: PacingDecision;
  /** The group as one pool. */
  snapshot: PoolSnapshot;
  /** Each pool's part of the decision's dials, in the order given: by the idle agents' skills, else all agents'. */
  dials: number[];
}

/** One decision for a group of pools sharing agents, and each pool's part of it. */
export function decideGroup(
  pools: readonly GroupPool[],
  agents: readonly PacedAgent[],
  options: { agentReserve?: number; turn?: number } = {},
): GroupDecision {
  const skills = pools.map((pool) => pool.skill);
  const snapshot = groupSnapshot(skills, agents, pools, options.agentReserve ?? 0);
  const decision = decideDials(
    snapshot,
    mergeEstimates(pools.map((pool) => pool.estimates)),
    groupControl(pools.map((pool) => pool.control)),
    groupSettings(pools.map((pool) => pool.settings)),
  );
  // Split where the agents are free now (a caller answered while only agents of the other skill are
  // free waits or is abandoned); with none free, by the group's agents.
  const idle = agents.filter((agent) => agent.state === 'idle' && agent.skills.some((skill) => skills.includes(skill)));
  const weights = poolWeights(skills, idle.length ? idle : agents);
  return { decision, snapshot, dials: splitDials(decision.dials, weights, options.turn ?? 0) };
}

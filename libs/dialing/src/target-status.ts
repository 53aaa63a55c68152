/**
 * The target state machine (shared/DESIGN.md §3): the one place that says which status changes
 * are legal. A target is terminal exactly once; only a retry sends a finished attempt back to
 * `pending`: from no_answer, busy or failed, or from connected by a `retry` disposition.
 */
export const TARGET_STATUSES = [
  'pending',
  'dialing',
  'ringing',
  'answered',
  'connected',
  'completed',
  'no_answer',
  'busy',
  'failed',
  'abandoned',
  'machine',
  'skipped',
  'not_dialed',
  'cancelled',
  'expired',
] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export const RETRYABLE_OUTCOMES = ['no_answer', 'busy', 'failed'] as const;
export type RetryableOutcome = (typeof RETRYABLE_OUTCOMES)[number];

const NEXT: Record<TargetStatus, readonly TargetStatus[]> = {
  pending: ['dialing', 'skipped', 'not_dialed', 'cancelled', 'expired'],
  // Back to pending: the attempt ended with a retryable outcome and the retry policy wants another.
  dialing: ['ringing', 'answered', 'no_answer', 'busy', 'failed', 'cancelled', 'pending'],
  ringing: ['answered', 'no_answer', 'busy', 'failed', 'cancelled', 'pending'],
  answered: ['connected', 'abandoned', 'machine', 'failed', 'cancelled'],
  // Back to pending: the agent's disposition asks for another attempt (a `retry` code).
  connected: ['completed', 'pending'],
  completed: [],
  no_answer: [],
  busy: [],
  failed: [],
  abandoned: [],
  machine: [],
  skipped: [],
  not_dialed: [],
  cancelled: [],
  expired: [],
};

/** Every status a target may come from to reach `to`. */
export function sourcesOf(to: TargetStatus): TargetStatus[] {
  return TARGET_STATUSES.filter((from) => NEXT[from].includes(to));
}

/** Terminal statuses are the ones the state machine never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<TargetStatus> = new Set(
  TARGET_STATUSES.filter((s) => NEXT[s].length === 0),
);

export function isTerminal(status: TargetStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Statuses of a target still in play: held or in a call. */
export const OPEN_TARGET_STATUSES: readonly TargetStatus[] = TARGET_STATUSES.filter((s) => !isTerminal(s));

export function canMove(from: TargetStatus, to: TargetStatus): boolean {
  return NEXT[from].includes(to);
}

/** Per outcome: retry or not, after how long, up to how many attempts in all. */
export interface RetryRule {
  maxAttempts: number;
  delaySeconds: number;
}
export type RetryPolicy = Partial<Record<'noAnswer' | 'busy' | 'failed', RetryRule>>;

const RULE_OF: Record<RetryableOutcome, keyof RetryPolicy> = { no_answer: 'noAnswer', busy: 'busy', failed: 'failed' };

/** After an attempt ended with `outcome`: the delay before the next attempt, or null for none. */
export function retryDelay(policy: RetryPolicy, outcome: TargetStatus, attemptsMade: number): number | null {
  if (!(RETRYABLE_OUTCOMES as readonly string[]).includes(outcome)) return null;
  const rule = policy[RULE_OF[outcome as RetryableOutcome]];
  if (!rule || attemptsMade >= rule.maxAttempts) return null;
  return rule.delaySeconds;
}

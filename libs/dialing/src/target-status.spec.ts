import { canMove, isTerminal, retryDelay, TARGET_STATUSES, TERMINAL_STATUSES } from './target-status';

describe('target state machine', () => {
  it('follows pending → dialing → ringing → answered → connected → completed', () => {
    const path = ['pending', 'dialing', 'ringing', 'answered', 'connected', 'completed'] as const;
    for (let i = 1; i < path.length; i++) expect(canMove(path[i - 1], path[i])).toBe(true);
  });

  it('has exactly the terminal statuses of the brief (DESIGN §3)', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(
      [
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
      ].sort(),
    );
  });

  it('never leaves a terminal status', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of TARGET_STATUSES) expect(canMove(from, to)).toBe(false);
    }
    expect(isTerminal('pending')).toBe(false);
  });

  it('cannot skip the answer: a ringing call is not connected', () => {
    expect(canMove('ringing', 'connected')).toBe(false);
    expect(canMove('connected', 'abandoned')).toBe(false);
  });
});

describe('retry policy', () => {
  const policy = { noAnswer: { maxAttempts: 3, delaySeconds: 60 }, busy: { maxAttempts: 2, delaySeconds: 5 } };

  it('retries a retryable outcome until the maximum number of attempts', () => {
    expect(retryDelay(policy, 'no_answer', 1)).toBe(60);
    expect(retryDelay(policy, 'no_answer', 2)).toBe(60);
    expect(retryDelay(policy, 'no_answer', 3)).toBeNull();
    expect(retryDelay(policy, 'busy', 1)).toBe(5);
  });

  it('never retries an outcome without a rule, nor a final one', () => {
    expect(retryDelay(policy, 'failed', 1)).toBeNull();
    expect(retryDelay(policy, 'completed', 1)).toBeNull();
    expect(retryDelay(policy, 'abandoned', 1)).toBeNull();
  });
});

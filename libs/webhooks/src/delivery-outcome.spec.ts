import { judgeAttempt, MAX_RETRY_AFTER_MS, parseRetryAfter } from './delivery-outcome';

const SCHEDULE = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
const answered = (statusCode: number, retryAfterMs: number | null = null) => ({
  statusCode,
  error: null,
  retryAfterMs,
});
const noAnswer = (error: string) => ({ statusCode: null, error });

describe('judging a webhook delivery attempt', () => {
  it('counts any 2xx as delivered', () => {
    for (const status of [200, 201, 202, 204, 299])
      expect(judgeAttempt(answered(status), 1, SCHEDULE).kind).toBe('delivered');
  });

  it('retries timeouts, network errors, 408, 429 and 5xx on the Standard Webhooks schedule', () => {
    expect(judgeAttempt(noAnswer('timeout'), 1, SCHEDULE)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(judgeAttempt(noAnswer('network_error: ECONNREFUSED'), 2, SCHEDULE)).toEqual({
      kind: 'retry',
      delayMs: 300_000,
    });
    expect(judgeAttempt(answered(500), 3, SCHEDULE)).toEqual({ kind: 'retry', delayMs: 1_800_000 });
    expect(judgeAttempt(answered(503), 4, SCHEDULE)).toEqual({ kind: 'retry', delayMs: 7_200_000 });
    expect(judgeAttempt(answered(429), 5, SCHEDULE)).toEqual({ kind: 'retry', delayMs: 18_000_000 });
    expect(judgeAttempt(answered(408), 7, SCHEDULE)).toEqual({ kind: 'retry', delayMs: 36_000_000 });
  });

  it('fails once the schedule is spent: eight attempts in all', () => {
    expect(judgeAttempt(answered(500), 8, SCHEDULE)).toEqual({ kind: 'failed', reason: 'retries_exhausted: http_500' });
  });

  it('waits as long as Retry-After asks when that is longer than the schedule, up to a day', () => {
    expect(judgeAttempt(answered(429, 60_000), 1, SCHEDULE)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(judgeAttempt(answered(503, 1_000), 2, SCHEDULE)).toEqual({ kind: 'retry', delayMs: 300_000 });
    expect(judgeAttempt(answered(429, 10 * MAX_RETRY_AFTER_MS), 1, SCHEDULE)).toEqual({
      kind: 'retry',
      delayMs: MAX_RETRY_AFTER_MS,
    });
  });

  it('fails at once on a redirect or a client error: the receiver refused this message', () => {
    expect(judgeAttempt(answered(301), 1, SCHEDULE)).toEqual({ kind: 'failed', reason: 'http_301' });
    expect(judgeAttempt(answered(400), 1, SCHEDULE)).toEqual({ kind: 'failed', reason: 'http_400' });
    expect(judgeAttempt(answered(404), 1, SCHEDULE)).toEqual({ kind: 'failed', reason: 'http_404' });
  });

  it('treats 410 Gone as a request to stop: the endpoint is disabled', () => {
    expect(judgeAttempt(answered(410), 1, SCHEDULE)).toEqual({ kind: 'gone' });
  });

  it('does not retry a destination refused by the address policy', () => {
    expect(judgeAttempt({ statusCode: null, error: 'destination_refused', refused: true }, 1, SCHEDULE)).toEqual({
      kind: 'failed',
      reason: 'destination_refused',
    });
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

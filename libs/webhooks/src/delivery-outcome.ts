/** What one delivery attempt came to, before any decision. */
export interface AttemptResult {
  statusCode: number | null;
  /** Why no usable response came: timeout, network error, refused destination. */
  error: string | null;
  /** The error was our own refusal to connect (a private address): retrying cannot help. */
  refused?: boolean;
  /** The receiver's Retry-After, in milliseconds, if it sent one. */
  retryAfterMs?: number | null;
}

export type AttemptVerdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed'; reason: string }
  /** 410 Gone: the receiver asks never to be called again; the endpoint is disabled. */
  | { kind: 'gone' };

/** Retry-After longer than this is not honoured beyond it. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * The retry policy of webhook deliveries. Retried: timeouts, network errors, 408, 429 and 5xx,
 * on the schedule (attempt n+1 waits schedule[n] after attempt n; a later Retry-After wins), until
 * the schedule runs out. 2xx is delivered; 410 disables the endpoint; any other status (3xx,
 * since redirects are not followed, and 4xx) fails at once: the receiver refused this message.
 *
 * @param attemptsMade attempts made so far, this one included
 * @param schedule the delay before each attempt; schedule[0] is the first attempt's (at once)
 */
export function judgeAttempt(result: AttemptResult, attemptsMade: number, schedule: number[]): AttemptVerdict {
  const { statusCode } = result;
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return { kind: 'delivered' };
  if (statusCode === 410) return { kind: 'gone' };
  if (result.refused) return { kind: 'failed', reason: result.error ?? 'destination_refused' };
  const retryable = statusCode === null || statusCode === 408 || statusCode === 429 || statusCode >= 500;
  const reason = statusCode === null ? (result.error ?? 'network_error') : `http_${statusCode}`;
  if (!retryable) return { kind: 'failed', reason };
  if (attemptsMade >= schedule.length) return { kind: 'failed', reason: `retries_exhausted: ${reason}` };
  const retryAfter = Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return { kind: 'retry', delayMs: Math.max(schedule[attemptsMade], retryAfter) };
}

/** Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  if (!/GMT$/.test(trimmed)) return null; // an HTTP date is always in GMT
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

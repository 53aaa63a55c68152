import { EndCause } from '../telephony.port';

/** What is known about a call attempt when its INVITE gets its final non-2xx answer. */
export interface FailureContext {
  /** A provisional response (1xx, 100 Trying included) was received. */
  provisional: boolean;
  /**
   * The callee's side rang or progressed (180/183): past the trunk. A 100 Trying alone is one
   * hop's (a proxy's) and says nothing of the call reaching the callee.
   */
  ringing: boolean;
  /** The final response carried Retry-After (a temporary condition of the server that sent it). */
  retryAfter?: boolean;
  /** AutoCall sent CANCEL because its ring timer ran out. */
  cancelledOnTimeout: boolean;
  /** AutoCall sent CANCEL because it was asked to end the call (End a Contact, hang-up). */
  cancelledOnRequest: boolean;
}

/**
 * The end cause of a failed INVITE (RFC 3261 §21 classes):
 * busy 486/600; no answer 480, 408 after a 1xx, 487 after our ring-timeout CANCEL; unreachable
 * 404/484/604; rejected 403/603; cancelled 487 after a CANCEL AutoCall was asked for;
 * trunk_overloaded 503 (with or without Retry-After) before any ringing (a proxy's 100 Trying does
 * not count), and 408 (no answer at all, Timer B) with no 1xx at all: the trunk or carrier
 * refused or dropped the call, the number was never reached, so it counts against the trunk, not
 * the number; so does a 500 with Retry-After before any ringing (RFC 3261 §16.7 has a proxy send a
 * carrier's 503 upstream as 500: Kamailio does unless tm's remap_503_500 is 0, keeping the
 * header); everything else failed.
 */
export function failureCause(status: number, context: FailureContext): EndCause {
  if (status === 487) {
    if (context.cancelledOnRequest) return 'cancelled';
    if (context.cancelledOnTimeout) return 'no_answer';
    return 'failed';
  }
  if (context.cancelledOnRequest) return 'cancelled';
  switch (status) {
    case 486:
    case 600:
      return 'busy';
    case 480:
      return 'no_answer';
    case 404:
    case 484:
    case 604:
      return 'unreachable';
    case 403:
    case 603:
      return 'rejected';
    case 408:
      return context.provisional ? 'no_answer' : 'trunk_overloaded';
    case 503:
      return context.ringing ? 'failed' : 'trunk_overloaded';
    case 500:
      return !context.ringing && context.retryAfter ? 'trunk_overloaded' : 'failed';
    default:
      if (context.cancelledOnTimeout && status >= 400) return 'no_answer';
      return 'failed';
  }
}

/**
 * Retry-After of a 503 (RFC 3261 §20.33): delta-seconds, possibly with a comment or parameters;
 * null when absent or unreadable. Capped at an hour: a carrier's figure never parks a trunk longer.
 */
export function retryAfterSeconds(header: string | undefined): number | null {
  const match = /^\s*(\d+)/.exec(header ?? '');
  if (!match) return null;
  return Math.min(Number(match[1]), 3_600);
}

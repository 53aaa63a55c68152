import { EndCause } from '../telephony.port';

/** What is known about a call attempt when its INVITE gets its final non-2xx answer. */
export interface FailureContext {
  /** A provisional response (1xx, 100 Trying included) was received. */
  provisional: boolean;
  /** AutoCall sent CANCEL because its ring timer ran out. */
  cancelledOnTimeout: boolean;
  /** AutoCall sent CANCEL because it was asked to end the call (End a Contact, hang-up). */
  cancelledOnRequest: boolean;
}

/**
 * The end cause of a failed INVITE (RFC 3261 §21 classes):
 * busy 486/600; no answer 480, 408 after a 1xx, 487 after our ring-timeout CANCEL; unreachable
 * 404/484/604 and 408/503 with no 1xx at all (nothing on the path answered); rejected 403/603;
 * cancelled 487 after a CANCEL AutoCall was asked for; everything else failed.
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
      return context.provisional ? 'no_answer' : 'unreachable';
    case 503:
      return context.provisional ? 'failed' : 'unreachable';
    default:
      if (context.cancelledOnTimeout && status >= 400) return 'no_answer';
      return 'failed';
  }
}

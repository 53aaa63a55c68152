import { failureCause, retryAfterSeconds } from './outcome';

const plain = { provisional: false, ringing: false, cancelledOnTimeout: false, cancelledOnRequest: false };
const rang = { ...plain, provisional: true, ringing: true };
const trying = { ...plain, provisional: true };

describe('SIP final status → end cause', () => {
  it.each([
    [486, plain, 'busy'],
    [600, rang, 'busy'],
    [480, rang, 'no_answer'],
    [408, rang, 'no_answer'],
    [487, { ...rang, cancelledOnTimeout: true }, 'no_answer'],
    [487, { ...rang, cancelledOnRequest: true }, 'cancelled'],
    [404, plain, 'unreachable'],
    [484, plain, 'unreachable'],
    [604, plain, 'unreachable'],
    [408, plain, 'trunk_overloaded'],
    [503, plain, 'trunk_overloaded'],
    [503, rang, 'failed'],
    [503, trying, 'trunk_overloaded'],
    [408, trying, 'no_answer'],
    [403, plain, 'rejected'],
    [603, rang, 'rejected'],
    [500, plain, 'failed'],
    [500, { ...trying, retryAfter: true }, 'trunk_overloaded'],
    [500, { ...rang, retryAfter: true }, 'failed'],
    [488, plain, 'failed'],
    [487, plain, 'failed'],
  ] as const)('%i %o → %s', (status, context, cause) => {
    expect(failureCause(status, context)).toBe(cause);
  });
});

describe('Retry-After of an overload answer', () => {
  it.each([
    ['2', 2],
    [' 120 (maintenance)', 120],
    ['5;duration=30', 5],
    ['86400', 3_600],
    [undefined, null],
    ['soon', null],
  ] as const)('%p → %p', (header, seconds) => {
    expect(retryAfterSeconds(header)).toBe(seconds);
  });
});

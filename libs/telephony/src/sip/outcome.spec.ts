import { failureCause } from './outcome';

const plain = { provisional: false, cancelledOnTimeout: false, cancelledOnRequest: false };
const rang = { ...plain, provisional: true };

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
    [408, plain, 'unreachable'],
    [503, plain, 'unreachable'],
    [503, rang, 'failed'],
    [403, plain, 'rejected'],
    [603, rang, 'rejected'],
    [500, plain, 'failed'],
    [488, plain, 'failed'],
    [487, plain, 'failed'],
  ] as const)('%i %o → %s', (status, context, cause) => {
    expect(failureCause(status, context)).toBe(cause);
  });
});

import { END_CAUSES } from '@autocall/telephony';
import {
  CallFacts,
  canMoveContact,
  CONTACT_STATUSES,
  contactOutcome,
  contactSourcesOf,
  OPEN_CONTACT_STATUSES,
} from './contact-lifecycle';
import { isTerminal } from './target-status';

describe('the contact state machine', () => {
  // Every legal move, written out: any pair not listed here must be refused.
  const LEGAL = new Set([
    'dialing→ringing',
    'dialing→answered',
    'dialing→ended',
    'ringing→answered',
    'ringing→ended',
    'answered→waiting',
    'answered→connected',
    'answered→ended',
    'waiting→connected',
    'waiting→ended',
    'connected→ended',
  ]);

  it.each(CONTACT_STATUSES.flatMap((from) => CONTACT_STATUSES.map((to) => [from, to] as const)))(
    '%s → %s is legal only if listed',
    (from, to) => {
      expect(canMoveContact(from, to)).toBe(LEGAL.has(`${from}→${to}`));
    },
  );

  it('guards each move by the statuses it may come from', () => {
    expect(contactSourcesOf('ringing')).toEqual(['dialing']);
    expect(contactSourcesOf('answered')).toEqual(['dialing', 'ringing']);
    expect(contactSourcesOf('waiting')).toEqual(['answered']);
    expect(contactSourcesOf('connected')).toEqual(['answered', 'waiting']);
    expect(contactSourcesOf('ended')).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'connected']);
    expect(contactSourcesOf('dialing')).toEqual([]);
  });

  it('ends once: ended is the only status with no way out, and every other one can end', () => {
    expect(OPEN_CONTACT_STATUSES).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'connected']);
    for (const status of OPEN_CONTACT_STATUSES) expect(canMoveContact(status, 'ended')).toBe(true);
  });
});

describe("a contact's outcome", () => {
  const call = (facts: Partial<CallFacts>): CallFacts => ({
    connectedAgent: null,
    lost: false,
    endRequested: null,
    answeredBy: null,
    abandonReason: null,
    ...facts,
  });

  it('is completed once an agent was on the call, whatever ended it', () => {
    for (const cause of END_CAUSES) {
      expect(contactOutcome(call({ connectedAgent: 'ann', answeredBy: 'human' }), cause)).toEqual({
        status: 'completed',
        reason: 'completed',
      });
    }
    expect(contactOutcome(call({ connectedAgent: 'ann', endRequested: 'ended_by_supervisor' }), 'cancelled')).toEqual({
      status: 'completed',
      reason: 'ended_by_supervisor',
    });
    expect(contactOutcome(call({ connectedAgent: 'ann', lost: true }), 'failed')).toEqual({
      status: 'completed',
      reason: 'worker_lost',
    });
  });

  it('is failed when the worker holding it died, cancelled when ended on purpose', () => {
    expect(contactOutcome(call({ lost: true, answeredBy: 'human' }), 'failed')).toEqual({
      status: 'failed',
      reason: 'worker_lost',
    });
    expect(contactOutcome(call({ endRequested: 'autocall_cancelled', answeredBy: 'human' }), 'cancelled')).toEqual({
      status: 'cancelled',
      reason: 'autocall_cancelled',
    });
  });

  it('is machine for a machine, abandoned for a person left without an agent', () => {
    expect(contactOutcome(call({ answeredBy: 'machine' }), 'normal_clearing').status).toBe('machine');
    expect(contactOutcome(call({ answeredBy: 'human' }), 'normal_clearing')).toEqual({
      status: 'abandoned',
      reason: 'caller_hung_up_waiting',
    });
    expect(
      contactOutcome(call({ answeredBy: 'human', abandonReason: 'no_agent_within_threshold' }), 'normal_clearing'),
    ).toEqual({ status: 'abandoned', reason: 'no_agent_within_threshold' });
    expect(contactOutcome(call({ answeredBy: 'human' }), 'cancelled')).toEqual({
      status: 'cancelled',
      reason: 'hung_up_by_autocall',
    });
  });

  it('follows the cause when nobody answered, and is always a terminal or retryable target status', () => {
    expect(contactOutcome(call({}), 'no_answer')).toEqual({ status: 'no_answer', reason: 'no_answer' });
    expect(contactOutcome(call({}), 'busy')).toEqual({ status: 'busy', reason: 'busy' });
    expect(contactOutcome(call({}), 'unreachable')).toEqual({ status: 'failed', reason: 'unreachable' });
    expect(contactOutcome(call({}), 'rejected')).toEqual({ status: 'failed', reason: 'rejected' });
    expect(contactOutcome(call({}), 'failed')).toEqual({ status: 'failed', reason: 'network_failure' });
    expect(contactOutcome(call({}), 'normal_clearing')).toEqual({ status: 'failed', reason: 'ended_before_answer' });
    expect(contactOutcome(call({}), 'cancelled')).toEqual({ status: 'cancelled', reason: 'hung_up_by_autocall' });
    for (const cause of END_CAUSES)
      for (const answeredBy of [null, 'human', 'machine'] as const)
        expect(isTerminal(contactOutcome(call({ answeredBy }), cause).status)).toBe(true);
  });
});

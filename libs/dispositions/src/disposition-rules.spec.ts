import { setRefusal, targetMoveOf } from './disposition-rules';

const rule = (kind: 'final' | 'retry' | 'callback' | 'do_not_call', retry?: [number, number]) => ({
  code: kind,
  kind,
  retryDelaySeconds: retry?.[0] ?? null,
  retryMaxAttempts: retry?.[1] ?? null,
});

describe('what a disposition does to its target', () => {
  const open = { attempts: 1, autocallActive: true };

  it('ends the target for final, callback and do_not_call codes, each with its reason', () => {
    expect(targetMoveOf(rule('final'), open)).toEqual({ to: 'completed', reason: 'completed' });
    expect(targetMoveOf(rule('callback'), open)).toEqual({ to: 'completed', reason: 'callback_scheduled' });
    expect(targetMoveOf(rule('do_not_call'), open)).toEqual({ to: 'completed', reason: 'do_not_call' });
  });

  it('sends the target back to pending after the delay while attempts are left', () => {
    expect(targetMoveOf(rule('retry', [600, 3]), { attempts: 2, autocallActive: true })).toEqual({
      to: 'pending',
      reason: 'disposition_retry',
      delaySeconds: 600,
    });
  });

  it('ends a retry completed once its attempts are used up, or when the AutoCall no longer dials', () => {
    expect(targetMoveOf(rule('retry', [600, 3]), { attempts: 3, autocallActive: true })).toEqual({
      to: 'completed',
      reason: 'retry_limit_reached',
    });
    expect(targetMoveOf(rule('retry', [600, 3]), { attempts: 1, autocallActive: false })).toEqual({
      to: 'completed',
      reason: 'completed',
    });
  });

  it('completes the target when the code is gone (deleted since it was set)', () => {
    expect(targetMoveOf(null, open)).toEqual({ to: 'completed', reason: 'completed' });
  });
});

describe('when a disposition may be set', () => {
  const now = new Date('2030-01-01T00:00:10Z');
  const at = (s: number) => new Date(now.getTime() + s * 1000);
  const contact = { connectedAt: at(-60), ended: true, disposition: null, wrapUpUntil: at(30) };

  it('from the connection, during the call and until the wrap-up ends', () => {
    expect(setRefusal({ ...contact, ended: false, wrapUpUntil: null }, now)).toBeNull();
    expect(setRefusal(contact, now)).toBeNull();
    expect(setRefusal({ ...contact, wrapUpUntil: at(0) }, now)).toBe('closed');
  });

  it('never twice, never for a call no agent took, never for a call that awaited none', () => {
    expect(setRefusal({ ...contact, disposition: 'sale' }, now)).toBe('already_set');
    expect(setRefusal({ ...contact, connectedAt: null }, now)).toBe('not_connected');
    expect(setRefusal({ ...contact, wrapUpUntil: null }, now)).toBe('closed');
  });
});

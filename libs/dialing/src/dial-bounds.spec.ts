import { boundRefusalOf } from './dial-bounds';

describe("PostgreSQL's refusals of a dial or a bridge", () => {
  it('reads the no-free-line and agent-not-available SQLSTATEs of the triggers', () => {
    expect(boundRefusalOf({ code: 'AC001', message: 'no free line for contact x' })).toBe('no_free_line');
    expect(boundRefusalOf({ code: 'AC002', message: 'agent a is not available' })).toBe('agent_taken');
  });

  it('reads the no-free-trunk SQLSTATE of take_trunk (no channel, no call-rate token, or paused)', () => {
    expect(boundRefusalOf({ code: 'AC003', message: 'no free trunk for tenant t' })).toBe('no_free_trunk');
  });

  it('reads a second live contact for one agent from the unique index, and no other unique violation', () => {
    expect(boundRefusalOf({ code: '23505', constraint: 'contacts_one_live_contact_per_agent' })).toBe('agent_taken');
    expect(boundRefusalOf({ code: '23505', constraint: 'contacts_target_id_attempt_key' })).toBeNull();
  });

  it('reads them through Prisma, which wraps the driver error', () => {
    const wrapped = { code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: 'AC001' } } } };
    expect(boundRefusalOf(wrapped)).toBe('no_free_line');
  });

  it('leaves storage errors and anything else alone', () => {
    expect(boundRefusalOf({ code: '57P01' })).toBeNull();
    expect(boundRefusalOf(new Error('boom'))).toBeNull();
    expect(boundRefusalOf(undefined)).toBeNull();
  });
});

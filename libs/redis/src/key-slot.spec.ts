import { keySlot } from './key-slot';

describe('keySlot', () => {
  it('computes the slots Redis gives (CLUSTER KEYSLOT)', () => {
    // Values from Redis's documentation and `redis-cli cluster keyslot`.
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
  });

  it('hashes only the first non-empty {tag}', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('a:{t1}:lines')).toBe(keySlot('b:{t1}:contact:x'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
  });
});

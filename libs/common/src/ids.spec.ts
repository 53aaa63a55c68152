import { isUuid, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('is a version 7 UUID that sorts by creation time', () => {
    const earlier = uuidv7(1_700_000_000_000);
    const later = uuidv7(1_700_000_000_001);
    expect(isUuid(earlier)).toBe(true);
    expect(earlier[14]).toBe('7');
    expect(earlier < later).toBe(true);
  });

  it('carries its millisecond in its first 48 bits, then version 7, the variant, and random bits', () => {
    const at = 1_900_000_000_123;
    const id = uuidv7(at);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    // The random part differs from id to id, across many draws of the random pool.
    const tails = new Set(Array.from({ length: 2000 }, (_, i) => uuidv7(at + 1 + i).slice(19)));
    expect(tails.size).toBe(2000);
    // Every bit of the 48 counts (a later millisecond than any above: ids are monotonic).
    const far = 2 ** 47 + 0xabcdef;
    expect(parseInt(uuidv7(far).replace('-', '').slice(0, 12), 16)).toBe(far);
  });

  it('keeps the order of ids made in the same millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@autocall/common';
import { targetZonesCode } from './compliance/compliance';
import {
  autocallOfHeldKey,
  compactId,
  HELD_ZONES_MAX_CHARS,
  heldAutocallKey,
  heldJobData,
  heldJobId,
  heldTargetId,
  heldWithZones,
  heldZones,
  uuidOf,
} from './queues';

describe('held job ids', () => {
  it('write a UUID in 22 characters and read it back', () => {
    for (const uuid of [
      randomUUID(),
      uuidv7(),
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ]) {
      const compact = compactId(uuid);
      expect(compact).toHaveLength(22);
      expect(compact).toMatch(/^[-0-9A-Z_a-z]{22}$/);
      expect(uuidOf(compact)).toBe(uuid);
    }
  });

  it('sort as the UUIDs they encode, so that targets put back together keep list order', () => {
    const uuids = Array.from({ length: 2_000 }, () => randomUUID());
    const byUuid = [...uuids].sort();
    const byCompact = [...uuids].sort((a, b) =>
      compactId(a) < compactId(b) ? -1 : compactId(a) > compactId(b) ? 1 : 0,
    );
    expect(byCompact).toEqual(byUuid);
  });

  it('name the target and its attempts', () => {
    const target = uuidv7();
    expect(heldJobId(target, 3)).toBe(`${compactId(target)}.3`);
    expect(heldTargetId(heldJobId(target, 12))).toBe(target);
    expect(heldJobId(target, 0)).not.toBe(heldJobId(target, 1));
  });
});

describe("a held job's data", () => {
  it('names its AutoCall by its submission number, in a few characters, and the zones of its target when known', () => {
    const zones = targetZonesCode('+81312345678', null);
    for (const seq of [0n, 1n, 63n, 64n, 4_095n, 1_234_567n, 9_223_372_036_854_775_807n]) {
      const data = heldJobData(seq, zones);
      expect(autocallOfHeldKey(heldAutocallKey(data))).toEqual({ seq });
      expect(heldZones(data)).toBe(zones);
      expect(heldZones(heldJobData(seq))).toBeNull();
      expect(autocallOfHeldKey(heldAutocallKey(heldJobData(seq)))).toEqual({ seq });
    }
    // The largest submission number PostgreSQL's bigint holds takes 11 characters; an id takes 22.
    expect(heldAutocallKey(heldJobData(9_223_372_036_854_775_807n))).toHaveLength(11);
    expect(heldJobData(4_095n)).toHaveLength(2);
  });

  it('is read as well when an older release wrote it: the AutoCall by its 22-character id', () => {
    const autocall = uuidv7();
    const zones = targetZonesCode('+81312345678', null);
    expect(autocallOfHeldKey(heldAutocallKey(compactId(autocall)))).toEqual({ id: autocall });
    expect(heldZones(compactId(autocall))).toBeNull();
    expect(autocallOfHeldKey(heldAutocallKey(`${compactId(autocall)}|${zones}`))).toEqual({ id: autocall });
    expect(heldZones(`${compactId(autocall)}|${zones}`)).toBe(zones);
  });

  it('carries no zones too long to keep its job a compact hash in Redis (values of 64 bytes or less)', () => {
    // An explicit zone the table lacks is written by its name, which may be long.
    const longName = targetZonesCode('+12215550123', `Etc/${'x'.repeat(HELD_ZONES_MAX_CHARS)}`);
    expect(longName.length).toBeGreaterThan(HELD_ZONES_MAX_CHARS);
    const seq = 9_223_372_036_854_775_807n;
    expect(heldZones(heldJobData(seq, longName))).toBeNull();
    expect(heldZones(heldWithZones(heldJobData(seq), longName))).toBeNull();
    const longest = heldJobData(seq, 'z'.repeat(HELD_ZONES_MAX_CHARS));
    expect(heldZones(longest)).toHaveLength(HELD_ZONES_MAX_CHARS);
    expect(JSON.stringify(longest).length).toBeLessThanOrEqual(64); // as BullMQ stores it
  });

  it('takes the zones learnt at a dial in place of those it carried', () => {
    const zones = targetZonesCode('+81312345678', null);
    expect(heldWithZones(heldJobData(7n), zones)).toBe(heldJobData(7n, zones));
    expect(heldWithZones(heldJobData(7n, 'other'), zones)).toBe(heldJobData(7n, zones));
  });
});

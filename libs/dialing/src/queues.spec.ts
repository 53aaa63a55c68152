import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@autocall/common';
import { targetZonesCode } from './compliance/compliance';
import { compactId, heldAutocallId, heldJobData, heldJobId, heldTargetId, heldZones, uuidOf } from './queues';

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
  it('names its AutoCall, and the zones of its target when the holder knew them', () => {
    const autocall = uuidv7();
    const zones = targetZonesCode('+81312345678', null);
    expect(heldAutocallId(heldJobData(autocall, zones))).toBe(autocall);
    expect(heldZones(heldJobData(autocall, zones))).toBe(zones);
    expect(heldAutocallId(heldJobData(autocall))).toBe(autocall);
    expect(heldZones(heldJobData(autocall))).toBeNull();
    // Jobs held before the zones were carried: the AutoCall's compact id alone.
    expect(heldZones(compactId(autocall))).toBeNull();
  });
});

import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Random bytes are drawn from the system's generator a few kilobytes at a time: one call per 400
// ids instead of one each (a call costs microseconds; the engine makes about twenty ids per call).
const POOL_IDS = 400;
const pool = Buffer.alloc(POOL_IDS * 8);
let pooled = POOL_IDS;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * UUID version 7 (RFC 9562): time-ordered, and monotonic within this process (a 12-bit counter
 * in `rand_a` orders ids made in the same millisecond), so ids made one after the other sort in
 * that order — contacts sort in the order their lines were reserved.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
    now = lastMs;
  } else {
    lastMs = now;
    sequence = 0;
  }
  if (pooled === POOL_IDS) {
    randomFillSync(pool);
    pooled = 0;
  }
  const r = pooled++ * 8;
  // 48 bits of milliseconds (exact in a double), the version and the counter, the variant and 62
  // random bits.
  const high = Math.floor(now / 0x1000000);
  const low = now % 0x1000000;
  return (
    HEX[Math.floor(high / 0x10000) & 0xff] +
    HEX[Math.floor(high / 0x100) & 0xff] +
    HEX[high & 0xff] +
    HEX[(low >>> 16) & 0xff] +
    '-' +
    HEX[(low >>> 8) & 0xff] +
    HEX[low & 0xff] +
    '-' +
    HEX[0x70 | (sequence >> 8)] +
    HEX[sequence & 0xff] +
    '-' +
    HEX[(pool[r] & 0x3f) | 0x80] +
    HEX[pool[r + 1]] +
    '-' +
    HEX[pool[r + 2]] +
    HEX[pool[r + 3]] +
    HEX[pool[r + 4]] +
    HEX[pool[r + 5]] +
    HEX[pool[r + 6]] +
    HEX[pool[r + 7]]
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

import { lineUsage } from './line-usage';

describe('line usage', () => {
  it('counts inbound calls and reserved lines against capacity', () => {
    expect(lineUsage({ capacity: 10, outbound: 4, inbound: 2, reserved: 1 })).toEqual({
      capacity: 10,
      inUse: { total: 6, outbound: 4, inbound: 2 },
      reserved: 1,
      free: 3,
    });
  });

  it('never reports negative free lines when capacity is lowered below use', () => {
    expect(lineUsage({ capacity: 2, outbound: 5, inbound: 0, reserved: 0 }).free).toBe(0);
  });
});

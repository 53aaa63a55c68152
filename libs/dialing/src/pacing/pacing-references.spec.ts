import { ClairvoyantScheduler, erlangB, erlangDialRate, erlangsFor, Foresight } from './pacing-references';

describe('Erlang B', () => {
  it('matches the published tables', () => {
    // One server: A / (1 + A). Two servers, 1 erlang: (1/2) / (1 + 1 + 1/2) = 0.2.
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 12);
    expect(erlangB(0, 3)).toBe(1);
    // Erlang B tables: 10 servers carry 4.46 erlangs at 1% blocking, 20 servers 12.03, 50 servers 37.90.
    expect(erlangB(10, 4.4612)).toBeCloseTo(0.01, 4);
    expect(erlangB(20, 12.031)).toBeCloseTo(0.01, 4);
    expect(erlangB(50, 37.901)).toBeCloseTo(0.01, 4);
  });

  it('inverts to the load that gives a blocking', () => {
    expect(erlangsFor(10, 0.01)).toBeCloseTo(4.4612, 3);
    expect(erlangsFor(20, 0.03)).toBeCloseTo(14.03, 1);
    for (const [n, b] of [
      [5, 0.02],
      [20, 0.005],
      [50, 0.1],
    ])
      expect(erlangB(n, erlangsFor(n, b))).toBeCloseTo(b, 9);
  });

  it('turns the load into a dial rate: answers × handle = the load', () => {
    // 20 agents at 1%: 12.03 erlangs of 150 s calls is 0.0802 answers a second; at 30% answered, 0.267 dials.
    expect(erlangDialRate(20, 0.01, 0.3, 150)).toBeCloseTo(12.031 / 45, 3);
  });
});

describe('the clairvoyant scheduler', () => {
  const human = (answerSeconds: number, handleSeconds: number): Foresight => ({
    human: true,
    answerSeconds,
    handleSeconds,
  });
  const miss: Foresight = { human: false, answerSeconds: 0, handleSeconds: 0 };

  it('places each answered call to land as an agent frees, in order, unanswered ones at once', () => {
    // One agent. Calls: answered after 10 s for 100 s; two misses; answered after 5 s for 50 s.
    const calls = [human(10, 100), miss, miss, human(5, 50), miss];
    const scheduler = new ClairvoyantScheduler(1, 0);
    let placed = 0;
    const placedAt: number[] = [];
    for (let now = 0; now <= 200 && placed < calls.length; now++) {
      const n = scheduler.decide(now, (i) => calls[placed + i], calls.length - placed);
      for (let i = 0; i < n; i++) placedAt.push(now);
      placed += n;
    }
    // The first goes at 0 (agent free at 0, answered at 10, busy to 110); the misses follow at
    // once; the second answered call waits until 105 so that it is answered at 110.
    expect(placedAt).toEqual([0, 0, 0, 105, 105]);
    expect(scheduler.plan()).toEqual([160]);
  });

  it('respects the lines, and gives each answered call the earliest free agent', () => {
    const scheduler = new ClairvoyantScheduler(2, 0);
    const calls = [human(10, 100), human(10, 30), human(10, 30), miss];
    expect(scheduler.decide(0, (i) => calls[i], 2)).toBe(2);
    expect([...scheduler.plan()]).toEqual([110, 40]);
    // The third lands on the agent free at 40: placed no sooner than 30.
    expect(scheduler.decide(29, (i) => calls[2 + i], 2)).toBe(0);
    expect(scheduler.decide(30, (i) => calls[2 + i], 2)).toBe(2);
    expect([...scheduler.plan()]).toEqual([110, 70]);
  });
});

import {
  DEFAULT_SIMULATOR_SETTINGS,
  foreseeCall,
  parseDispositionShares,
  memoryInviteLog,
  OriginateLedger,
  SimulatorScheduler,
  SimulatorSettings,
  TelephonySimulator,
} from './simulator';
import { TelephonyEvent } from './telephony.port';

class MemoryLedger implements OriginateLedger {
  claimed = new Set<string>();
  claims = 0;
  async claim(callId: string) {
    if (this.claimed.has(callId)) return false;
    this.claimed.add(callId);
    this.claims++;
    return true;
  }
  async forget(callId: string) {
    this.claimed.delete(callId);
  }
}

function simulator(overrides: Partial<SimulatorSettings> = {}) {
  const ledger = new MemoryLedger();
  const sim = new TelephonySimulator({ ...DEFAULT_SIMULATOR_SETTINGS, timeScale: 1000, ...overrides }, ledger);
  const events: TelephonyEvent[] = [];
  sim.onEvent((e) => void events.push(e));
  const ended = (callId: string) =>
    new Promise<TelephonyEvent>((resolve) =>
      sim.onEvent((e) => {
        if (e.callId === callId && e.type === 'ended') resolve(e);
      }),
    );
  return { sim, ledger, events, ended };
}

const request = (callId: string, to = '+81312345678') => ({
  callId,
  tenantId: 't',
  to,
  from: null,
  ringTimeoutSeconds: 30,
  attempt: 1,
});

// These run the simulator on real timers (1,000 times faster than the callee's time): on a loaded
// machine hundreds of calls take longer than Jest's default five seconds. The limit only guards
// against a hang; nothing here is judged by how long it took.
jest.setTimeout(60_000);

describe('telephony simulator', () => {
  it('never places a second call for the same callId', async () => {
    const { sim, ledger } = simulator();
    await sim.originate(request('c1'));
    await sim.originate(request('c1'));
    expect(ledger.claims).toBe(1);
    sim.shutdown();
  });

  it('replays the same outcomes for the same seed, numbers and attempts', async () => {
    const run = async () => {
      const { sim, events, ended } = simulator({ seed: 'fixed', talkSecondsMean: 1 });
      sim.onEvent((e) => {
        if (e.type === 'answered' && e.answeredBy === 'human') void sim.connectToAgent(e.callId, 'sip:a@pbx');
      });
      const calls = Array.from({ length: 30 }, (_, i) => `call-${i}`);
      const endings = calls.map((id) => ended(id));
      for (const [i, id] of calls.entries()) await sim.originate(request(id, `+8131234${String(i).padStart(4, '0')}`));
      await Promise.all(endings);
      return events.map((e) => `${e.callId}:${e.type}:${'cause' in e ? e.cause : ''}`).sort();
    };
    expect(await run()).toEqual(await run());
  });

  it('produces every outcome in roughly the configured shares', async () => {
    const { sim, events, ended } = simulator({ seed: 'shares', patienceSecondsMean: 1 });
    const n = 400;
    const endings = [];
    for (let i = 0; i < n; i++) {
      endings.push(ended(`c${i}`));
      await sim.originate(request(`c${i}`, `+1415555${String(i).padStart(4, '0')}`));
    }
    await Promise.all(endings);
    const causes = events.filter((e) => e.type === 'ended').map((e) => (e as { cause: string }).cause);
    const share = (cause: string) => causes.filter((c) => c === cause).length / n;
    expect(share('busy')).toBeGreaterThan(0.03);
    expect(share('busy')).toBeLessThan(0.15);
    expect(share('no_answer')).toBeGreaterThan(0.2);
    const answered = events.filter((e) => e.type === 'answered');
    expect(answered.length / n).toBeGreaterThan(0.5);
    expect(answered.filter((e) => (e as { answeredBy: string }).answeredBy === 'machine').length).toBeGreaterThan(0);
  });

  it('rings out at the ring timeout with 487, and a hang-up before the answer is a CANCEL', async () => {
    const { sim, ended } = simulator({ answerProbability: 0, failureRate: 0, busyRate: 0, unreachableRate: 0 });
    const timedOut = ended('late');
    await sim.originate({ ...request('late'), ringTimeoutSeconds: 5 });
    expect(await timedOut).toMatchObject({ cause: 'no_answer', sipCode: 487 });

    const cancelled = ended('cancel-me');
    await sim.originate(request('cancel-me', '+442071234567'));
    await sim.hangUp('cancel-me');
    expect(await cancelled).toMatchObject({ cause: 'cancelled', sipCode: 487 });
  });

  it('connects an answered call to an agent, and reports an agent endpoint that does not answer', async () => {
    const settings = {
      answerProbability: 1,
      machineShare: 0,
      failureRate: 0,
      busyRate: 0,
      unreachableRate: 0,
      ringSecondsMean: 1,
    };
    const { sim, events, ended } = simulator(settings);
    sim.onEvent((e) => {
      if (e.type === 'answered')
        void sim.connectToAgent(e.callId, e.callId === 'bad' ? 'sip:unreachable@pbx' : 'sip:ok@pbx');
    });
    const good = ended('good');
    await sim.originate(request('good'));
    expect(await good).toMatchObject({ cause: 'normal_clearing', sipCode: 200 });
    expect(events.filter((e) => e.callId === 'good').map((e) => e.type)).toEqual([
      'ringing',
      'answered',
      'connected',
      'ended',
    ]);

    const bad = ended('bad');
    await sim.originate(request('bad', '+33123456789'));
    await bad; // the caller gives up waiting after the agent failed
    expect(events.filter((e) => e.callId === 'bad').map((e) => e.type)).toEqual([
      'ringing',
      'answered',
      'agent_failed',
      'ended',
    ]);
  });

  it('foresees each call: who answers, when, and how long the talk lasts', async () => {
    // A virtual clock: each timer's promise callbacks (the events) settle before the next runs.
    const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
    let now = 0;
    const scheduler: SimulatorScheduler = {
      now: () => new Date(now),
      after: (ms, run) => {
        const timer = { at: now + ms, run, cancelled: false };
        timers.push(timer);
        return timer;
      },
      cancel: (timer) => void ((timer as { cancelled: boolean }).cancelled = true),
    };
    const settings = { ...DEFAULT_SIMULATOR_SETTINGS, seed: 'foresight', timeScale: 1, answerProbability: 0.5 };
    const sim = new TelephonySimulator(settings, new MemoryLedger(), scheduler);
    const seen = new Map<string, { answeredAt?: number; human?: boolean; endedAt?: number }>();
    sim.onEvent((e) => {
      const call = seen.get(e.callId) ?? {};
      seen.set(e.callId, call);
      if (e.type === 'answered') {
        Object.assign(call, { answeredAt: now, human: e.answeredBy === 'human' });
        if (e.answeredBy === 'human') void sim.connectToAgent(e.callId, 'sip:a@pbx');
      }
      if (e.type === 'ended') call.endedAt = now;
    });
    const numbers = Array.from({ length: 200 }, (_, i) => `+1555${String(i).padStart(7, '0')}`);
    for (const to of numbers) await sim.originate({ ...request(to, to), ringTimeoutSeconds: 25 });
    while (timers.length) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift() as (typeof timers)[number];
      if (next.cancelled) continue;
      now = next.at;
      next.run();
      await new Promise((resolve) => setImmediate(resolve));
    }
    let humans = 0;
    for (const to of numbers) {
      const future = foreseeCall(settings, { to, attempt: 1, ringTimeoutSeconds: 25 });
      const call = seen.get(to) as { answeredAt?: number; human?: boolean; endedAt: number };
      expect(future.human).toBe(call.human === true);
      if (future.human) {
        humans++;
        expect(future.settleSeconds).toBeCloseTo((call.answeredAt as number) / 1000, 6);
        expect(future.talkSeconds).toBeCloseTo((call.endedAt - (call.answeredAt as number)) / 1000 - 0.6, 6);
      } else if (call.answeredAt === undefined) expect(future.settleSeconds).toBeCloseTo(call.endedAt / 1000, 6);
    }
    expect(humans).toBeGreaterThan(50);
  });

  it('signals detection after the answer: 2–4 s later, machine, human or unknown, the other draws unchanged', async () => {
    const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
    let now = 0;
    const scheduler: SimulatorScheduler = {
      now: () => new Date(now),
      after: (ms, run) => {
        const timer = { at: now + ms, run, cancelled: false };
        timers.push(timer);
        return timer;
      },
      cancel: (timer) => void ((timer as { cancelled: boolean }).cancelled = true),
    };
    const settings = {
      ...DEFAULT_SIMULATOR_SETTINGS,
      seed: 'detect',
      timeScale: 1,
      answerProbability: 1,
      machineShare: 0.3,
      detection: 'after_answer' as const,
      detectionUnknownShare: 0.1,
    };
    const sim = new TelephonySimulator(settings, new MemoryLedger(), scheduler);
    const seen = new Map<
      string,
      { answeredAt?: number; answeredBy?: string | null; result?: string; after?: number }
    >();
    sim.onEvent((e) => {
      const call = seen.get(e.callId) ?? {};
      seen.set(e.callId, call);
      if (e.type === 'answered') Object.assign(call, { answeredAt: now, answeredBy: e.answeredBy });
      if (e.type === 'detected') Object.assign(call, { result: e.result, after: now - (call.answeredAt as number) });
    });
    const numbers = Array.from({ length: 200 }, (_, i) => `+1666${String(i).padStart(7, '0')}`);
    for (const to of numbers) await sim.originate({ ...request(to, to), ringTimeoutSeconds: 60 });
    while (timers.length) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift() as (typeof timers)[number];
      if (next.cancelled) continue;
      now = next.at;
      next.run();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = { human: 0, machine: 0, unknown: 0 };
    for (const to of numbers) {
      const call = seen.get(to);
      if (call?.answeredAt === undefined) continue;
      expect(call.answeredBy).toBeNull();
      // A person who hangs up before the result (patience) ends the detector too.
      if (call.result === undefined) continue;
      results[call.result as keyof typeof results]++;
      expect(call.after).toBeGreaterThanOrEqual(2_000);
      expect(call.after).toBeLessThanOrEqual(4_000);
      // The answer comes when it would without detection: the dial's other draws are unchanged.
      const future = foreseeCall(settings, { to, attempt: 1, ringTimeoutSeconds: 60 });
      if (future.human) expect(future.settleSeconds).toBeCloseTo(call.answeredAt / 1000, 6);
    }
    expect(results.machine).toBeGreaterThan(20);
    expect(results.human).toBeGreaterThan(60);
    expect(results.unknown).toBeGreaterThan(3);
  });

  it("models a carrier's call rate: a trunk answers 503 with Retry-After above it, counting Call-IDs, not repeats", async () => {
    let clock = 0;
    const log = memoryInviteLog(() => clock);
    const ledger = new MemoryLedger();
    const sim = new TelephonySimulator(
      {
        ...DEFAULT_SIMULATOR_SETTINGS,
        timeScale: 1000,
        failureRate: 0,
        unreachableRate: 0,
        trunks: { 'carrier.example:5060': { callsPerSecond: 2, retryAfterSeconds: 2 } },
      },
      ledger,
      undefined,
      log,
    );
    const events: TelephonyEvent[] = [];
    sim.onEvent((e) => void events.push(e));
    const trunk = {
      id: 'tr',
      target: 'carrier.example:5060',
      transport: 'udp' as const,
      username: null,
      password: null,
      callerIds: [],
    };
    const unlimited = { ...trunk, id: 'other', target: 'elsewhere.example' };
    for (const id of ['a', 'b', 'c']) await sim.originate({ ...request(id), trunk });
    await sim.originate({ ...request('a'), trunk }); // a repeat: neither a new call nor a new INVITE
    await sim.originate({ ...request('d'), trunk: unlimited });
    clock = 1_000; // a second later the carrier takes new calls again
    await sim.originate({ ...request('e'), trunk });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const overloads = events.filter((e) => e.type === 'ended' && e.cause === 'trunk_overloaded');
    expect(overloads).toEqual([expect.objectContaining({ callId: 'c', sipCode: 503, retryAfterSeconds: 2 })]);
    expect(log.received('carrier.example:5060')).toEqual([0, 0, 0, 1_000]);
    sim.shutdown();
  });
});

describe('simulated agents disposition', () => {
  it('read their shares from code:share pairs', () => {
    expect(parseDispositionShares('sale:0.3,no_interest:0.5')).toEqual([
      { code: 'sale', share: 0.3 },
      { code: 'no_interest', share: 0.5 },
    ]);
    expect(parseDispositionShares('')).toEqual([]);
  });

  it('do not disposition at all without shares, and always pick one when the shares make 1', () => {
    expect(simulator().sim.agentDisposition()).toBeNull();
    const { sim } = simulator({ wrapUpSecondsMean: 10, dispositions: parseDispositionShares('sale:0.5,dnc:0.5') });
    const picks = Array.from({ length: 200 }, () => sim.agentDisposition()!);
    expect(new Set(picks.map((p) => p.code))).toEqual(new Set(['sale', 'dnc']));
    // After their own wrap-up: half to one and a half times its mean.
    for (const pick of picks) expect(pick.afterSeconds).toBeGreaterThanOrEqual(5);
    for (const pick of picks) expect(pick.afterSeconds).toBeLessThanOrEqual(15);
  });

  it('leave the share not given to any code undispositioned (the wrap-up times out)', () => {
    const { sim } = simulator({ dispositions: parseDispositionShares('sale:0') });
    expect(sim.agentDisposition()).toEqual({ afterSeconds: 0, code: null });
  });
});

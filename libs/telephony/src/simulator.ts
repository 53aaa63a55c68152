import { Logger } from '@nestjs/common';
import { emitInOrder } from './ordered-events';
import { SeededRandom } from './random';
import {
  AnsweredBy,
  EndCause,
  OriginateRequest,
  TelephonyEvent,
  TelephonyListener,
  TelephonyPort,
} from './telephony.port';

export interface SimulatorSettings {
  seed: string;
  /** 60 makes a simulated minute last a second. */
  timeScale: number;
  answerProbability: number;
  busyRate: number;
  failureRate: number;
  unreachableRate: number;
  /** Share of answered calls picked up by an answering machine. */
  machineShare: number;
  /**
   * How the network says who answered (answering-machine detection by signalling):
   * - `on_answer` (default): with the answer itself, as an SBC that holds the 200 OK until it knows
   *   (or puts its result in a header of it);
   * - `after_answer`: the answer says nothing; the result follows 2–4 s later (uniform), as an
   *   INFO/NOTIFY would, and is `unknown` for a share of answers (`detectionUnknownShare`).
   */
  detection?: 'on_answer' | 'after_answer';
  /** after_answer: the share of answers detection cannot tell (`unknown`: treated as a person). */
  detectionUnknownShare?: number;
  ringSecondsMean: number;
  talkSecondsMean: number;
  /** How long an answered caller waits for an agent before hanging up. */
  patienceSecondsMean: number;
  agentAnswerSeconds: number;
  messageSeconds: number;
  /** The simulated agents' mean wrap-up after a call (0 or absent: none). */
  wrapUpSecondsMean?: number;
  /** How simulated agents disposition their calls: codes and their shares (the rest: never). */
  dispositions?: { code: string; share: number }[];
  /**
   * Carriers by trunk target (host[:port]): each accepts at most callsPerSecond new INVITEs in any
   * sliding second (real seconds, whatever the time scale) and answers the excess 503, with
   * Retry-After when retryAfterSeconds is set. A trunk not named here has no limit of its own.
   */
  trunks?: Record<string, SimulatedTrunk>;
}

export interface SimulatedTrunk {
  callsPerSecond: number;
  retryAfterSeconds: number | null;
}

/**
 * The carriers' count of the INVITEs each trunk received, shared by every worker (one clock):
 * `receive` records a new call (a repeat of a callId is a retransmission, not a new call) and
 * answers how many new calls the trunk received in the last second, this one included.
 */
export interface TrunkInviteLog {
  receive(trunk: string, callId: string): Promise<number>;
}

/** The log kept in this process (tests of the simulator alone). */
export function memoryInviteLog(now: () => number = Date.now): TrunkInviteLog & {
  received(trunk: string): number[];
} {
  const log = new Map<string, Map<string, number>>();
  return {
    async receive(trunk, callId) {
      let calls = log.get(trunk);
      if (!calls) log.set(trunk, (calls = new Map()));
      const at = now();
      if (!calls.has(callId)) calls.set(callId, at);
      return [...calls.values()].filter((t) => t > at - 1_000 && t <= at).length;
    },
    received: (trunk) => [...(log.get(trunk)?.values() ?? [])].sort((a, b) => a - b),
  };
}

/** `sale:0.3,not_interested:0.5` → the simulator's disposition shares. */
export function parseDispositionShares(value: string): { code: string; share: number }[] {
  return value
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [code, share] = pair.split(':');
      return { code, share: Number(share) };
    });
}

export const DEFAULT_SIMULATOR_SETTINGS: SimulatorSettings = {
  seed: 'autocall',
  timeScale: 1,
  answerProbability: 0.7,
  busyRate: 0.08,
  failureRate: 0.02,
  unreachableRate: 0.02,
  machineShare: 0.1,
  ringSecondsMean: 9,
  talkSecondsMean: 120,
  patienceSecondsMean: 25,
  agentAnswerSeconds: 0.6,
  messageSeconds: 4,
};

/**
 * Carrier-side memory of which calls were placed: the simulator's stand-in for what makes an
 * INVITE with a known Call-ID a retransmission rather than a new call. Shared by every worker.
 */
export interface OriginateLedger {
  /** True the first time a callId is claimed, false for a repeat (while the call lives). */
  claim(callId: string): Promise<boolean>;
  /** The call has ended: its claim is no longer needed (a repeat is refused by AutoCall's records). */
  forget(callId: string): Promise<void>;
}

/**
 * Where the simulator's time comes from: the wall clock by default; a virtual clock lets the
 * pacing benchmark run eight simulated hours in seconds with the very same call model.
 */
export interface SimulatorScheduler {
  now(): Date;
  /** Runs `run` after `ms` (already scaled); returns a handle for `cancel`. */
  after(ms: number, run: () => void): unknown;
  cancel(handle: unknown): void;
}

export const WALL_CLOCK_SCHEDULER: SimulatorScheduler = {
  now: () => new Date(),
  after: (ms, run) => setTimeout(run, ms),
  cancel: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

type CallState = 'dialing' | 'ringing' | 'answered' | 'bridging' | 'connected' | 'playing' | 'ended';

interface SimulatedCall {
  id: string;
  request: OriginateRequest;
  state: CallState;
  answeredBy?: AnsweredBy;
  /** after_answer detection: the detector's pending result. */
  detectTimer?: unknown;
  random: SeededRandom;
  timers: Set<unknown>;
  events: Promise<void>;
}

/**
 * The embedded telephony engine: calls ring, are answered by people or machines, are busy, fail,
 * or ring out; answered callers wait for an agent only so long; connected calls last a realistic
 * while. Seeded per (number, attempt), so a scenario replays identically, and scaled in time so an
 * hour of dialing can run in a minute.
 */
export class TelephonySimulator extends TelephonyPort {
  private readonly logger = new Logger('TelephonySimulator');
  private readonly calls = new Map<string, SimulatedCall>();
  private readonly listeners: TelephonyListener[] = [];

  constructor(
    readonly settings: SimulatorSettings,
    private readonly ledger: OriginateLedger,
    private readonly scheduler: SimulatorScheduler = WALL_CLOCK_SCHEDULER,
    private readonly inviteLog: TrunkInviteLog = memoryInviteLog(),
  ) {
    super();
  }

  onEvent(listener: TelephonyListener): void {
    this.listeners.push(listener);
  }

  liveCalls(): string[] {
    return [...this.calls.keys()];
  }

  async originate(request: OriginateRequest): Promise<void> {
    if (this.calls.has(request.callId)) return;
    if (!(await this.ledger.claim(request.callId))) return;
    // Seeded per (number, attempt): a scenario replays identically, and nothing about the number
    // needs to be remembered anywhere.
    const random = new SeededRandom(`${this.settings.seed}:${request.to}:${request.attempt - 1}`);
    const call: SimulatedCall = {
      id: request.callId,
      request,
      state: 'dialing',
      random,
      timers: new Set(),
      events: Promise.resolve(),
    };
    this.calls.set(call.id, call);
    const carrier = request.trunk ? this.settings.trunks?.[request.trunk.target] : undefined;
    if (request.trunk && carrier) {
      const received = await this.inviteLog.receive(request.trunk.target, request.callId);
      if (received > carrier.callsPerSecond) {
        // Above the carrier's call rate: 503 at once (a few milliseconds), nothing rings.
        const retryAfterSeconds = carrier.retryAfterSeconds;
        const timer = this.scheduler.after(5, () => {
          call.timers.delete(timer);
          this.end(call, 'trunk_overloaded', 503, retryAfterSeconds);
        });
        call.timers.add(timer);
        return;
      }
    }
    this.plan(call);
  }

  async hangUp(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.state === 'ended') return;
    const answered = !['dialing', 'ringing'].includes(call.state);
    this.end(call, answered ? 'normal_clearing' : 'cancelled', answered ? 200 : 487);
  }

  async connectToAgent(callId: string, agentEndpoint: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.state !== 'answered') return;
    call.state = 'bridging';
    this.clearTimers(call);
    this.after(call, this.settings.agentAnswerSeconds, () => {
      // An endpoint whose user part says so never answers: lets tests exercise agent failures.
      if (/unreachable/.test(agentEndpoint)) {
        call.state = 'answered';
        this.emit(call, { type: 'agent_failed', callId, agentEndpoint, sipCode: 480, at: this.scheduler.now() });
        this.waitForAgent(call);
        return;
      }
      call.state = 'connected';
      this.emit(call, { type: 'connected', callId, agentEndpoint, at: this.scheduler.now() });
      this.after(call, call.random.logNormal(this.settings.talkSecondsMean, 0.6), () =>
        this.end(call, 'normal_clearing', 200),
      );
    });
  }

  async playAndHangUp(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || !['answered', 'bridging'].includes(call.state)) return;
    call.state = 'playing';
    this.clearTimers(call);
    this.after(call, this.settings.messageSeconds, () => this.end(call, 'normal_clearing', 200));
  }

  /** The trunk reports inbound calls of a tenant (in the simulator: told by an operator or a test). */
  reportInbound(tenantId: string, inUse: number): void {
    for (const listener of this.listeners) {
      void Promise.resolve(
        listener({ type: 'inbound_lines', callId: '', tenantId, inUse, at: this.scheduler.now() }),
      ).catch(() => undefined);
    }
  }

  override get timeScale(): number {
    return this.settings.timeScale;
  }

  /** Simulated agents wrap up for half to one and a half times the mean. */
  override agentWrapUpSeconds(): number | null {
    const mean = this.settings.wrapUpSecondsMean ?? 0;
    return mean > 0 ? mean * (0.5 + Math.random()) : null;
  }

  /**
   * Simulated agents disposition after their wrap-up, a code drawn from the configured shares (or
   * none: the share left over forgets to, and the wrap-up times out). Null with no shares set.
   */
  override agentDisposition(): { afterSeconds: number; code: string | null } | null {
    const shares = this.settings.dispositions ?? [];
    if (!shares.length) return null;
    let roll = Math.random();
    let code: string | null = null;
    for (const share of shares) {
      if (roll < share.share) {
        code = share.code;
        break;
      }
      roll -= share.share;
    }
    return { afterSeconds: this.agentWrapUpSeconds() ?? 0, code };
  }

  /** Stops every call at once (process shutdown): the network would drop them too. */
  shutdown(): void {
    for (const call of this.calls.values()) {
      this.clearTimers(call);
      this.stopDetector(call);
    }
    this.calls.clear();
  }

  private plan(call: SimulatedCall): void {
    const fate = drawFate(call.random, this.settings);
    if (fate.kind !== 'rings') {
      const sipCode = { failed: 503, unreachable: 404, busy: 486 }[fate.kind];
      this.after(call, fate.endSeconds, () => this.end(call, fate.kind, sipCode));
      return;
    }
    this.after(call, fate.ringStart, () => {
      call.state = 'ringing';
      this.emit(call, { type: 'ringing', callId: call.id, at: this.scheduler.now() });
      const timeout = call.request.ringTimeoutSeconds;
      if (fate.answers && fate.ringFor < timeout) {
        this.after(call, fate.ringFor, () => {
          call.state = 'answered';
          call.answeredBy = fate.machine ? 'machine' : 'human';
          if (this.settings.detection === 'after_answer') this.detectAfterAnswer(call, fate.machine);
          else
            this.emit(call, {
              type: 'answered',
              callId: call.id,
              answeredBy: call.answeredBy,
              at: this.scheduler.now(),
            });
          if (fate.machine) this.after(call, 30, () => this.end(call, 'normal_clearing', 200));
          else this.waitForAgent(call);
        });
      } else {
        // The adapter's ring timer: CANCEL, answered by 487 Request Terminated.
        this.after(call, timeout, () => this.end(call, 'no_answer', 487));
      }
    });
  }

  /**
   * The answer says nothing of who answered; the detector's result follows 2–4 s later, `unknown`
   * for a share of answers. Drawn from a generator of its own (per number and attempt), so that
   * every other draw of a scenario stays what it was.
   */
  private detectAfterAnswer(call: SimulatedCall, machine: boolean): void {
    const r = new SeededRandom(`${this.settings.seed}:detect:${call.request.to}:${call.request.attempt - 1}`);
    const delay = r.between(2, 4);
    const unknown = r.next() < (this.settings.detectionUnknownShare ?? 0.05);
    this.emit(call, { type: 'answered', callId: call.id, answeredBy: null, at: this.scheduler.now() });
    // Not one of the call's timers: bridging the call to an agent does not stop the detector.
    call.detectTimer = this.scheduler.after((delay * 1000) / this.settings.timeScale, () => {
      call.detectTimer = undefined;
      if (call.state === 'ended') return;
      const result = unknown ? 'unknown' : machine ? 'machine' : 'human';
      this.emit(call, { type: 'detected', callId: call.id, result, at: this.scheduler.now() });
    });
  }

  private waitForAgent(call: SimulatedCall): void {
    this.after(call, call.random.logNormal(this.settings.patienceSecondsMean, 0.4), () => {
      if (call.state === 'answered') this.end(call, 'normal_clearing', 200);
    });
  }

  private end(call: SimulatedCall, cause: EndCause, sipCode: number, retryAfterSeconds?: number | null): void {
    if (call.state === 'ended') return;
    call.state = 'ended';
    this.clearTimers(call);
    this.stopDetector(call);
    this.emit(call, {
      type: 'ended',
      callId: call.id,
      cause,
      sipCode,
      at: this.scheduler.now(),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
    void call.events.then(() => this.calls.delete(call.id));
    // A claim left behind (Redis unavailable now) expires on its own.
    void this.ledger.forget(call.id).catch(() => undefined);
  }

  private after(call: SimulatedCall, seconds: number, run: () => void): void {
    const timer = this.scheduler.after((seconds * 1000) / this.settings.timeScale, () => {
      call.timers.delete(timer);
      if (call.state !== 'ended') run();
    });
    call.timers.add(timer);
  }

  private clearTimers(call: SimulatedCall): void {
    for (const timer of call.timers) this.scheduler.cancel(timer);
    call.timers.clear();
  }

  private stopDetector(call: SimulatedCall): void {
    if (call.detectTimer !== undefined) this.scheduler.cancel(call.detectTimer);
    call.detectTimer = undefined;
  }

  private emit(call: SimulatedCall, event: TelephonyEvent): void {
    emitInOrder(call, this.listeners, event, this.logger);
  }
}

/** What the network does with a dial, drawn at the dial from its seeded generator. */
type Fate =
  | { kind: 'failed' | 'unreachable' | 'busy'; endSeconds: number }
  | { kind: 'rings'; ringStart: number; answers: boolean; ringFor: number; machine: boolean };

/** The dial's draws, in the order `plan` has always made them (a scenario replays to the call). */
function drawFate(r: SeededRandom, s: SimulatorSettings): Fate {
  const roll = r.next();
  if (roll < s.failureRate) return { kind: 'failed', endSeconds: r.between(0.1, 0.6) };
  if (roll < s.failureRate + s.unreachableRate) return { kind: 'unreachable', endSeconds: r.between(0.1, 0.4) };
  if (roll < s.failureRate + s.unreachableRate + s.busyRate) return { kind: 'busy', endSeconds: r.between(0.4, 2) };
  const ringStart = r.between(0.3, 1.5);
  const answers = r.next() < s.answerProbability;
  const ringFor = r.logNormal(s.ringSecondsMean, 0.5);
  const machine = r.next() < s.machineShare;
  return { kind: 'rings', ringStart, answers, ringFor, machine };
}

/** A dial's whole future, known in advance (the pacing benchmark's clairvoyant dialer). */
export interface ForeseenCall {
  /** Answered by a person before the ring timeout. */
  human: boolean;
  /** Dial to the answer (a person or a machine), or to the end of a dial nobody answered (seconds). */
  settleSeconds: number;
  /** A person who answered: how long the talk lasts once connected to an agent (seconds). */
  talkSeconds: number;
}

/**
 * What the simulator will do with a dial, before it is placed: the same seeded draws in the same
 * order (the fate at the dial, then a person's patience at the answer, then the talk at the
 * connection; a caller whose agent's phone fails draws patience again, which this cannot know).
 */
export function foreseeCall(
  settings: SimulatorSettings,
  request: Pick<OriginateRequest, 'to' | 'attempt' | 'ringTimeoutSeconds'>,
): ForeseenCall {
  const r = new SeededRandom(`${settings.seed}:${request.to}:${request.attempt - 1}`);
  const fate = drawFate(r, settings);
  if (fate.kind !== 'rings') return { human: false, settleSeconds: fate.endSeconds, talkSeconds: 0 };
  const timeout = request.ringTimeoutSeconds;
  if (!fate.answers || fate.ringFor >= timeout)
    return { human: false, settleSeconds: fate.ringStart + timeout, talkSeconds: 0 };
  if (fate.machine) return { human: false, settleSeconds: fate.ringStart + fate.ringFor, talkSeconds: 0 };
  r.logNormal(settings.patienceSecondsMean, 0.4);
  return {
    human: true,
    settleSeconds: fate.ringStart + fate.ringFor,
    talkSeconds: r.logNormal(settings.talkSecondsMean, 0.6),
  };
}

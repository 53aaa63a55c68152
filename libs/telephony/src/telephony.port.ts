/**
 * The telephony port: what AutoCall needs from a telephone network, shaped after SIP.
 *
 * A call is a dialog AutoCall starts with an INVITE (originate); the network answers with
 * provisional responses (ringing = 180/183), a final answer (200 OK: answered, by a person or a
 * machine) or a failure (486 busy, 480/487 no answer, 404 unreachable, 603 rejected, 5xx
 * failed). An answered call is bridged to an agent's endpoint (connect to agent: third-party call
 * control or REFER), or played a message and released. Every call ends exactly once, with a cause
 * and the SIP status that produced it. Commands are asynchronous; their outcomes arrive as events.
 *
 * `callId` is AutoCall's contact id. It is also the idempotency key of `originate`: placing the
 * same callId twice never makes a second call.
 */
export type AnsweredBy = 'human' | 'machine';

/**
 * What answering-machine detection concluded about an answer, as the network signals it (a SIP
 * header on the 200 OK, or an INFO/NOTIFY in the dialog after it; see sip/detection.ts). `unknown`
 * is treated as a person.
 */
export const DETECTION_RESULTS = ['human', 'machine', 'unknown'] as const;
export type DetectionResult = (typeof DETECTION_RESULTS)[number];

/** Who answered, as far as a detection result says: a person unless it says machine. */
export function answeredByOf(result: DetectionResult): AnsweredBy {
  return result === 'machine' ? 'machine' : 'human';
}

export const END_CAUSES = [
  'normal_clearing',
  'no_answer',
  'busy',
  'rejected',
  'unreachable',
  'failed',
  'cancelled',
  /**
   * The trunk, not the number, refused the call: 503 (with or without Retry-After) or no answer at
   * all to the INVITE, before any provisional response. The callee was never reached.
   */
  'trunk_overloaded',
] as const;
export type EndCause = (typeof END_CAUSES)[number];

/** Where a dial goes: the tenant's trunk PostgreSQL chose for it (absent: the adapter's default trunk). */
export interface TrunkRoute {
  id: string;
  /** host[:port] of the carrier, SBC or proxy. */
  target: string;
  transport: 'udp' | 'tcp' | 'tls';
  username: string | null;
  /** In clear, opened from its sealed form by the worker for this dial only. */
  password: string | null;
  /** Caller ids the trunk may present (empty: any): the first stands in for a dial with none. */
  callerIds: string[];
  /** How long the trunk rests after a 503 without Retry-After (default 2 s). */
  overloadPauseSeconds?: number;
}

export interface OriginateRequest {
  callId: string;
  tenantId: string;
  to: string;
  from: string | null;
  ringTimeoutSeconds: number;
  /** Which attempt at its target this call is, from 1 (the simulator draws its outcome from it). */
  attempt: number;
  /** The trunk the dial took (absent or null: the default trunk, the adapter's own settings). */
  trunk?: TrunkRoute | null;
}

export type TelephonyEvent =
  | { type: 'ringing'; callId: string; at: Date }
  /**
   * The callee answered (200 OK): the abandon clock starts here. `answeredBy` null: detection is
   * running and its result follows in a `detected` event; `detection`: the result the answer itself
   * carried, if any.
   */
  | { type: 'answered'; callId: string; answeredBy: AnsweredBy | null; detection?: DetectionResult | null; at: Date }
  /** Answering-machine detection's result, signalled after the answer. */
  | { type: 'detected'; callId: string; result: DetectionResult; at: Date }
  | { type: 'connected'; callId: string; agentEndpoint: string; at: Date }
  /** The agent's endpoint did not take the call; the customer is still on the line. */
  | { type: 'agent_failed'; callId: string; agentEndpoint: string; sipCode: number; at: Date }
  | {
      type: 'ended';
      callId: string;
      cause: EndCause;
      sipCode: number;
      at: Date;
      /** trunk_overloaded: the carrier's Retry-After, in seconds, when it gave one. */
      retryAfterSeconds?: number | null;
    }
  /** Calls the tenant's trunk carries that AutoCall did not place (inbound): they use lines too. */
  | { type: 'inbound_lines'; callId: ''; tenantId: string; inUse: number; at: Date };

export type TelephonyListener = (event: TelephonyEvent) => void | Promise<void>;

export abstract class TelephonyPort {
  /** Places a call; idempotent per callId. Resolves once the attempt is on its way. */
  abstract originate(request: OriginateRequest): Promise<void>;
  /** Ends the call (CANCEL before an answer, BYE after); a no-op for an ended or unknown call. */
  abstract hangUp(callId: string): Promise<void>;
  /** Bridges an answered call to an agent endpoint (a SIP URI). */
  abstract connectToAgent(callId: string, agentEndpoint: string): Promise<void>;
  /** Plays a message to an answered call, then ends it. */
  abstract playAndHangUp(callId: string, message: string): Promise<void>;
  /** Calls this adapter has in progress now (to rebuild line usage and find lost calls). */
  abstract liveCalls(): string[];
  abstract onEvent(listener: TelephonyListener): void;

  /**
   * Ends on the network a call placed by another worker that died (its callee and agent are hung
   * up, not left in silence), from what that worker stored; resolves with the legs it ended. The
   * simulator's calls die with their process: nothing to end.
   */
  async endLostCall(_callId: string): Promise<number> {
    return 0;
  }

  /** The network's seconds per real second: 1 for a real network; the simulator may run faster. */
  get timeScale(): number {
    return 1;
  }

  /**
   * How long an agent's wrap-up lasts after a call, in the network's seconds, when the network
   * plays the agents too (the simulator): the engine ends the wrap-up after it. Null when agents
   * have no wrap-up AutoCall ends for them: they are available again as soon as the call ends.
   */
  agentWrapUpSeconds(): number | null {
    return null;
  }

  /**
   * When the network plays the agents (the simulator): what an agent concludes on a call of a
   * tenant with disposition codes, and after how long (network seconds); code null: they never
   * disposition (their wrap-up times out). Null when agents are people.
   */
  agentDisposition(): { afterSeconds: number; code: string | null } | null {
    return null;
  }
}

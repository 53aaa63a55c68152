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

export const END_CAUSES = [
  'normal_clearing',
  'no_answer',
  'busy',
  'rejected',
  'unreachable',
  'failed',
  'cancelled',
] as const;
export type EndCause = (typeof END_CAUSES)[number];

export interface OriginateRequest {
  callId: string;
  tenantId: string;
  to: string;
  from: string | null;
  ringTimeoutSeconds: number;
  /** Which attempt at its target this call is, from 1 (the simulator draws its outcome from it). */
  attempt: number;
}

export type TelephonyEvent =
  | { type: 'ringing'; callId: string; at: Date }
  | { type: 'answered'; callId: string; answeredBy: AnsweredBy; at: Date }
  | { type: 'connected'; callId: string; agentEndpoint: string; at: Date }
  /** The agent's endpoint did not take the call; the customer is still on the line. */
  | { type: 'agent_failed'; callId: string; agentEndpoint: string; sipCode: number; at: Date }
  | { type: 'ended'; callId: string; cause: EndCause; sipCode: number; at: Date }
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
}

import { Logger } from '@nestjs/common';
import { emitInOrder } from '../ordered-events';
import { EndCause, OriginateRequest, TelephonyEvent, TelephonyListener, TelephonyPort } from '../telephony.port';
import { failureCause } from './outcome';
import { hasSdp, heldOffer, rejectingAnswer, withOrigin } from './sdp';
import { SipResponse } from './message';
import { SipStack } from './stack';
import { Leg, SipUserAgent } from './user-agent';

export interface SipTrunkSettings {
  /** sip:host:port of the trunk, SBC or PBX every call goes through; unset: straight to the domain. */
  outboundProxy?: string;
  localAddress: string;
  /** 0 picks a free port. */
  localPort: number;
  publicAddress?: string;
  /** Host of the Request-URI: numbers are dialled as sip:+E164@domain. */
  domain: string;
  username?: string;
  password?: string;
  /** From user when the AutoCall has no caller id. */
  callerId: string;
  agentRingTimeoutSeconds: number;
  cancelGuardSeconds: number;
  maxCallSeconds: number;
  /** A media server that plays the message named in X-AutoCall-Message, then hangs up. */
  announcementUri?: string;
  /** Longest an announcement may last before AutoCall hangs up anyway. */
  announcementMaxSeconds?: number;
  t1Ms?: number;
  /** Logs every SIP message (debug). */
  trace?: boolean;
}

type CallState = 'dialing' | 'answered' | 'bridging' | 'connected' | 'announcing' | 'ended';

interface SipCall {
  id: string;
  request: OriginateRequest;
  customer: Leg;
  state: CallState;
  rang: boolean;
  /** Why AutoCall CANCELled the customer's INVITE, if it did. */
  cancelled?: 'timeout' | 'request';
  /** The agent or announcement leg being bridged (3PCC). */
  other?: { leg: Leg; purpose: 'agent' | 'announcement'; endpoint: string };
  ringTimer?: NodeJS.Timeout;
  timers: Set<NodeJS.Timeout>;
  events: Promise<void>;
}

/**
 * The SIP trunk adapter: AutoCall is a SIP user agent client towards an outbound proxy (a
 * Kamailio in front of carriers, or a PBX trunk). One INVITE per dial, with a held SDP offer (no
 * media reaches AutoCall); answered calls are bridged to the agent's SIP URI by third-party call
 * control (RFC 3725 flow: INVITE the agent without SDP, re-INVITE the callee with the agent's
 * offer, ACK the agent with the callee's answer), so media flows between callee and agent.
 * Its own timers (ring timeout, guard after CANCEL, agent ring timeout, maximum call length)
 * make sure a lost response never leaves a call open.
 */
export class SipTrunkTelephony extends TelephonyPort {
  private readonly logger = new Logger('SipTrunkTelephony');
  private readonly calls = new Map<string, SipCall>();
  private readonly listeners: TelephonyListener[] = [];
  readonly stack: SipStack;
  private readonly ua: SipUserAgent;

  constructor(readonly settings: SipTrunkSettings) {
    super();
    this.stack = new SipStack({
      localAddress: settings.localAddress,
      localPort: settings.localPort,
      publicAddress: settings.publicAddress,
      t1Ms: settings.t1Ms,
      log: settings.trace ? (line) => this.logger.debug(line) : undefined,
    });
    this.ua = new SipUserAgent(this.stack, {
      outboundProxy: settings.outboundProxy,
      username: settings.username,
      password: settings.password,
    });
  }

  async start(): Promise<void> {
    await this.stack.start();
    this.logger.log(
      `SIP user agent on udp ${this.stack.sentBy}, outbound proxy ${this.settings.outboundProxy ?? 'none'}`,
    );
  }

  /**
   * Hangs up every call it still holds (CANCEL before an answer, BYE after: a call left up on the
   * trunk would hold a line AutoCall counts as free once another worker ends the contact), waits a
   * moment for the requests to leave, then closes the socket.
   */
  async shutdown(graceMs = 1_000): Promise<void> {
    const live = [...this.calls.values()].filter((call) => call.state !== 'ended');
    for (const call of live) {
      this.clearTimers(call);
      if (call.other) this.ua.release(call.other.leg);
      this.ua.release(call.customer);
    }
    if (live.length) await new Promise((resolve) => setTimeout(resolve, graceMs));
    this.calls.clear();
    this.stack.close();
  }

  onEvent(listener: TelephonyListener): void {
    this.listeners.push(listener);
  }

  liveCalls(): string[] {
    return [...this.calls.keys()];
  }

  private get address(): string {
    return this.settings.publicAddress ?? this.settings.localAddress;
  }

  async originate(request: OriginateRequest): Promise<void> {
    if (this.calls.has(request.callId)) return;
    const fromUser = request.from ?? this.settings.callerId;
    const customer = new Leg(
      `sip:${request.to}@${this.settings.domain}`,
      { uri: `sip:${fromUser}@${this.settings.domain}`, display: fromUser },
      {
        onProvisional: (status) => this.customerProvisional(call, status),
        onAnswer: (response) => this.customerAnswered(call, response),
        onFailure: (status) => this.customerFailed(call, status),
        onBye: () => this.finish(call, 'normal_clearing', 200),
      },
      [['X-AutoCall-Contact', request.callId]],
    );
    const call: SipCall = {
      id: request.callId,
      request,
      customer,
      state: 'dialing',
      rang: false,
      timers: new Set(),
      events: Promise.resolve(),
    };
    this.calls.set(call.id, call);
    call.ringTimer = this.after(call, request.ringTimeoutSeconds, () => this.ringTimeout(call));
    this.after(call, this.settings.maxCallSeconds, () => {
      this.logger.warn(`call ${call.id} reached the maximum call length; hanging up`);
      this.finish(call, call.state === 'dialing' ? 'failed' : 'normal_clearing', call.state === 'dialing' ? 408 : 200);
    });
    this.ua.invite(customer, heldOffer(customer.sdpSession, customer.sdpVersion, this.address));
  }

  async hangUp(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.state === 'ended') return;
    if (call.state === 'dialing') {
      this.cancelCustomer(call, 'request');
      return;
    }
    this.finish(call, 'normal_clearing', 200);
  }

  async connectToAgent(callId: string, agentEndpoint: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.state !== 'answered') return;
    this.bridge(call, agentEndpoint, 'agent');
  }

  async playAndHangUp(callId: string, message: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || !['answered', 'bridging'].includes(call.state)) return;
    if (call.other) {
      this.ua.release(call.other.leg);
      call.other = undefined;
    }
    const uri = this.settings.announcementUri;
    if (!uri) {
      // No media server configured: the caller hears nothing before the BYE.
      this.finish(call, 'normal_clearing', 200);
      return;
    }
    call.state = 'answered';
    const text = message.replace(/[\r\n]+/g, ' ').slice(0, 500);
    this.bridge(call, uri, 'announcement', [['X-AutoCall-Message', encodeURIComponent(text)]]);
    this.after(call, this.settings.announcementMaxSeconds ?? 120, () => this.finish(call, 'normal_clearing', 200));
  }

  // --- the customer leg ---------------------------------------------------------------------

  private customerProvisional(call: SipCall, status: number): void {
    if (call.state !== 'dialing' || call.cancelled) return;
    if (status >= 180 && !call.rang) {
      call.rang = true;
      // The legal minimum ring time counts from the ringing, not from the INVITE: the ring
      // timeout starts again here, so post-dial delay never shortens it.
      if (call.ringTimer) {
        clearTimeout(call.ringTimer);
        call.timers.delete(call.ringTimer);
      }
      call.ringTimer = this.after(call, call.request.ringTimeoutSeconds, () => this.ringTimeout(call));
      this.emit(call, { type: 'ringing', callId: call.id, at: new Date() });
    }
  }

  private customerAnswered(call: SipCall, response: SipResponse): void {
    const leg = call.customer;
    this.ua.ack(leg, '');
    if (call.state !== 'dialing' || call.cancelled) {
      // Answered while AutoCall was giving up on it: hang up at once.
      this.ua.bye(leg);
      this.finish(call, call.cancelled === 'request' ? 'cancelled' : 'no_answer', 200);
      return;
    }
    if (!hasSdp(response.body)) this.logger.warn(`call ${call.id}: the callee's 200 OK carries no SDP answer`);
    call.state = 'answered';
    if (call.ringTimer) {
      clearTimeout(call.ringTimer);
      call.timers.delete(call.ringTimer);
    }
    // SIP cannot tell a person from an answering machine: every answer is a person's.
    this.emit(call, { type: 'answered', callId: call.id, answeredBy: 'human', at: new Date() });
  }

  private customerFailed(call: SipCall, status: number): void {
    this.ua.done(call.customer);
    if (call.state === 'ended') return;
    if (status === 200) {
      this.finish(call, call.cancelled === 'request' ? 'cancelled' : 'no_answer', 200);
      return;
    }
    const cause = failureCause(status, {
      provisional: call.customer.provisional,
      cancelledOnTimeout: call.cancelled === 'timeout',
      cancelledOnRequest: call.cancelled === 'request',
    });
    this.finish(call, cause, status);
  }

  private ringTimeout(call: SipCall): void {
    if (call.state === 'dialing') this.cancelCustomer(call, 'timeout');
  }

  /** CANCEL (at once, or at the first provisional response), then a guard: ended whatever comes. */
  private cancelCustomer(call: SipCall, why: 'timeout' | 'request'): void {
    if (call.cancelled) {
      if (why === 'request') call.cancelled = 'request';
      return;
    }
    call.cancelled = why;
    this.ua.cancel(call.customer);
    this.after(call, this.settings.cancelGuardSeconds, () => {
      this.logger.warn(`call ${call.id}: no final response ${this.settings.cancelGuardSeconds} s after CANCEL`);
      const cause: EndCause =
        call.cancelled === 'request' ? 'cancelled' : call.customer.provisional ? 'no_answer' : 'unreachable';
      this.finish(call, cause, call.customer.provisional ? 487 : 408);
    });
  }

  // --- third-party call control ---------------------------------------------------------------

  private bridge(
    call: SipCall,
    endpoint: string,
    purpose: 'agent' | 'announcement',
    headers: Array<[string, string]> = [],
  ): void {
    call.state = 'bridging';
    let agentTimer: NodeJS.Timeout | undefined;
    const leg: Leg = new Leg(
      endpoint,
      // The agent sees whom the call is for.
      { uri: `sip:${call.request.to}@${this.settings.domain}`, display: call.request.to },
      {
        onProvisional: () => undefined,
        onAnswer: (response) => {
          if (agentTimer) {
            clearTimeout(agentTimer);
            call.timers.delete(agentTimer);
          }
          this.otherAnswered(call, leg, response).catch((error: unknown) =>
            this.logger.error(`call ${call.id}: bridging failed: ${(error as Error).stack ?? error}`),
          );
        },
        onFailure: (status) => this.otherFailed(call, leg, status),
        onBye: () => this.otherHungUp(call, leg),
      },
      [['X-AutoCall-Contact', call.id], ...headers],
    );
    call.other = { leg, purpose, endpoint };
    if (purpose === 'agent') {
      agentTimer = this.after(call, this.settings.agentRingTimeoutSeconds, () => {
        if (call.other?.leg === leg && leg.state !== 'confirmed') this.otherFailed(call, leg, 408);
      });
    }
    // Late offer: the agent's 200 OK carries its SDP offer.
    this.ua.invite(leg, '');
  }

  private otherFailed(call: SipCall, leg: Leg, status: number): void {
    this.ua.release(leg);
    this.ua.done(leg);
    const other = call.other;
    if (!other || other.leg !== leg || call.state === 'ended') return;
    call.other = undefined;
    if (other.purpose === 'announcement') {
      this.finish(call, 'normal_clearing', 200);
      return;
    }
    call.state = 'answered';
    this.emit(call, {
      type: 'agent_failed',
      callId: call.id,
      agentEndpoint: other.endpoint,
      sipCode: status,
      at: new Date(),
    });
  }

  private async otherAnswered(call: SipCall, leg: Leg, response: SipResponse): Promise<void> {
    const offer = response.body;
    if (call.other?.leg !== leg || call.state !== 'bridging') {
      this.ua.ack(leg, hasSdp(offer) ? rejectingAnswer(offer, leg.sdpSession, this.address) : '');
      this.ua.bye(leg);
      return;
    }
    if (!hasSdp(offer)) {
      this.ua.ack(leg, '');
      this.ua.bye(leg);
      this.otherFailed(call, leg, 488);
      return;
    }
    const customer = call.customer;
    customer.sdpVersion += 1;
    const reoffer = withOrigin(offer, customer.sdpSession, customer.sdpVersion, this.address);
    // A callee that answers the re-INVITE with a provisional response and then nothing must not
    // hold the call (and the agent) forever: the exchange has a guard of 64·T1.
    const answer = await Promise.race([
      this.ua.inDialog(customer, 'INVITE', reoffer),
      new Promise<null>((resolve) => this.after(call, (64 * (this.settings.t1Ms ?? 500)) / 1_000, () => resolve(null))),
    ]);
    if (answer && answer.status >= 200 && answer.status < 300) {
      customer.localSdp = reoffer;
      this.ua.ack(customer, '', Number.parseInt(answer.headers.get('cseq') ?? '0', 10));
    }
    if (call.other?.leg !== leg || call.state !== 'bridging') {
      // The callee hung up (or AutoCall ended the call) while the re-INVITE was on its way.
      this.ua.ack(leg, rejectingAnswer(offer, leg.sdpSession, this.address));
      this.ua.bye(leg);
      return;
    }
    if (!answer || answer.status === 481 || answer.status === 408) {
      // The callee's dialog is gone (or it stopped answering): the call is over; the agent is not
      // to blame.
      this.ua.ack(leg, rejectingAnswer(offer, leg.sdpSession, this.address));
      this.ua.bye(leg);
      call.other = undefined;
      this.finish(call, 'failed', answer?.status ?? 408);
      return;
    }
    if (answer.status >= 300 || !hasSdp(answer.body)) {
      this.ua.ack(leg, rejectingAnswer(offer, leg.sdpSession, this.address));
      this.ua.bye(leg);
      this.otherFailed(call, leg, answer.status);
      return;
    }
    this.ua.ack(leg, withOrigin(answer.body, leg.sdpSession, leg.sdpVersion, this.address));
    if (call.other.purpose === 'announcement') {
      call.state = 'announcing';
      return;
    }
    call.state = 'connected';
    this.emit(call, { type: 'connected', callId: call.id, agentEndpoint: call.other.endpoint, at: new Date() });
  }

  private otherHungUp(call: SipCall, leg: Leg): void {
    if (call.other?.leg !== leg) return;
    call.other = undefined;
    // The agent (or the announcement) hung up: the callee's call is over too.
    this.finish(call, 'normal_clearing', 200);
  }

  // --- ending ---------------------------------------------------------------------------------

  /** Ends the call once: every leg still up is released (BYE or CANCEL), then `ended`. */
  private finish(call: SipCall, cause: EndCause, sipCode: number): void {
    if (call.state === 'ended') return;
    call.state = 'ended';
    this.clearTimers(call);
    if (call.other) this.ua.release(call.other.leg);
    this.ua.release(call.customer);
    this.ua.done(call.customer);
    this.emit(call, { type: 'ended', callId: call.id, cause, sipCode, at: new Date() });
    void call.events.then(() => {
      if (this.calls.get(call.id) === call) this.calls.delete(call.id);
    });
  }

  private after(call: SipCall, seconds: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      call.timers.delete(timer);
      if (call.state !== 'ended') run();
    }, seconds * 1_000);
    call.timers.add(timer);
    return timer;
  }

  private clearTimers(call: SipCall): void {
    for (const timer of call.timers) clearTimeout(timer);
    call.timers.clear();
  }

  private emit(call: SipCall, event: TelephonyEvent): void {
    emitInOrder(call, this.listeners, event, this.logger);
  }
}

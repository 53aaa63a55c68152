import { Logger } from '@nestjs/common';
import { emitInOrder } from '../ordered-events';
import {
  EndCause,
  OriginateRequest,
  TelephonyEvent,
  TelephonyListener,
  TelephonyPort,
  TrunkRoute,
} from '../telephony.port';
import { DetectionSettings, detectionOf, detectionOfRequest } from './detection';
import { failureCause, retryAfterSeconds } from './outcome';
import { hasSdp, heldOffer, rejectingAnswer, withOrigin } from './sdp';
import { formatHop, SipDialogRecord, SipDialogStore, SipLegRole } from './dialog-store';
import { parseCSeq, SipRequest, SipResponse, SipTransport, trunkUri } from './message';
import { SipStack, SipTlsOptions } from './stack';
import { Leg, SipUserAgent } from './user-agent';

export interface SipTrunkSettings {
  /** sip:host:port of the trunk, SBC or PBX every call goes through; unset: straight to the domain. */
  outboundProxy?: string;
  /**
   * Transport of the trunk when its URI names none (`sips:` and `;transport=` win): UDP, TCP or
   * TLS. A trunk of its own may later bring its own value; this is the default.
   */
  transport?: SipTransport;
  /** TLS: verify the trunk's certificate (the default) and the CA to trust besides the system's. */
  tls?: SipTlsOptions;
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
  /** Seconds between OPTIONS pings of the trunk (its health); 0: no pings, the trunk counts as up. */
  optionsIntervalSeconds?: number;
  /** Logs every SIP message (debug). */
  trace?: boolean;
  /**
   * Answering-machine detection by signalling (see detection.ts): where the SBC or carrier puts its
   * result and how it reads. Absent: every answer is a person's.
   */
  detection?: DetectionSettings;
}

/** What the OPTIONS pings say of the trunk. */
export interface TrunkHealth {
  up: boolean;
  /** Why it is down (no answer, a 503, a certificate not verified, …). */
  error: string | null;
  /** When the last ping was answered or given up. */
  checkedAt: Date | null;
}

type CallState = 'dialing' | 'answered' | 'bridging' | 'connected' | 'announcing' | 'ended';

interface SipCall {
  id: string;
  request: OriginateRequest;
  customer: Leg;
  state: CallState;
  rang: boolean;
  /** Answering-machine detection: running (a result is expected after the answer) or its result. */
  detection?: 'pending' | 'human' | 'machine' | 'unknown';
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
/**
 * Trunk rests shared by every worker's adapter: a 503 one worker reads rests that trunk in all of
 * them at once. PostgreSQL's pause, recorded a moment later by the statement that returns the
 * refused dial, keeps new dials off the trunk; this holds back the dials another worker chose
 * before that statement, which would otherwise leave after the 503 (RFC 3261 §21.5.4).
 */
export interface TrunkRestBoard {
  /** Tells every worker's adapter that this trunk ('' the default trunk) rests this long from now. */
  announce(trunkKey: string, restMs: number): void;
  /** Calls `listener` with each rest an adapter announces, until the returned stop is called. */
  subscribe(listener: (trunkKey: string, restMs: number) => void): () => void;
}

export class SipTrunkTelephony extends TelephonyPort {
  private readonly logger = new Logger('SipTrunkTelephony');
  private readonly calls = new Map<string, SipCall>();
  private readonly listeners: TelephonyListener[] = [];
  readonly stack: SipStack;
  private readonly ua: SipUserAgent;
  private health: TrunkHealth = { up: false, error: 'no OPTIONS answered yet', checkedAt: null };
  private pingTimer?: NodeJS.Timeout;
  private stopped = false;
  /**
   * Until when each trunk rests (its id; '' the default trunk), from a 503 this worker or, through
   * the rest board, another received: PostgreSQL records the pause for every worker, but a dial it
   * chose a moment before the 503 was recorded must not leave after it.
   */
  private readonly trunkRests = new Map<string, number>();
  private readonly stopRests?: () => void;
  /** Each leg's dialog writes, in order (`callId:leg`). */
  private readonly dialogWrites = new Map<string, Promise<void>>();

  /**
   * `dialogs`: where the dialog state of every leg is stored as it changes, so that another worker
   * can end this worker's calls should it die (`endLostCall`); none, and they cannot be.
   */
  constructor(
    readonly settings: SipTrunkSettings,
    private readonly dialogs?: SipDialogStore,
    private readonly restBoard?: TrunkRestBoard,
  ) {
    super();
    this.stopRests = restBoard?.subscribe((key, ms) => this.rest(key, ms));
    this.stack = new SipStack({
      localAddress: settings.localAddress,
      localPort: settings.localPort,
      publicAddress: settings.publicAddress,
      t1Ms: settings.t1Ms,
      tls: settings.tls,
      log: settings.trace ? (line) => this.logger.debug(line) : undefined,
      warn: (line) => this.logger.warn(line),
    });
    this.ua = new SipUserAgent(this.stack, {
      outboundProxy: settings.outboundProxy,
      transport: settings.transport,
      username: settings.username,
      password: settings.password,
    });
  }

  async start(): Promise<void> {
    await this.stack.start();
    const interval = this.settings.optionsIntervalSeconds ?? 0;
    if (interval > 0) this.ping(interval);
    else this.health = { up: true, error: null, checkedAt: null };
    const proxy = this.settings.outboundProxy;
    const transport = proxy ? this.ua.target(proxy).transport : (this.settings.transport ?? 'udp');
    this.logger.log(
      `SIP user agent on ${this.stack.sentBy}, outbound proxy ${proxy ?? 'none'} over ${transport}` +
        (transport === 'tls' && this.settings.tls?.verify === false ? ' (certificate NOT verified)' : ''),
    );
  }

  /** The trunk's health by its answers to OPTIONS (always up when pings are off). */
  trunkHealth(): TrunkHealth {
    return { ...this.health };
  }

  /**
   * One OPTIONS ping to a tenant's trunk (its own target and transport, not the default trunk's
   * proxy): up on any final answer but 408 and 503, else down, and why.
   */
  async probeTrunk(trunk: Pick<TrunkRoute, 'target' | 'transport'>): Promise<TrunkHealth> {
    const uri = trunkUri({ ...trunkHostPort(trunk.target), transport: trunk.transport });
    const { status, reason } = await this.ua.options(uri, `sip:${this.settings.callerId}@${this.settings.domain}`, uri);
    const up = status !== 408 && status !== 503;
    return { up, error: up ? null : `${status} ${reason}`, checkedAt: new Date() };
  }

  /**
   * Pings the trunk with OPTIONS, one at a time, every `interval` seconds: any final answer but 408
   * and 503 means it is up; no answer within 64·T1, a 408 or 503, or a connection refused (a
   * certificate not verified included) that it is down, and why.
   */
  private ping(intervalSeconds: number): void {
    const target = this.settings.outboundProxy ?? `sip:${this.settings.domain}`;
    const from = `sip:${this.settings.callerId}@${this.settings.domain}`;
    void this.ua.options(target, from).then(({ status, reason }) => {
      const up = status !== 408 && status !== 503;
      if (up !== this.health.up)
        this.logger[up ? 'log' : 'warn'](`trunk ${target} is ${up ? 'up' : `down: ${status} ${reason}`}`);
      this.health = { up, error: up ? null : `${status} ${reason}`, checkedAt: new Date() };
      if (this.stopped) return;
      this.pingTimer = setTimeout(() => this.ping(intervalSeconds), intervalSeconds * 1_000);
      this.pingTimer.unref();
    });
  }

  /**
   * Hangs up every call it still holds (CANCEL before an answer, BYE after: a call left up on the
   * trunk would hold a line AutoCall counts as free once another worker ends the contact), waits a
   * moment for the requests to leave, then closes the socket.
   */
  async shutdown(graceMs = 1_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pingTimer);
    this.stopRests?.();
    const live = [...this.calls.values()].filter((call) => call.state !== 'ended');
    for (const call of live) {
      this.clearTimers(call);
      if (call.other) this.ua.release(call.other.leg);
      this.ua.release(call.customer);
    }
    if (live.length) await new Promise((resolve) => setTimeout(resolve, graceMs));
    await Promise.all(this.dialogWrites.values());
    this.calls.clear();
    this.stack.close();
  }

  /**
   * Ends on the network a call another worker held and lost (it died): BYE to each of its legs
   * that was answered, CANCEL to one that was not, from the dialogs that worker stored; then
   * forgets them. Resolves once the requests are on their way (their answers are not awaited).
   */
  override async endLostCall(callId: string): Promise<number> {
    if (!this.dialogs || this.calls.has(callId)) return 0;
    const records = await this.dialogs.load(callId);
    for (const record of records) {
      this.logger.warn(
        `call ${callId}: ${record.state === 'confirmed' ? 'BYE' : 'CANCEL'} to the ${record.leg} of a lost worker's call`,
      );
      this.ua.endStored(record);
    }
    await this.dialogs.remove(callId);
    return records.length;
  }

  /** Writes a leg's dialog as it is now (deleted once ended), behind its earlier writes. */
  private dialogChanged(call: SipCall, role: SipLegRole, leg: Leg): void {
    const store = this.dialogs;
    if (!store || !leg.invite || !leg.inviteDestination) return;
    const key = `${call.id}:${role}`;
    const record = leg.state === 'ended' ? null : this.dialogRecord(call.id, role, leg);
    const write: Promise<void> = (this.dialogWrites.get(key) ?? Promise.resolve())
      .then(() => (record ? store.save(record) : store.remove(call.id, role)))
      .catch((error: unknown) =>
        this.logger.warn(`call ${call.id}: storing the ${role}'s dialog failed: ${(error as Error).message}`),
      )
      .finally(() => {
        if (this.dialogWrites.get(key) === write) this.dialogWrites.delete(key);
      });
    this.dialogWrites.set(key, write);
  }

  private dialogRecord(callId: string, role: SipLegRole, leg: Leg): SipDialogRecord {
    const invite = leg.invite!;
    const confirmed = leg.state === 'confirmed' && !!leg.remoteTag;
    return {
      callId,
      leg: role,
      state: confirmed ? 'confirmed' : 'calling',
      sipCallId: leg.callId,
      localTag: leg.localTag,
      localUri: leg.from.uri,
      localDisplay: leg.from.display ?? null,
      remoteUri: leg.to,
      remoteTag: confirmed ? leg.remoteTag! : null,
      remoteTarget: leg.remoteTarget ?? null,
      routeSet: leg.routeSet,
      cseq: leg.cseq,
      inviteVia: invite.headers.get('via') ?? '',
      inviteCseq: parseCSeq(invite.headers.get('cseq')).seq,
      inviteRoutes: invite.headers.all('route'),
      nextHop: formatHop(leg.inviteDestination!),
    };
  }

  /** Why the last connection to the trunk failed (TCP/TLS), or null since one opened. */
  transportProblem(): string | null {
    return this.stack.transportProblem;
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
    // A dial that took one of the tenant's trunks goes to that trunk's target, with its
    // credentials; else to the default trunk (the SIP_* settings).
    const trunk = request.trunk;
    const domain = trunk ? trunkHost(trunk.target) : this.settings.domain;
    const customer = new Leg(
      `sip:${request.to}@${domain}`,
      { uri: `sip:${fromUser}@${domain}`, display: fromUser },
      {
        onProvisional: (status) => this.customerProvisional(call, status),
        onAnswer: (response) => this.customerAnswered(call, response),
        onFailure: (status, response) =>
          this.customerFailed(call, status, retryAfterSeconds(response?.headers.get('retry-after'))),
        onBye: () => this.finish(call, 'normal_clearing', 200),
        onInfo: (info) => this.customerInfo(call, info),
      },
      [['X-AutoCall-Contact', request.callId]],
    );
    if (trunk) {
      const { host, port } = trunkHostPort(trunk.target);
      customer.outboundProxy = trunkUri({ host, port, transport: trunk.transport });
      customer.credentials = { username: trunk.username ?? undefined, password: trunk.password ?? undefined };
    }
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
    const restsFor = this.restRemaining(trunk?.id ?? '');
    if (restsFor > 0) {
      // Not sent: the trunk asked for a rest. The dial goes back as the trunk's (a local 503, as
      // for a transport failure, RFC 3261 §8.1.3.1), uncharged to the number, and fails over.
      setImmediate(() => this.finish(call, 'trunk_overloaded', 503, restsFor / 1_000));
      return;
    }
    customer.onChange = () => this.dialogChanged(call, 'customer', customer);
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
      this.answeredAfterCancel(call);
      return;
    }
    if (!hasSdp(response.body)) this.logger.warn(`call ${call.id}: the callee's 200 OK carries no SDP answer`);
    call.state = 'answered';
    if (call.ringTimer) {
      clearTimeout(call.ringTimer);
      call.timers.delete(call.ringTimer);
    }
    // SIP itself cannot tell a person from an answering machine: an SBC or carrier in front that
    // detects machines says so in a header of the 200 OK, or later in an INFO/NOTIFY.
    const detection = this.settings.detection;
    const result = detection ? detectionOf(response.headers.get(detection.header.toLowerCase()), detection) : null;
    if (result) {
      call.detection = result;
      this.emit(call, {
        type: 'answered',
        callId: call.id,
        answeredBy: result === 'machine' ? 'machine' : 'human',
        detection: result,
        at: new Date(),
      });
      return;
    }
    if (detection?.resultAfterAnswer) {
      call.detection = 'pending';
      this.emit(call, { type: 'answered', callId: call.id, answeredBy: null, at: new Date() });
      return;
    }
    this.emit(call, { type: 'answered', callId: call.id, answeredBy: 'human', at: new Date() });
  }

  /** An INFO or NOTIFY from the callee's side: the detection result, once, if it carries one. */
  private customerInfo(call: SipCall, request: SipRequest): void {
    const detection = this.settings.detection;
    if (!detection || call.detection !== 'pending' || call.state === 'ended') return;
    const result = detectionOfRequest(request.headers.get(detection.header.toLowerCase()), request.body, detection);
    if (!result) return;
    call.detection = result;
    this.emit(call, { type: 'detected', callId: call.id, result, at: new Date() });
  }

  private customerFailed(call: SipCall, status: number, retryAfter: number | null = null): void {
    this.ua.done(call.customer);
    if (call.state === 'ended') return;
    if (status === 200) {
      this.answeredAfterCancel(call);
      return;
    }
    const cause = failureCause(status, {
      provisional: call.customer.provisional,
      ringing: call.rang,
      retryAfter: retryAfter !== null,
      cancelledOnTimeout: call.cancelled === 'timeout',
      cancelledOnRequest: call.cancelled === 'request',
    });
    if (cause === 'trunk_overloaded') {
      const trunk = call.request.trunk;
      const pause = retryAfter ?? trunk?.overloadPauseSeconds ?? 2;
      const key = trunk?.id ?? '';
      this.rest(key, pause * 1_000);
      this.restBoard?.announce(key, pause * 1_000);
    }
    this.finish(call, cause, status, cause === 'trunk_overloaded' ? retryAfter : undefined);
  }

  /** The trunk rests this long from now (or longer, if it already did). */
  private rest(key: string, ms: number): void {
    this.trunkRests.set(key, Math.max(this.trunkRests.get(key) ?? 0, Date.now() + ms));
  }

  /** Milliseconds the trunk still rests after a 503 a worker received (0: none). */
  private restRemaining(key: string): number {
    const until = this.trunkRests.get(key);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left <= 0) this.trunkRests.delete(key);
    return Math.max(0, left);
  }

  /**
   * A 2xx that crossed AutoCall's CANCEL (RFC 3261 §9.1: the CANCEL then does nothing): the user
   * agent ACKed and BYEd it. What happened is recorded as it happened: a person answered, and
   * AutoCall hung up on them (`cancelled`, the SIP status the 200 of the answer), not a call
   * nobody answered.
   */
  private answeredAfterCancel(call: SipCall): void {
    if (call.state !== 'dialing') {
      this.finish(call, 'cancelled', 200);
      return;
    }
    this.logger.warn(`call ${call.id}: answered as AutoCall cancelled it; ACKed and hung up (BYE)`);
    this.emit(call, { type: 'answered', callId: call.id, answeredBy: 'human', at: new Date() });
    this.finish(call, 'cancelled', 200);
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
      // Nothing at all answered the INVITE: the trunk's fault, not the number's.
      const cause: EndCause =
        call.cancelled === 'request' ? 'cancelled' : call.customer.provisional ? 'no_answer' : 'trunk_overloaded';
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
    leg.onChange = () => this.dialogChanged(call, purpose, leg);
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
  private finish(call: SipCall, cause: EndCause, sipCode: number, retryAfter?: number | null): void {
    if (call.state === 'ended') return;
    call.state = 'ended';
    this.clearTimers(call);
    if (call.other) this.ua.release(call.other.leg);
    this.ua.release(call.customer);
    this.ua.done(call.customer);
    this.emit(call, {
      type: 'ended',
      callId: call.id,
      cause,
      sipCode,
      at: new Date(),
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
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

/** The host of a trunk's host[:port] target (the Request-URI's domain). */
function trunkHost(target: string): string {
  return target.startsWith('[') ? target.slice(0, target.indexOf(']') + 1) : target.split(':')[0];
}

/** A trunk's host[:port] target as the host (unbracketed) and port trunkUri takes. */
function trunkHostPort(target: string): { host: string; port?: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(target);
  const host = (match?.[1] ?? target).replace(/^\[|\]$/g, '');
  return { host, port: match?.[2] ? Number(match[2]) : undefined };
}

/**
 * The dialog layer of AutoCall's SIP user agent: a `Leg` is one INVITE dialog AutoCall starts
 * (to a callee, an agent or an announcement server). It sends the INVITE through the outbound
 * proxy, answers digest challenges (401/407), builds the dialog from the 2xx (remote tag, remote
 * target from Contact, route set from Record-Route reversed), ACKs 2xx end to end (and again on
 * retransmitted 2xx), sends CANCEL only once a provisional response has arrived, sends in-dialog
 * requests (BYE, re-INVITE) with increasing CSeq and answers the peer's BYE, re-INVITE and
 * OPTIONS. A leg that was released (`release`) is ended whatever comes later: a late 1xx is
 * CANCELled, a late 2xx is ACKed and BYEd.
 */
import { parseHop, SipDialogRecord } from './dialog-store';
import { digestAuthorization, parseChallenge, supportsAlgorithm } from './digest';
import {
  newBranch,
  parseCSeq,
  parseNameAddr,
  randomToken,
  responseTo,
  SipHeaders,
  SipRequest,
  SipResponse,
  SipTransport,
  trunkUri,
  uriTarget,
} from './message';
import { Destination, SipStack } from './stack';

export interface UserAgentSettings {
  /**
   * sip:host:port of the outbound proxy (trunk or PBX); unset: requests go to the Request-URI.
   * `sips:` or `;transport=tcp|tls` choose its transport.
   */
  outboundProxy?: string;
  /** Transport of URIs that name none (no `sips:`, no `;transport=`): UDP unless configured. */
  transport?: SipTransport;
  username?: string;
  password?: string;
  userAgent?: string;
}

export interface LegHandlers {
  /** Any 1xx (100 Trying included). */
  onProvisional(status: number): void;
  /** A 2xx established the dialog; the handler ACKs (with an SDP answer when it was late offer). */
  onAnswer(response: SipResponse): void;
  /**
   * A final failure (with the response, for its Retry-After), a local 408 (no response: Timer B),
   * or 200 for a released leg answered late.
   */
  onFailure(status: number, response?: SipResponse): void;
  /** The peer sent BYE (already answered 200). */
  onBye(): void;
  /** The peer sent INFO or NOTIFY in the dialog (already answered 200): e.g. a detection result. */
  onInfo?(request: SipRequest): void;
}

export type LegState = 'calling' | 'early' | 'confirmed' | 'ended';

export class Leg {
  readonly callId: string;
  readonly localTag: string;
  state: LegState = 'calling';
  /** Called after every change of the dialog state (INVITE sent, answered, CSeq used, ended). */
  onChange?: () => void;
  /**
   * The trunk this leg goes through, when not the user agent's outbound proxy (a trunk chosen per
   * dial): its URI names its transport (`sips:`, `;transport=tcp|tls`, see `trunkUri`).
   */
  outboundProxy?: string;
  provisional = false;
  released = false;
  cancelSent = false;
  remoteTag?: string;
  remoteTarget?: string;
  routeSet: string[] = [];
  cseq = 0;
  invite?: SipRequest;
  inviteDestination?: Destination;
  lastAck?: { request: SipRequest; destination: Destination };
  /** The SDP AutoCall last gave this leg (answers the peer's session refreshes). */
  localSdp = '';
  remoteSdp = '';
  sdpVersion = 1;
  readonly sdpSession = String(Date.now());
  private authTried = false;
  /** Digest credentials of the leg's own trunk (a trunk chosen per dial), instead of the user agent's. */
  credentials?: { username?: string; password?: string };

  constructor(
    readonly to: string,
    readonly from: { uri: string; display?: string },
    readonly handlers: LegHandlers,
    readonly extraHeaders: Array<[string, string]> = [],
    /** A dialog stored by another worker (to end it); a new one otherwise. */
    identity?: { callId: string; localTag: string },
  ) {
    this.callId = identity?.callId ?? `${randomToken(12)}@autocall`;
    this.localTag = identity?.localTag ?? randomToken(6);
  }

  get fromHeader(): string {
    const display = this.from.display ? `"${this.from.display.replace(/"/g, '')}" ` : '';
    return `${display}<${this.from.uri}>;tag=${this.localTag}`;
  }

  get toHeader(): string {
    return this.remoteTag ? `<${this.to}>;tag=${this.remoteTag}` : `<${this.to}>`;
  }

  tryAuth(): boolean {
    if (this.authTried) return false;
    this.authTried = true;
    return true;
  }
}

export class SipUserAgent {
  private readonly legs = new Map<string, Leg>();

  constructor(
    readonly stack: SipStack,
    private readonly settings: UserAgentSettings,
  ) {
    stack.onRequest((request, source) => this.incoming(request, source));
    stack.onStrayResponse((response) => this.stray(response));
  }

  /** Where a request to this URI goes (its transport by `sips:`, `;transport=` or the setting). */
  target(uri: string): Destination {
    return uriTarget(uri, this.settings.transport ?? 'udp');
  }

  /**
   * The Contact for requests and responses over this destination: the transport named, and
   * `sips:` when the request's URI is one (RFC 3261 §8.1.1.8).
   */
  contactFor(destination: Destination, requestUri = ''): string {
    const transport = destination.transport ?? 'udp';
    const scheme = /^sips:/i.test(requestUri) ? 'sips' : 'sip';
    const param = transport === 'udp' || scheme === 'sips' ? '' : `;transport=${transport}`;
    return `<${scheme}:autocall@${this.stack.sentBy}${param}>`;
  }

  /** Sends the initial INVITE of a leg (with an SDP offer, or none for a late offer). */
  invite(leg: Leg, sdp: string): void {
    this.legs.set(leg.callId, leg);
    leg.localSdp = sdp;
    this.sendInvite(leg, sdp, []);
  }

  private sendInvite(leg: Leg, sdp: string, auth: Array<[string, string]>): void {
    leg.cseq += 1;
    const proxy = leg.outboundProxy ?? this.settings.outboundProxy;
    const destination = this.target(proxy ?? leg.to);
    const headers = this.baseHeaders(leg, 'INVITE', newBranch(), destination);
    if (proxy) headers.add('route', `<${proxy.replace(/;lr\b/, '')};lr>`);
    headers.add('contact', this.contactFor(destination, leg.to));
    headers.add('allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS');
    for (const [n, v] of [...leg.extraHeaders, ...auth]) headers.add(n, v);
    if (sdp) headers.add('content-type', 'application/sdp');
    const request: SipRequest = { kind: 'request', method: 'INVITE', uri: leg.to, headers, body: sdp };
    leg.invite = request;
    leg.inviteDestination = destination;
    leg.onChange?.();
    this.stack.request(request, destination, {
      onProvisional: (response) => this.provisional(leg, request, response),
      onFinal: (response) => this.final(leg, request, response),
      onTimeout: () => {
        if (leg.invite !== request || leg.state === 'ended') return;
        this.ended(leg);
        leg.handlers.onFailure(408);
      },
      // RFC 3261 §8.1.3.1: a transport failure is taken as a 503 (Service Unavailable).
      onTransportError: () => {
        if (leg.invite !== request || leg.state === 'ended') return;
        this.ended(leg);
        leg.handlers.onFailure(503);
      },
    });
  }

  private provisional(leg: Leg, request: SipRequest, response: SipResponse): void {
    if (leg.invite !== request || leg.state === 'ended' || leg.state === 'confirmed') return;
    leg.provisional = true;
    if (leg.state === 'calling' && response.status > 100) leg.state = 'early';
    if (leg.released) {
      this.cancel(leg);
      return;
    }
    leg.handlers.onProvisional(response.status);
  }

  private final(leg: Leg, request: SipRequest, response: SipResponse): void {
    if (leg.invite !== request || leg.state === 'ended' || leg.state === 'confirmed') return;
    if (response.status >= 200 && response.status < 300) {
      this.establish(leg, response);
      if (leg.released) {
        this.ack(leg, '');
        this.bye(leg);
        leg.handlers.onFailure(200);
        return;
      }
      leg.handlers.onAnswer(response);
      return;
    }
    if ((response.status === 401 || response.status === 407) && !leg.released && this.retryWithAuth(leg, response)) {
      return;
    }
    this.ended(leg);
    leg.handlers.onFailure(response.status, response);
  }

  private ended(leg: Leg): void {
    leg.state = 'ended';
    leg.onChange?.();
  }

  private retryWithAuth(leg: Leg, response: SipResponse): boolean {
    const { username, password } = leg.credentials ?? this.settings;
    if (!username || password === undefined || !leg.invite) return false;
    const proxy = response.status === 407;
    const challenge = parseChallenge(response.headers.get(proxy ? 'proxy-authenticate' : 'www-authenticate'));
    if (!challenge || !supportsAlgorithm(challenge) || !leg.tryAuth()) return false;
    const value = digestAuthorization(challenge, { username, password }, 'INVITE', leg.to);
    this.sendInvite(leg, leg.invite.body, [[proxy ? 'proxy-authorization' : 'authorization', value]]);
    return true;
  }

  private establish(leg: Leg, response: SipResponse): void {
    leg.state = 'confirmed';
    leg.remoteTag = parseNameAddr(response.headers.get('to') ?? '').params.tag;
    const contact = response.headers.get('contact');
    leg.remoteTarget = contact ? parseNameAddr(contact).uri : leg.to;
    leg.routeSet = response.headers
      .all('record-route')
      .slice()
      .reverse()
      .map((r) => r.trim());
    leg.remoteSdp = response.body;
    leg.onChange?.();
  }

  /** ACK for a 2xx of the leg's INVITE (end to end, new branch), with an SDP answer if any. */
  ack(leg: Leg, sdp: string, cseq = leg.invite ? parseCSeq(leg.invite.headers.get('cseq')).seq : leg.cseq): void {
    const destination = this.dialogDestination(leg);
    const headers = this.dialogHeaders(leg, 'ACK', cseq, destination);
    if (sdp) {
      headers.add('content-type', 'application/sdp');
      leg.localSdp = sdp;
    }
    const request: SipRequest = { kind: 'request', method: 'ACK', uri: leg.remoteTarget ?? leg.to, headers, body: sdp };
    leg.lastAck = { request, destination };
    this.stack.send(request, destination);
  }

  /** CANCEL of the leg's INVITE: only after a provisional response (RFC 3261 §9.1). */
  cancel(leg: Leg): void {
    leg.released = true;
    if (!leg.provisional || leg.cancelSent || !leg.invite || !leg.inviteDestination) return;
    leg.cancelSent = true;
    const invite = leg.invite;
    const headers = SipHeaders.of([
      ['via', invite.headers.get('via')],
      ['max-forwards', '70'],
      ['from', invite.headers.get('from')],
      ['to', invite.headers.get('to')],
      ['call-id', invite.headers.get('call-id')],
      ['cseq', `${parseCSeq(invite.headers.get('cseq')).seq} CANCEL`],
    ]);
    for (const route of invite.headers.all('route')) headers.add('route', route);
    this.stack.request(
      { kind: 'request', method: 'CANCEL', uri: invite.uri, headers, body: '' },
      leg.inviteDestination,
      {
        onFinal: () => undefined,
        onTimeout: () => undefined,
      },
    );
  }

  /**
   * An OPTIONS outside any dialog (RFC 3261 §11), to the given proxy (a trunk's), else the outbound
   * proxy, else the URI: resolves with
   * the final response, or a local 408 (Timer F) or 503 (transport failure, with its reason).
   */
  options(uri: string, from: string, outboundProxy?: string): Promise<{ status: number; reason: string }> {
    const destination = this.target(outboundProxy ?? this.settings.outboundProxy ?? uri);
    const headers = SipHeaders.of([
      [
        'via',
        `SIP/2.0/${(destination.transport ?? 'udp').toUpperCase()} ${this.stack.sentBy};branch=${newBranch()};rport`,
      ],
      ['max-forwards', '70'],
      ['from', `<${from}>;tag=${randomToken(6)}`],
      ['to', `<${uri}>`],
      ['call-id', `${randomToken(12)}@autocall`],
      ['cseq', '1 OPTIONS'],
      ['contact', this.contactFor(destination, uri)],
      ['accept', 'application/sdp'],
      ['user-agent', this.settings.userAgent ?? 'AutoCall'],
    ]);
    return new Promise((resolve) =>
      this.stack.request({ kind: 'request', method: 'OPTIONS', uri, headers, body: '' }, destination, {
        onFinal: (response) => resolve({ status: response.status, reason: response.reason }),
        onTimeout: () => resolve({ status: 408, reason: 'no answer (Timer F)' }),
        onTransportError: (error) => resolve({ status: 503, reason: error.message }),
      }),
    );
  }

  /** Ends the leg whatever its state: BYE if confirmed, CANCEL if it rang, else at the first 1xx. */
  release(leg: Leg): void {
    if (leg.state === 'ended') return;
    if (leg.state === 'confirmed') {
      this.bye(leg);
      return;
    }
    this.cancel(leg);
  }

  bye(leg: Leg): void {
    if (leg.state !== 'confirmed') return;
    leg.released = true;
    leg.state = 'ended';
    void this.inDialog(leg, 'BYE', '');
    this.forgetLater(leg);
  }

  /**
   * Ends a leg another worker held (it died), from its stored dialog: BYE when it was answered,
   * CANCEL of its INVITE otherwise (the INVITE's own Via, CSeq and Route, §9.1: the responses go
   * to the dead worker's address and are lost, which nothing here waits for).
   */
  endStored(record: SipDialogRecord): void {
    const leg = new Leg(
      record.remoteUri,
      { uri: record.localUri, display: record.localDisplay ?? undefined },
      { onProvisional: () => undefined, onAnswer: () => undefined, onFailure: () => undefined, onBye: () => undefined },
      [],
      { callId: record.sipCallId, localTag: record.localTag },
    );
    // Without a route set, in-dialog requests go where the INVITE went (its trunk), as they did.
    leg.outboundProxy = trunkUri(parseHop(record.nextHop));
    if (record.state === 'confirmed' && record.remoteTag) {
      leg.state = 'confirmed';
      leg.remoteTag = record.remoteTag;
      leg.remoteTarget = record.remoteTarget ?? undefined;
      leg.routeSet = record.routeSet;
      leg.cseq = record.cseq;
      this.legs.set(leg.callId, leg);
      this.bye(leg);
      return;
    }
    const headers = SipHeaders.of([
      ['via', record.inviteVia],
      ['max-forwards', '70'],
      ['from', leg.fromHeader],
      ['to', `<${record.remoteUri}>`],
      ['call-id', record.sipCallId],
      ['cseq', `${record.inviteCseq} CANCEL`],
    ]);
    for (const route of record.inviteRoutes) headers.add('route', route);
    this.stack.request(
      { kind: 'request', method: 'CANCEL', uri: record.remoteUri, headers, body: '' },
      parseHop(record.nextHop),
      { onFinal: () => undefined, onTimeout: () => undefined },
    );
  }

  /**
   * Sends an in-dialog request (BYE, re-INVITE) and resolves with its final response, or null
   * when none came (Timer F / B). Answers one digest challenge. A re-INVITE's 2xx is not ACKed
   * here: the caller ACKs it (`ack` with the response's CSeq).
   */
  inDialog(leg: Leg, method: string, sdp: string, auth: Array<[string, string]> = []): Promise<SipResponse | null> {
    leg.cseq += 1;
    const cseq = leg.cseq;
    leg.onChange?.();
    const destination = this.dialogDestination(leg);
    const headers = this.dialogHeaders(leg, method, cseq, destination);
    if (method === 'INVITE') headers.add('contact', this.contactFor(destination, leg.remoteTarget ?? leg.to));
    for (const [n, v] of auth) headers.add(n, v);
    if (sdp) headers.add('content-type', 'application/sdp');
    const uri = leg.remoteTarget ?? leg.to;
    const request: SipRequest = { kind: 'request', method, uri, headers, body: sdp };
    return new Promise((resolve) => {
      this.stack.request(request, destination, {
        onFinal: (response) => {
          const { username, password } = this.settings;
          const proxy = response.status === 407;
          if ((response.status === 401 || proxy) && auth.length === 0 && username && password !== undefined) {
            const challenge = parseChallenge(response.headers.get(proxy ? 'proxy-authenticate' : 'www-authenticate'));
            if (challenge && supportsAlgorithm(challenge)) {
              const value = digestAuthorization(challenge, { username, password }, method, uri);
              resolve(this.inDialog(leg, method, sdp, [[proxy ? 'proxy-authorization' : 'authorization', value]]));
              return;
            }
          }
          resolve(response);
        },
        onTimeout: () => resolve(null),
        onTransportError: () => resolve(null),
      });
    });
  }

  private baseHeaders(leg: Leg, method: string, branch: string, destination: Destination, cseq = leg.cseq): SipHeaders {
    const transport = (destination.transport ?? 'udp').toUpperCase();
    return SipHeaders.of([
      ['via', `SIP/2.0/${transport} ${this.stack.sentBy};branch=${branch};rport`],
      ['max-forwards', '70'],
      ['from', leg.fromHeader],
      ['to', leg.toHeader],
      ['call-id', leg.callId],
      ['cseq', `${cseq} ${method}`],
      ['user-agent', this.settings.userAgent ?? 'AutoCall'],
    ]);
  }

  private dialogHeaders(leg: Leg, method: string, cseq: number, destination = this.dialogDestination(leg)): SipHeaders {
    const headers = this.baseHeaders(leg, method, newBranch(), destination, cseq);
    for (const route of leg.routeSet) headers.add('route', route);
    return headers;
  }

  /**
   * Loose routing: the first route if any; without a route set, the outbound proxy when one is
   * configured (RFC 3261 §8.1.2: a trunk that does not record-route still sees the in-dialog
   * requests, and a remote target on a private address is never tried directly), else the remote
   * target.
   */
  dialogDestination(leg: Leg): Destination {
    const first = leg.routeSet[0];
    if (first) return this.target(parseNameAddr(first).uri);
    const proxy = leg.outboundProxy ?? this.settings.outboundProxy;
    return this.target(proxy ?? leg.remoteTarget ?? leg.to);
  }

  private forgetLater(leg: Leg): void {
    // Kept a while to answer retransmitted BYEs and re-ACK retransmitted 2xx.
    setTimeout(() => {
      if (this.legs.get(leg.callId) === leg) this.legs.delete(leg.callId);
    }, 64 * this.stack.t1).unref();
  }

  /** A leg whose INVITE failed, timed out or was BYEd is forgotten after a while. */
  done(leg: Leg): void {
    leg.released = true;
    if (leg.state !== 'confirmed') this.forgetLater(leg);
  }

  private stray(response: SipResponse): void {
    const cseq = parseCSeq(response.headers.get('cseq'));
    if (cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const leg = this.legs.get(response.headers.get('call-id') ?? '');
    if (leg?.lastAck && parseCSeq(leg.lastAck.request.headers.get('cseq')).seq === cseq.seq) {
      // A retransmitted 2xx: our ACK was lost.
      this.stack.send(leg.lastAck.request, leg.lastAck.destination);
    }
  }

  private incoming(request: SipRequest, source: Destination): void {
    const leg = this.legs.get(request.headers.get('call-id') ?? '');
    const reply = (status: number, reason: string, extra: { headers?: Array<[string, string]>; body?: string } = {}) =>
      this.stack.send(
        responseTo(request, status, reason, { toTag: leg?.localTag ?? randomToken(6), ...extra }),
        source,
      );
    switch (request.method) {
      case 'ACK':
        return;
      case 'OPTIONS':
        return reply(200, 'OK', { headers: [['allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS']] });
      case 'BYE':
        if (!leg) return reply(481, 'Call/Transaction Does Not Exist');
        reply(200, 'OK');
        if (leg.state === 'confirmed') {
          leg.released = true;
          this.ended(leg);
          this.forgetLater(leg);
          leg.handlers.onBye();
        }
        return;
      case 'INVITE':
      case 'UPDATE':
        if (!leg)
          return reply(
            request.method === 'INVITE' ? 603 : 481,
            request.method === 'INVITE' ? 'Decline' : 'Call/Transaction Does Not Exist',
          );
        if (leg.state !== 'confirmed') return reply(491, 'Request Pending');
        // A session refresh: the session stays as AutoCall set it up.
        return reply(200, 'OK', {
          headers: [
            ['contact', this.contactFor(source, request.uri)],
            ['content-type', 'application/sdp'],
          ],
          body: leg.localSdp,
        });
      case 'CANCEL':
        return reply(481, 'Call/Transaction Does Not Exist');
      case 'INFO':
      case 'NOTIFY':
        if (!leg) return reply(481, 'Call/Transaction Does Not Exist');
        reply(200, 'OK');
        if (leg.state === 'confirmed') leg.handlers.onInfo?.(request);
        return;
      default:
        return reply(leg ? 200 : 481, leg ? 'OK' : 'Call/Transaction Does Not Exist');
    }
  }
}

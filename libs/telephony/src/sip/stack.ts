/**
 * The transport and transaction layers of a SIP user agent client over UDP (RFC 3261 §17.1):
 * INVITE client transactions (Timer A retransmits until a response, Timer B gives up after
 * 64·T1 with a local 408, non-2xx finals are ACKed on the same branch and their retransmissions
 * re-ACKed for Timer D) and non-INVITE client transactions (Timer E retransmits, doubling up to
 * T2, Timer F gives up after 64·T1). Requests from the network (BYE, re-INVITE, OPTIONS) and
 * 2xx responses that no transaction holds any more (retransmitted 2xx of an INVITE) go to the
 * handlers the user agent installs.
 */
import { createSocket, RemoteInfo, Socket } from 'node:dgram';
import { once } from 'node:events';
import {
  parseCSeq,
  parseMessage,
  parseVia,
  serialize,
  SipHeaders,
  SipMessage,
  SipRequest,
  SipResponse,
} from './message';

export interface Destination {
  host: string;
  port: number;
}

export interface SipStackOptions {
  localAddress: string;
  localPort: number;
  /** Address written in Via and Contact (NAT); the local address by default. */
  publicAddress?: string;
  /** RFC 3261 T1 (round-trip estimate), 500 ms by default. */
  t1Ms?: number;
  /** RFC 3261 T2 (largest non-INVITE retransmission interval), 4 s by default. */
  t2Ms?: number;
  log?: (line: string) => void;
}

export interface TransactionHandlers {
  onProvisional?(response: SipResponse): void;
  onFinal(response: SipResponse): void;
  /** No final response in time (Timer B or F): a local 408. */
  onTimeout(): void;
}

interface ClientTransaction {
  key: string;
  request: SipRequest;
  destination: Destination;
  handlers: TransactionHandlers;
  state: 'calling' | 'proceeding' | 'completed' | 'terminated';
  retransmitTimer?: NodeJS.Timeout;
  timeoutTimer?: NodeJS.Timeout;
  ack?: string;
}

export class SipStack {
  readonly t1: number;
  readonly t2: number;
  private socket?: Socket;
  private readonly transactions = new Map<string, ClientTransaction>();
  private requestHandler: (request: SipRequest, source: Destination) => void = () => undefined;
  private strayResponseHandler: (response: SipResponse) => void = () => undefined;
  private boundPort = 0;

  constructor(private readonly options: SipStackOptions) {
    this.t1 = options.t1Ms ?? 500;
    this.t2 = options.t2Ms ?? 4_000;
  }

  /** host:port written in Via and Contact. */
  get sentBy(): string {
    return `${this.options.publicAddress ?? this.options.localAddress}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  onRequest(handler: (request: SipRequest, source: Destination) => void): void {
    this.requestHandler = handler;
  }

  onStrayResponse(handler: (response: SipResponse) => void): void {
    this.strayResponseHandler = handler;
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: this.options.localAddress.includes(':') ? 'udp6' : 'udp4' });
    socket.on('message', (data, remote) => this.receive(data, remote));
    socket.on('error', (error) => this.options.log?.(`socket error: ${error.message}`));
    socket.bind(this.options.localPort, this.options.localAddress);
    await once(socket, 'listening');
    this.boundPort = socket.address().port;
    this.socket = socket;
  }

  close(): void {
    for (const tx of this.transactions.values()) this.clear(tx);
    this.transactions.clear();
    this.socket?.close();
    this.socket = undefined;
  }

  send(message: SipMessage, destination: Destination): void {
    const text = serialize(message);
    this.options.log?.(`>> ${destination.host}:${destination.port}\n${text}`);
    this.socket?.send(text, destination.port, destination.host);
  }

  /** Sends a request in a new client transaction; the top Via's branch names it. */
  request(request: SipRequest, destination: Destination, handlers: TransactionHandlers): void {
    const key = this.keyOf(request.headers.get('via'), request.method);
    const tx: ClientTransaction = { key, request, destination, handlers, state: 'calling' };
    this.transactions.set(key, tx);
    this.send(request, destination);
    const invite = request.method === 'INVITE';
    let interval = this.t1;
    const retransmit = () => {
      if (tx.state === 'terminated' || tx.state === 'completed') return;
      if (invite && tx.state !== 'calling') return;
      this.send(request, destination);
      interval = invite ? interval * 2 : tx.state === 'proceeding' ? this.t2 : Math.min(interval * 2, this.t2);
      tx.retransmitTimer = setTimeout(retransmit, interval);
    };
    tx.retransmitTimer = setTimeout(retransmit, interval);
    tx.timeoutTimer = setTimeout(() => {
      if (tx.state === 'calling' || (!invite && tx.state === 'proceeding')) {
        this.terminate(tx);
        handlers.onTimeout();
      }
    }, 64 * this.t1);
  }

  private keyOf(via: string | undefined, method: string): string {
    const branch = via ? (parseVia(via).params.branch ?? '') : '';
    return `${branch}|${method === 'ACK' ? 'INVITE' : method}`;
  }

  private receive(data: Buffer, remote: RemoteInfo): void {
    let message: SipMessage;
    try {
      message = parseMessage(data);
    } catch (error) {
      this.options.log?.(`<< unparsable datagram from ${remote.address}:${remote.port}: ${(error as Error).message}`);
      return;
    }
    this.options.log?.(`<< ${remote.address}:${remote.port}\n${data.toString('utf8')}`);
    try {
      if (message.kind === 'request') this.requestHandler(message, { host: remote.address, port: remote.port });
      else this.response(message);
    } catch (error) {
      this.options.log?.(`handling a message failed: ${(error as Error).stack ?? error}`);
    }
  }

  private response(response: SipResponse): void {
    const cseq = parseCSeq(response.headers.get('cseq'));
    const tx = this.transactions.get(this.keyOf(response.headers.get('via'), cseq.method));
    if (!tx || tx.state === 'terminated') {
      this.strayResponseHandler(response);
      return;
    }
    const invite = tx.request.method === 'INVITE';
    if (response.status < 200) {
      if (tx.state === 'calling') {
        tx.state = 'proceeding';
        // RFC 3261: an INVITE in Proceeding has no timer; the user agent keeps its own guards.
        if (invite) this.clear(tx);
      }
      if (tx.state === 'proceeding') tx.handlers.onProvisional?.(response);
      return;
    }
    if (invite && response.status >= 300) {
      if (tx.state === 'completed') {
        // A retransmitted final: our ACK was lost.
        if (tx.ack) this.socket?.send(tx.ack, tx.destination.port, tx.destination.host);
        return;
      }
      tx.state = 'completed';
      this.clear(tx);
      const ack = this.ackForFailure(tx.request, response);
      tx.ack = serialize(ack);
      this.send(ack, tx.destination);
      // Timer D (32 s on UDP): absorbs retransmissions of the final response.
      setTimeout(() => this.terminate(tx), Math.max(32_000, 64 * this.t1)).unref();
      tx.handlers.onFinal(response);
      return;
    }
    if (tx.state === 'completed') return;
    if (invite) this.terminate(tx);
    else {
      tx.state = 'completed';
      this.clear(tx);
      setTimeout(() => this.terminate(tx), 5_000).unref();
    }
    tx.handlers.onFinal(response);
  }

  /** ACK for a non-2xx final (§17.1.1.3): same branch, the INVITE's Route, the response's To. */
  private ackForFailure(invite: SipRequest, response: SipResponse): SipRequest {
    const headers = SipHeaders.of([
      ['via', invite.headers.get('via')],
      ['max-forwards', '70'],
      ['from', invite.headers.get('from')],
      ['to', response.headers.get('to')],
      ['call-id', invite.headers.get('call-id')],
      ['cseq', `${parseCSeq(invite.headers.get('cseq')).seq} ACK`],
    ]);
    for (const route of invite.headers.all('route')) headers.add('route', route);
    return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: '' };
  }

  private clear(tx: ClientTransaction): void {
    clearTimeout(tx.retransmitTimer);
    clearTimeout(tx.timeoutTimer);
  }

  private terminate(tx: ClientTransaction): void {
    this.clear(tx);
    tx.state = 'terminated';
    if (this.transactions.get(tx.key) === tx) this.transactions.delete(tx.key);
  }
}

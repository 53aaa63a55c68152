/**
 * The transport and transaction layers of a SIP user agent client (RFC 3261 §17.1, §18) over
 * UDP, TCP and TLS: INVITE client transactions (Timer A retransmits until a response on UDP,
 * Timer B gives up after 64·T1 with a local 408, non-2xx finals are ACKed on the same branch and
 * their retransmissions re-ACKed for Timer D) and non-INVITE client transactions (Timer E
 * retransmits on UDP, doubling up to T2, Timer F gives up after 64·T1). Requests from the network
 * (BYE, re-INVITE, OPTIONS) and 2xx responses that no transaction holds any more (retransmitted
 * 2xx of an INVITE) go to the handlers the user agent installs.
 *
 * TCP and TLS (§18): one connection per destination (host, port, transport), opened at the first
 * request and reused by every later one, framed by Content-Length. The connection is opened from
 * the same port number as the UDP socket, so that the sent-by of Via and the Contact name the
 * connection itself: the peer sends its responses and its requests in the dialog (a callee's BYE)
 * back over it (connection reuse), and AutoCall needs no listening socket or certificate of its
 * own. A TLS peer's certificate is verified against the system's or the configured CA unless
 * verification is turned off. A connection that cannot be opened (refused, certificate not
 * verified) fails the transactions waiting on it at once, as a transport error (§8.1.3.1).
 */
import { createSocket, RemoteInfo, Socket } from 'node:dgram';
import { once } from 'node:events';
import { isIP, Socket as TcpSocket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import {
  parseCSeq,
  parseMessage,
  parseVia,
  serialize,
  SipHeaders,
  SipMessage,
  SipRequest,
  SipResponse,
  SipTransport,
  StreamFramer,
} from './message';

export interface Destination {
  host: string;
  port: number;
  /** UDP unless said otherwise. */
  transport?: SipTransport;
  /** The TCP or TLS connection a request came in on: its responses go back over it. */
  connection?: StreamConnection;
}

export interface SipTlsOptions {
  /** Verify the peer's certificate (chain and host name); true unless configured otherwise. */
  verify: boolean;
  /** PEM certificates trusted besides the system's (the trunk's CA, or its self-signed certificate). */
  ca?: string;
}

/** Why a connection could not carry a request: a clear sentence for logs and health. */
export class SipTransportError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface SipStackOptions {
  localAddress: string;
  localPort: number;
  /** Address written in Via and Contact (NAT); the local address by default. */
  publicAddress?: string;
  /** TLS settings of connections AutoCall opens. */
  tls?: SipTlsOptions;
  /** RFC 3261 T1 (round-trip estimate), 500 ms by default. */
  t1Ms?: number;
  /** RFC 3261 T2 (largest non-INVITE retransmission interval), 4 s by default. */
  t2Ms?: number;
  log?: (line: string) => void;
  /** Transport problems (a connection refused, a certificate not verified), always reported. */
  warn?: (line: string) => void;
}

export interface TransactionHandlers {
  onProvisional?(response: SipResponse): void;
  onFinal(response: SipResponse): void;
  /** No final response in time (Timer B or F): a local 408. */
  onTimeout(): void;
  /** The request could not be sent (a connection refused or not verified); onTimeout when unset. */
  onTransportError?(error: SipTransportError): void;
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

const reliable = (destination: Destination) => (destination.transport ?? 'udp') !== 'udp';
const connectionKey = (d: Destination) => `${d.transport ?? 'udp'}:${d.host}:${d.port}`;

/** One TCP or TLS connection: writes wait until it is open; bytes in are framed into messages. */
export class StreamConnection {
  private readonly queue: string[] = [];
  private readonly framer = new StreamFramer();
  open = false;
  closed = false;
  error?: SipTransportError;

  constructor(
    readonly key: string,
    readonly destination: Destination,
    readonly socket: TcpSocket | TLSSocket,
  ) {}

  write(text: string): void {
    if (this.closed) return;
    if (this.open) this.socket.write(text);
    else this.queue.push(text);
  }

  /** What was waiting for the connection to open (handed to a replacement connection). */
  pendingWrites(): string[] {
    return this.queue.splice(0);
  }

  opened(): void {
    this.open = true;
    for (const text of this.queue.splice(0)) this.socket.write(text);
  }

  frame(chunk: Buffer): Buffer[] {
    return this.framer.push(chunk);
  }
}

export class SipStack {
  readonly t1: number;
  readonly t2: number;
  private socket?: Socket;
  private readonly transactions = new Map<string, ClientTransaction>();
  private requestHandler: (request: SipRequest, source: Destination) => void = () => undefined;
  private strayResponseHandler: (response: SipResponse) => void = () => undefined;
  private boundPort = 0;
  private readonly connections = new Map<string, StreamConnection>();
  /** The last connection failure, until a connection opens again (for health and logs). */
  transportProblem: string | null = null;

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
    for (const connection of this.connections.values()) {
      connection.closed = true;
      connection.socket.destroy();
    }
    this.connections.clear();
    this.socket?.close();
    this.socket = undefined;
  }

  /** The connection to this destination's host, port and transport, if one is open or opening. */
  connectionTo(destination: Destination): StreamConnection | undefined {
    return this.connections.get(connectionKey(destination));
  }

  send(message: SipMessage, destination: Destination): void {
    this.sendText(serialize(message), destination);
  }

  private sendText(text: string, destination: Destination): void {
    this.options.log?.(`>> ${destination.transport ?? 'udp'}:${destination.host}:${destination.port}\n${text}`);
    if (!reliable(destination)) {
      this.socket?.send(text, destination.port, destination.host);
      return;
    }
    // A response (or a request in the dialog) goes back over the connection it came in on.
    const incoming = destination.connection;
    if (incoming && !incoming.closed) {
      incoming.write(text);
      return;
    }
    this.connect(destination).write(text);
  }

  /** The open connection to the destination, or a new one (from the UDP socket's port number). */
  private connect(destination: Destination, fromAnyPort = false): StreamConnection {
    const key = connectionKey(destination);
    const existing = this.connections.get(key);
    if (existing && !existing.closed) return existing;
    const { host, port } = destination;
    const tcp = new TcpSocket();
    const tls = destination.transport === 'tls';
    const socket = tls
      ? tlsConnect({
          socket: tcp,
          host,
          // SNI only carries names, never addresses (RFC 6066 §3).
          servername: isIP(host) ? undefined : host,
          ca: this.options.tls?.ca ? [this.options.tls.ca] : undefined,
          rejectUnauthorized: this.options.tls?.verify ?? true,
        })
      : tcp;
    const connection = new StreamConnection(key, { host, port, transport: destination.transport }, socket);
    this.connections.set(key, connection);
    const source: Destination = { host, port, transport: destination.transport, connection };
    let connected = false;
    socket.setNoDelay?.(true);
    socket.on(tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      this.transportProblem = null;
      connection.opened();
    });
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = connection.frame(chunk);
      } catch (error) {
        this.options.warn?.(`SIP ${key}: unframable stream (${(error as Error).message}); closing the connection`);
        socket.destroy();
        return;
      }
      for (const message of messages) this.receive(message, source);
    });
    let failed = false;
    const onError = (error: NodeJS.ErrnoException) => {
      if (failed) return;
      failed = true;
      if (!connected && !fromAnyPort && error.code === 'EADDRINUSE') {
        // The port number is taken for TCP on this host: any port will do, but the peer's requests
        // in the dialog then find no connection at the Contact's port.
        this.options.warn?.(`SIP ${key}: local TCP port ${this.boundPort} is taken; connecting from another port`);
        this.forget(connection);
        const replacement = this.connect(destination, true);
        for (const text of connection.pendingWrites()) replacement.write(text);
        return;
      }
      const failure = transportError(key, error, tls);
      connection.error = failure;
      this.transportProblem = failure.message;
      this.options.warn?.(failure.message);
      this.forget(connection);
      this.failTransactionsOn(key, failure);
    };
    socket.on('error', onError);
    if (tls) tcp.on('error', onError);
    socket.on('close', () => this.forget(connection));
    socket.setKeepAlive(true, 30_000);
    tcp.connect({
      host,
      port,
      localAddress: this.options.localAddress,
      localPort: fromAnyPort ? undefined : this.boundPort,
    });
    return connection;
  }

  private forget(connection: StreamConnection): void {
    connection.closed = true;
    connection.socket.destroy();
    if (this.connections.get(connection.key) === connection) this.connections.delete(connection.key);
  }

  /** Transactions sent to a connection that failed before any response: ended as transport errors. */
  private failTransactionsOn(key: string, error: SipTransportError): void {
    for (const tx of [...this.transactions.values()]) {
      if (tx.state !== 'calling' || connectionKey(tx.destination) !== key) continue;
      this.terminate(tx);
      if (tx.handlers.onTransportError) tx.handlers.onTransportError(error);
      else tx.handlers.onTimeout();
    }
  }

  /** Sends a request in a new client transaction; the top Via's branch names it. */
  request(request: SipRequest, destination: Destination, handlers: TransactionHandlers): void {
    const key = this.keyOf(request.headers.get('via'), request.method);
    const tx: ClientTransaction = { key, request, destination, handlers, state: 'calling' };
    this.transactions.set(key, tx);
    this.send(request, destination);
    const invite = request.method === 'INVITE';
    let interval = this.t1;
    const failed = this.connectionTo(destination)?.error;
    if (failed) {
      this.terminate(tx);
      queueMicrotask(() => (handlers.onTransportError ? handlers.onTransportError(failed) : handlers.onTimeout()));
      return;
    }
    const retransmit = () => {
      if (tx.state === 'terminated' || tx.state === 'completed') return;
      if (invite && tx.state !== 'calling') return;
      this.send(request, destination);
      interval = invite ? interval * 2 : tx.state === 'proceeding' ? this.t2 : Math.min(interval * 2, this.t2);
      tx.retransmitTimer = setTimeout(retransmit, interval);
    };
    // Timers A and E retransmit over UDP only: TCP and TLS deliver or fail (§17.1.1.2).
    if (!reliable(destination)) tx.retransmitTimer = setTimeout(retransmit, interval);
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

  private receive(data: Buffer, remote: RemoteInfo | Destination): void {
    const source: Destination =
      'address' in remote ? { host: remote.address, port: remote.port, transport: 'udp' } : remote;
    const from = `${source.transport ?? 'udp'}:${source.host}:${source.port}`;
    let message: SipMessage;
    try {
      message = parseMessage(data);
    } catch (error) {
      this.options.log?.(`<< unparsable message from ${from}: ${(error as Error).message}`);
      return;
    }
    this.options.log?.(`<< ${from}\n${data.toString('utf8')}`);
    try {
      if (message.kind === 'request') this.requestHandler(message, source);
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
        if (tx.ack) this.sendText(tx.ack, tx.destination);
        return;
      }
      tx.state = 'completed';
      this.clear(tx);
      const ack = this.ackForFailure(tx.request, response);
      tx.ack = serialize(ack);
      this.send(ack, tx.destination);
      // Timer D (32 s on UDP, none on TCP and TLS): absorbs retransmissions of the final response.
      if (reliable(tx.destination)) this.terminate(tx);
      else setTimeout(() => this.terminate(tx), Math.max(32_000, 64 * this.t1)).unref();
      tx.handlers.onFinal(response);
      return;
    }
    if (tx.state === 'completed') return;
    if (invite) this.terminate(tx);
    else {
      tx.state = 'completed';
      this.clear(tx);
      // Timer K (T4 on UDP, none on TCP and TLS).
      if (reliable(tx.destination)) this.terminate(tx);
      else setTimeout(() => this.terminate(tx), 5_000).unref();
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

/** The sentence a failed connection is reported with (the code names the TLS verdict). */
function transportError(key: string, error: NodeJS.ErrnoException, tls: boolean): SipTransportError {
  const code = error.code ?? '';
  const certificate =
    tls && (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) || /certificate/i.test(error.message));
  return new SipTransportError(
    certificate
      ? `SIP ${key}: the trunk's TLS certificate was not verified (${code || error.message}: ${error.message}); ` +
          'give its CA in SIP_TLS_CA, or set SIP_TLS_VERIFY=false to accept it unverified'
      : `SIP ${key}: connection failed (${code || 'error'}: ${error.message})`,
    code,
  );
}

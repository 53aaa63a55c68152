import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket, Socket } from 'node:dgram';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './processes';

/**
 * A SIP lab on loopback for the SIP adapter's tests: a Kamailio "trunk proxy" started with a
 * generated configuration on a free UDP port (never 5060: a system kamailio service cannot get
 * in the way), and SIPp user agents playing callees, agents and an announcement server.
 *
 * Kamailio routes by the Request-URI: a number +1415PPPPPNN goes to the SIPp listening on UDP
 * port PPPPP (so each scenario has its own callee); numbers ending in 77 are challenged first
 * with 407 (proxy digest, user autocall / password s3cret); any other URI (agents,
 * announcement server) goes where its host and port say. Every initial INVITE is record-routed.
 */
export const SCENARIOS = path.resolve(__dirname, '../sip/scenarios');
const KAMAILIO_MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

/** A free UDP port on loopback, chosen by the kernel. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  return port;
}

/** A free TCP port on loopback, chosen by the kernel. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Kamailio's stream listeners: TCP, and TLS with a certificate and its key (PEM files). */
export interface KamailioStreams {
  tcpPort?: number;
  tls?: { port: number; certificate: string; privateKey: string };
}

/** The number Kamailio routes to the SIPp on `port` (the index tells calls apart). */
export const numberFor = (port: number, index = 0): string =>
  `+1415${String(port).padStart(5, '0')}${String(index).padStart(2, '0')}`;

export function kamailioConfig(port: number, runDir: string, streams: KamailioStreams = {}): string {
  const listens = [
    `listen=udp:127.0.0.1:${port}`,
    ...(streams.tcpPort ? [`listen=tcp:127.0.0.1:${streams.tcpPort}`] : []),
    ...(streams.tls ? [`enable_tls=yes`, `listen=tls:127.0.0.1:${streams.tls.port}`] : []),
  ];
  const tls = streams.tls
    ? `loadmodule "tls.so"
modparam("tls", "certificate", "${streams.tls.certificate}")
modparam("tls", "private_key", "${streams.tls.privateKey}")
modparam("tls", "tls_method", "TLSv1.2+")
modparam("tls", "verify_certificate", 0)
modparam("tls", "require_certificate", 0)
`
    : '';
  return `#!KAMAILIO
debug=2
log_stderror=yes
log_prefix="{$mt $hdr(CSeq) $ci} "
children=2
auto_aliases=no
${listens.join('\n')}
${streams.tcpPort || streams.tls ? 'disable_tcp=no\ntcp_children=2\ntcp_connection_lifetime=3605' : 'disable_tcp=yes'}
mpath="${KAMAILIO_MODULES}"
${tls}
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"

modparam("rr", "append_fromtag", 1)
modparam("tm", "fr_inv_timer", 60000)
# A carrier's 503 reaches AutoCall as 503 (RFC 3261 §16.7 would make it 500): it counts against
# the trunk, not the number.
modparam("tm", "remap_503_500", 0)
# ${runDir}

request_route {
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (!sanity_check("17895", "7")) { exit; }
    if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "OK"); exit; }
    if (is_method("CANCEL")) {
        if (t_check_trans()) { t_relay(); }
        exit;
    }
    if (has_totag()) {
        if (loose_route()) { t_relay(); exit; }
        if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
        sl_send_reply("404", "Not here");
        exit;
    }
    t_check_trans();
    if (!is_method("INVITE")) { sl_send_reply("405", "Method Not Allowed"); exit; }
    if ($rU =~ "^\\+1415[0-9]{5}77$") {
        if (!pv_proxy_authenticate("$fd", "s3cret", "0")) {
            proxy_challenge("$fd", "0");
            exit;
        }
        consume_credentials();
    }
    remove_hf("Route");
    record_route();
    if ($rU =~ "^\\+1415[0-9]{7}$") {
        $du = "sip:127.0.0.1:" + $(rU{s.substr,5,5});
    }
    if (!t_relay()) { sl_reply_error(); }
    exit;
}
`;
}

export class Kamailio {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
    private readonly log: () => string,
    readonly streams: KamailioStreams = {},
  ) {}

  get uri(): string {
    return `sip:127.0.0.1:${this.port}`;
  }

  /** The TCP listener's URI (started with `tcp: true`). */
  get tcpUri(): string {
    return `sip:127.0.0.1:${this.streams.tcpPort};transport=tcp`;
  }

  /** The TLS listener's URI (started with a certificate). */
  get tlsUri(): string {
    return `sips:127.0.0.1:${this.streams.tls?.port}`;
  }

  /**
   * A Kamailio on loopback; with `tcp` it listens on TCP too, with `tls` (a certificate and key
   * in PEM files, e.g. from `makeCertificate`) on TLS too (Debian's kamailio-tls-modules).
   */
  static async start(
    options: { tcp?: boolean; tls?: { certificate: string; privateKey: string } } = {},
  ): Promise<Kamailio> {
    const dir = mkdtempSync(path.join(tmpdir(), 'autocall-kamailio-'));
    const runDir = path.join(dir, 'run');
    mkdirSync(runDir);
    const port = await freeUdpPort();
    const streams: KamailioStreams = {
      tcpPort: options.tcp ? await freeTcpPort() : undefined,
      tls: options.tls ? { port: await freeTcpPort(), ...options.tls } : undefined,
    };
    const cfg = path.join(dir, 'kamailio.cfg');
    writeFileSync(cfg, kamailioConfig(port, runDir, streams));
    let output = '';
    const child = spawn(
      'kamailio',
      ['-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-Y', runDir, '-P', path.join(runDir, 'kamailio.pid')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (c) => (output += c));
    child.stderr?.on('data', (c) => (output += c));
    const kamailio = new Kamailio(child, port, dir, () => output, streams);
    try {
      await waitFor('kamailio to answer OPTIONS', () => optionsPing(port), 10_000, 100);
    } catch (error) {
      await kamailio.stop();
      throw new Error(`${(error as Error).message}\n${output.slice(-3000)}`);
    }
    return kamailio;
  }

  output(): string {
    return this.log();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
      await once(this.child, 'exit');
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A self-signed certificate for 127.0.0.1 (and localhost) made with openssl, in `dir`: what a
 * test trunk presents over TLS, and the CA a worker that verifies it is given.
 */
export function makeCertificate(dir: string): { certificate: string; privateKey: string } {
  const certificate = path.join(dir, 'trunk.crt');
  const privateKey = path.join(dir, 'trunk.key');
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      privateKey,
      '-out',
      certificate,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  return { certificate, privateKey };
}

/** Sends OPTIONS to 127.0.0.1:port, true if any response comes within 300 ms. */
async function optionsPing(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const own = socket.address().port;
  const message = [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bKping${Date.now()};rport`,
    'Max-Forwards: 70',
    `From: <sip:ping@127.0.0.1>;tag=${Date.now()}`,
    `To: <sip:127.0.0.1:${port}>`,
    `Call-ID: ping-${Date.now()}@test`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  try {
    const answered = once(socket, 'message').then(() => true);
    socket.send(message, port, '127.0.0.1');
    return await Promise.race([answered, new Promise<boolean>((r) => setTimeout(() => r(false), 300))]);
  } finally {
    socket.close();
  }
}

/** One SIPp user agent server playing a scenario file of test/sip/scenarios. */
export class Sipp {
  private output = '';
  private readonly exit: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {
    child.stdout?.on('data', (c) => (this.output += c));
    child.stderr?.on('data', (c) => (this.output += c));
    this.exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(scenario: string, options: { calls?: number; port?: number } = {}): Promise<Sipp> {
    const port = options.port ?? (await freeUdpPort());
    const dir = mkdtempSync(path.join(tmpdir(), 'autocall-sipp-'));
    const child = spawn(
      'sipp',
      [
        '-sf',
        path.join(SCENARIOS, scenario),
        '-i',
        '127.0.0.1',
        '-p',
        String(port),
        '-m',
        String(options.calls ?? 1),
        '-nostdin',
        '-timeout',
        '90s',
        '-trace_err',
        '-trace_msg',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const sipp = new Sipp(child, port, dir);
    // SIPp binds at once; give it a moment to be listening.
    await new Promise((resolve) => setTimeout(resolve, 150));
    return sipp;
  }

  /** The exit code: 0 when every call of the scenario completed as written. */
  async finished(timeoutMs = 60_000): Promise<number | null> {
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const code = await Promise.race([this.exit, timer]);
    if (code === 'timeout') throw new Error(`sipp ${this.port} did not finish:\n${this.report()}`);
    return code;
  }

  /** SIPp's error and message logs (for failure messages). */
  report(): string {
    const logs: string[] = [];
    try {
      for (const file of readdirSync(this.dir)) {
        const text = readFileSync(path.join(this.dir, file), 'utf8');
        logs.push(`== ${file}\n${text.slice(-4000)}`);
      }
    } catch {
      /* nothing */
    }
    return `${this.output.slice(-2000)}\n${logs.join('\n')}`;
  }

  /** Every SIP message SIPp received and sent. */
  messages(): string {
    try {
      return readdirSync(this.dir)
        .filter((f) => f.endsWith('_messages.log'))
        .map((f) => readFileSync(path.join(this.dir, f), 'utf8'))
        .join('\n');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A UDP port that receives and never answers: the silent peer. */
export class SilentPeer {
  readonly received: string[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (data) => this.received.push(data.toString('utf8')));
  }

  static async start(): Promise<SilentPeer> {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new SilentPeer(socket, socket.address().port);
  }

  /** Answers INVITEs whose Request-URI matches with 100 Trying only (silent after the first hop). */
  tryingOnlyFor(requestUri: RegExp): void {
    this.socket.on('message', (data, remote) => {
      const text = data.toString('utf8');
      const uri = /^INVITE (\S+) /.exec(text)?.[1];
      if (!uri || !requestUri.test(uri)) return;
      const header = (name: string) =>
        text
          .split('\r\n')
          .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
          .join('\r\n');
      const reply = [
        'SIP/2.0 100 Trying',
        header('Via'),
        header('From'),
        header('To'),
        header('Call-ID'),
        header('CSeq'),
      ];
      this.socket.send([...reply, 'Content-Length: 0', '', ''].join('\r\n'), remote.port, remote.address);
    });
  }

  get uri(): string {
    return `sip:127.0.0.1:${this.port}`;
  }

  close(): void {
    this.socket.close();
  }
}

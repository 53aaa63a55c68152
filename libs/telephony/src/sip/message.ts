/**
 * SIP messages (RFC 3261 §7): parsing a datagram into a request or a response, and serializing
 * one back. Header names are kept in their canonical long form (compact forms are expanded);
 * a header may appear several times (Via, Route, Record-Route) and comma-separated values of
 * those are split, so that `all('via')` lists every hop.
 */
import { randomBytes } from 'node:crypto';

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeaders;
  body: string;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeaders;
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
};

const CANONICAL: Record<string, string> = {
  via: 'Via',
  from: 'From',
  to: 'To',
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  contact: 'Contact',
  'content-length': 'Content-Length',
  'content-type': 'Content-Type',
  'max-forwards': 'Max-Forwards',
  'www-authenticate': 'WWW-Authenticate',
  'proxy-authenticate': 'Proxy-Authenticate',
  'record-route': 'Record-Route',
  route: 'Route',
};

/** Headers whose comma-separated values are separate entries (RFC 3261 §7.3.1). */
const LIST_HEADERS = new Set(['via', 'route', 'record-route', 'contact']);

function canonicalName(lower: string): string {
  return CANONICAL[lower] ?? lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** Splits on commas that are outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let depthAngle = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '<') depthAngle++;
    else if (!quoted && c === '>') depthAngle--;
    else if (!quoted && depthAngle === 0 && c === ',') {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter(Boolean);
}

/** An ordered, case-insensitive multimap of headers. */
export class SipHeaders {
  private readonly entries: Array<[string, string]> = [];
  /** The spelling a header was added with, when it is not a standard one (X-AutoCall-Message). */
  private readonly spelling = new Map<string, string>();

  static of(list: Array<[string, string | number | undefined | null]>): SipHeaders {
    const headers = new SipHeaders();
    for (const [name, value] of list) if (value !== undefined && value !== null) headers.add(name, String(value));
    return headers;
  }

  add(name: string, value: string): this {
    const lower = name.toLowerCase();
    if (name !== lower && !CANONICAL[lower]) this.spelling.set(lower, name);
    this.entries.push([lower, value]);
    return this;
  }

  set(name: string, value: string): this {
    this.remove(name);
    return this.add(name, value);
  }

  remove(name: string): this {
    const lower = name.toLowerCase();
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i][0] === lower) this.entries.splice(i, 1);
    return this;
  }

  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    return this.entries.find(([n]) => n === lower)?.[1];
  }

  all(name: string): string[] {
    const lower = name.toLowerCase();
    return this.entries.filter(([n]) => n === lower).map(([, v]) => v);
  }

  names(): string[] {
    return [...new Set(this.entries.map(([n]) => n))];
  }

  clone(): SipHeaders {
    const copy = new SipHeaders();
    for (const [n, v] of this.entries) copy.add(this.spelling.get(n) ?? n, v);
    return copy;
  }

  toLines(): string[] {
    return this.entries.map(([n, v]) => `${this.spelling.get(n) ?? canonicalName(n)}: ${v}`);
  }
}

export class SipParseError extends Error {}

export function parseMessage(data: string | Buffer): SipMessage {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  const split = text.search(/\r?\n\r?\n/);
  const head = split === -1 ? text : text.slice(0, split);
  const rest = split === -1 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
  // Unfold continuation lines (RFC 3261 §7.3.1).
  const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const first = lines.shift()?.trim() ?? '';
  const headers = new SipHeaders();
  for (const line of lines) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`bad header line: ${line}`);
    let name = line.slice(0, colon).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    const value = line.slice(colon + 1).trim();
    if (LIST_HEADERS.has(name) && value !== '*') for (const part of splitList(value)) headers.add(name, part);
    else headers.add(name, value);
  }
  const length = headers.get('content-length');
  let body = rest;
  if (length !== undefined) {
    const n = Number(length);
    if (!Number.isInteger(n) || n < 0) throw new SipParseError('bad Content-Length');
    body = Buffer.from(rest, 'utf8').subarray(0, n).toString('utf8');
  }
  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/i.exec(first);
  if (response) return { kind: 'response', status: Number(response[1]), reason: response[2], headers, body };
  const request = /^([A-Za-z]+)\s+(\S+)\s+SIP\/2\.0$/i.exec(first);
  if (request) return { kind: 'request', method: request[1].toUpperCase(), uri: request[2], headers, body };
  throw new SipParseError(`bad start line: ${first}`);
}

export function serialize(message: SipMessage): string {
  const start =
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`;
  const headers = message.headers.clone().set('content-length', String(Buffer.byteLength(message.body, 'utf8')));
  return [start, ...headers.toLines(), '', message.body].join('\r\n');
}

/** A name-addr or addr-spec with its header parameters: `"Bob" <sip:bob@h>;tag=1`. */
export interface NameAddr {
  display: string;
  uri: string;
  params: Record<string, string>;
}

function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of text.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq === -1) params[p.toLowerCase()] = '';
    else params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
  }
  return params;
}

export function parseNameAddr(value: string): NameAddr {
  const open = value.indexOf('<');
  if (open !== -1) {
    const close = value.indexOf('>', open);
    const display = value.slice(0, open).trim().replace(/^"|"$/g, '');
    return { display, uri: value.slice(open + 1, close), params: parseParams(value.slice(close + 1)) };
  }
  // addr-spec: parameters after the URI are header parameters.
  const semi = value.indexOf(';');
  return semi === -1
    ? { display: '', uri: value.trim(), params: {} }
    : { display: '', uri: value.slice(0, semi).trim(), params: parseParams(value.slice(semi)) };
}

export function formatNameAddr(addr: NameAddr): string {
  const display = addr.display ? `"${addr.display.replace(/"/g, '')}" ` : '';
  const params = Object.entries(addr.params)
    .map(([k, v]) => (v === '' ? `;${k}` : `;${k}=${v}`))
    .join('');
  return `${display}<${addr.uri}>${params}`;
}

export interface SipUri {
  scheme: string;
  user: string;
  host: string;
  port: number | undefined;
  params: Record<string, string>;
}

export function parseUri(uri: string): SipUri {
  const match = /^(sips?):(?:([^@;?]*)@)?(\[[^\]]+\]|[^:;?]+)(?::(\d+))?([^?]*)/i.exec(uri.trim());
  if (!match) throw new SipParseError(`bad SIP URI: ${uri}`);
  return {
    scheme: match[1].toLowerCase(),
    user: match[2] ?? '',
    host: match[3],
    port: match[4] ? Number(match[4]) : undefined,
    params: parseParams(match[5] ?? ''),
  };
}

export const SIP_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
export type SipTransport = (typeof SIP_TRANSPORTS)[number];

export interface TransportTarget {
  host: string;
  port: number;
  transport: SipTransport;
}

/**
 * Where a request to this URI goes at the transport layer (RFC 3263 without DNS: host and port):
 * a `sips:` URI over TLS, a `;transport=tcp|tls|udp` parameter as it says, otherwise the
 * configured default transport; port 5061 for TLS and 5060 otherwise when the URI has none.
 */
export function uriTarget(uri: string, defaultTransport: SipTransport = 'udp'): TransportTarget {
  const parsed = parseUri(uri);
  const maddr = parsed.params.maddr;
  const named = parsed.params.transport?.toLowerCase();
  const transport: SipTransport =
    parsed.scheme === 'sips'
      ? 'tls'
      : named && (SIP_TRANSPORTS as readonly string[]).includes(named)
        ? (named as SipTransport)
        : defaultTransport;
  return {
    host: maddr || parsed.host.replace(/^\[|\]$/g, ''),
    port: parsed.port ?? (transport === 'tls' ? 5061 : 5060),
    transport,
  };
}

/**
 * The URI of a trunk given by host, port and transport (a trunk's settings): what the user agent
 * routes through (`SIP_OUTBOUND_PROXY`, or a leg's own trunk), its transport in `;transport=`
 * (TLS as `sip:…;transport=tls` rather than `sips:`, which would also ask TLS of every hop beyond).
 */
export function trunkUri(trunk: { host: string; port?: number; transport: SipTransport }): string {
  const host = trunk.host.includes(':') && !trunk.host.startsWith('[') ? `[${trunk.host}]` : trunk.host;
  const port = trunk.port ? `:${trunk.port}` : '';
  // Named even for UDP: the trunk's own transport wins over SIP_TRANSPORT.
  return `sip:${host}${port};transport=${trunk.transport}`;
}

/**
 * Frames SIP messages out of a byte stream (RFC 3261 §18.3): a message is its header block up to
 * the empty line, then exactly Content-Length bytes of body (mandatory on streams: a message
 * without it is taken as bodiless). CRLFs between messages (keep-alives, RFC 5626 §3.5.1) are
 * skipped. `push` returns every complete message received so far, as bytes for `parseMessage`.
 */
export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageBytes = 65_535) {}

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const messages: Buffer[] = [];
    for (;;) {
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a)) start++;
      if (start) this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) {
        if (this.buffer.length > this.maxMessageBytes) throw new SipParseError('header block too long');
        return messages;
      }
      const head = this.buffer.subarray(0, end).toString('utf8');
      const match = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im.exec(head);
      const length = match ? Number(match[1]) : 0;
      if (length > this.maxMessageBytes) throw new SipParseError('body too long');
      const total = end + 4 + length;
      if (this.buffer.length < total) return messages;
      messages.push(Buffer.from(this.buffer.subarray(0, total)));
      this.buffer = this.buffer.subarray(total);
    }
  }
}

export interface Via {
  transport: string;
  host: string;
  port: number | undefined;
  params: Record<string, string>;
}

export function parseVia(value: string): Via {
  const match = /^SIP\/2\.0\/([A-Za-z]+)\s+([^;:\s]+|\[[^\]]+\])(?::(\d+))?\s*(.*)$/i.exec(value.trim());
  if (!match) throw new SipParseError(`bad Via: ${value}`);
  return {
    transport: match[1].toUpperCase(),
    host: match[2],
    port: match[3] ? Number(match[3]) : undefined,
    params: parseParams(match[4] ?? ''),
  };
}

export function parseCSeq(value: string | undefined): { seq: number; method: string } {
  const match = /^(\d+)\s+([A-Za-z]+)$/.exec((value ?? '').trim());
  if (!match) throw new SipParseError(`bad CSeq: ${value}`);
  return { seq: Number(match[1]), method: match[2].toUpperCase() };
}

export const randomToken = (bytes = 8): string => randomBytes(bytes).toString('hex');
export const newBranch = (): string => `z9hG4bK${randomToken(10)}`;

/** Builds a response to a request (§8.2.6): Via, From, To, Call-ID and CSeq copied. */
export function responseTo(
  request: SipRequest,
  status: number,
  reason: string,
  options: { toTag?: string; headers?: Array<[string, string]>; body?: string } = {},
): SipResponse {
  const headers = new SipHeaders();
  for (const via of request.headers.all('via')) headers.add('via', via);
  headers.add('from', request.headers.get('from') ?? '');
  let to = request.headers.get('to') ?? '';
  if (options.toTag && !parseNameAddr(to).params.tag) to = `${to};tag=${options.toTag}`;
  headers.add('to', to);
  headers.add('call-id', request.headers.get('call-id') ?? '');
  headers.add('cseq', request.headers.get('cseq') ?? '');
  for (const [n, v] of options.headers ?? []) headers.add(n, v);
  return { kind: 'response', status, reason, headers, body: options.body ?? '' };
}

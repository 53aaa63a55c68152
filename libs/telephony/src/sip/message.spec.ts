import {
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  responseTo,
  serialize,
  SipHeaders,
  StreamFramer,
  trunkUri,
  uriTarget,
} from './message';

const INVITE = [
  'INVITE sip:+14155550100@carrier.test SIP/2.0',
  'v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa, SIP/2.0/UDP 10.0.0.2:5080;branch=z9hG4bKb;rport',
  'Record-Route: <sip:p1.test;lr>, <sip:p2.test;lr>',
  'f: "Sales, Inc" <sip:+14150000000@autocall.test>;tag=abc',
  't: <sip:+14155550100@carrier.test>',
  'i: 1234@autocall',
  'CSeq: 7 INVITE',
  'Subject: a folded',
  '  header',
  'l: 4',
  '',
  'v=0\r\nignored',
].join('\r\n');

describe('SIP messages', () => {
  it('parses a request: compact forms, header lists, folding, Content-Length', () => {
    const message = parseMessage(INVITE);
    expect(message.kind).toBe('request');
    if (message.kind !== 'request') return;
    expect(message.method).toBe('INVITE');
    expect(message.uri).toBe('sip:+14155550100@carrier.test');
    expect(message.headers.all('via')).toHaveLength(2);
    expect(message.headers.all('record-route')).toEqual(['<sip:p1.test;lr>', '<sip:p2.test;lr>']);
    expect(message.headers.get('from')).toBe('"Sales, Inc" <sip:+14150000000@autocall.test>;tag=abc');
    expect(message.headers.get('subject')).toBe('a folded header');
    expect(message.body).toBe('v=0\r');
    expect(parseCSeq(message.headers.get('cseq'))).toEqual({ seq: 7, method: 'INVITE' });
  });

  it('parses a response and round-trips it', () => {
    const text =
      'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nTo: <sip:a@b>;tag=9\r\nContent-Length: 0\r\n\r\n';
    const message = parseMessage(text);
    expect(message).toMatchObject({ kind: 'response', status: 180, reason: 'Ringing' });
    expect(parseMessage(serialize(message))).toEqual(message);
  });

  it('keeps the spelling of custom headers and sets Content-Length', () => {
    const headers = SipHeaders.of([
      ['X-AutoCall-Message', 'hello'],
      ['call-id', 'x'],
    ]);
    const text = serialize({ kind: 'request', method: 'OPTIONS', uri: 'sip:a@b', headers, body: 'é' });
    expect(text).toContain('X-AutoCall-Message: hello\r\nCall-ID: x\r\nContent-Length: 2\r\n\r\né');
  });

  it('rejects garbage', () => {
    expect(() => parseMessage('HELLO\r\n\r\n')).toThrow();
    expect(() => parseMessage('SIP/2.0 200 OK\r\nbroken\r\n\r\n')).toThrow();
  });

  it('reads name-addrs, URIs and Vias', () => {
    expect(parseNameAddr('"Bob" <sip:bob@h:5070;transport=udp>;tag=12')).toEqual({
      display: 'Bob',
      uri: 'sip:bob@h:5070;transport=udp',
      params: { tag: '12' },
    });
    expect(parseNameAddr('sip:bob@h;tag=3')).toEqual({ display: '', uri: 'sip:bob@h', params: { tag: '3' } });
    expect(parseUri('sip:+1415@127.0.0.1:25060;lr')).toMatchObject({
      user: '+1415',
      host: '127.0.0.1',
      port: 25060,
      params: { lr: '' },
    });
    expect(uriTarget('sip:pbx.test')).toEqual({ host: 'pbx.test', port: 5060, transport: 'udp' });
    expect(uriTarget('sip:a@h:1;maddr=10.0.0.9')).toEqual({ host: '10.0.0.9', port: 1, transport: 'udp' });
    // sips: and ;transport= choose the transport; the configured default applies otherwise.
    expect(uriTarget('sips:sbc.test')).toEqual({ host: 'sbc.test', port: 5061, transport: 'tls' });
    expect(uriTarget('sip:sbc.test;transport=TLS')).toEqual({ host: 'sbc.test', port: 5061, transport: 'tls' });
    expect(uriTarget('sip:sbc.test:5070;transport=tcp', 'tls')).toMatchObject({ port: 5070, transport: 'tcp' });
    expect(uriTarget('sip:sbc.test', 'tcp')).toEqual({ host: 'sbc.test', port: 5060, transport: 'tcp' });
    expect(uriTarget('sip:sbc.test;transport=sctp', 'tcp')).toMatchObject({ transport: 'tcp' });
    // A trunk's host, port and transport as a URI, and back.
    for (const trunk of [
      { host: 'sbc.test', port: 5061, transport: 'tls' as const },
      { host: '10.0.0.5', port: 5070, transport: 'tcp' as const },
      { host: '2001:db8::1', port: 5060, transport: 'udp' as const },
    ])
      expect(uriTarget(trunkUri(trunk), 'tcp')).toEqual(trunk);
    expect(trunkUri({ host: 'sbc.test', transport: 'tls' })).toBe('sip:sbc.test;transport=tls');
    expect(parseVia('SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bKq;rport')).toMatchObject({
      transport: 'UDP',
      host: '10.0.0.1',
      port: 5080,
      params: { branch: 'z9hG4bKq', rport: '' },
    });
  });

  it('frames messages out of a stream by Content-Length, whatever the chunks (RFC 3261 §18.3)', () => {
    const bye = 'BYE sip:a@h SIP/2.0\r\nCall-ID: 1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n';
    const ok = 'SIP/2.0 200 OK\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\nl: 5\r\n\r\nv=0\r\n';
    const stream = Buffer.from(`\r\n\r\n${bye}${ok}\r\n${bye}`);
    // Every way of cutting the stream in two gives the same three messages.
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new StreamFramer();
      const messages = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(messages.map((m) => m.toString())).toEqual([bye, ok, bye]);
    }
    const framer = new StreamFramer();
    expect(framer.push(Buffer.from(ok.slice(0, -2)))).toEqual([]);
    const [whole] = framer.push(Buffer.from('\r\n'));
    expect(parseMessage(whole)).toMatchObject({ kind: 'response', status: 200, body: 'v=0\r\n' });
    // A body longer than a message may be is refused rather than buffered for ever.
    expect(() => new StreamFramer(100).push(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 1000\r\n\r\n'))).toThrow(
      /body too long/,
    );
  });

  it('builds a response that copies Via, From, To (with a tag), Call-ID and CSeq', () => {
    const request = parseMessage(INVITE);
    if (request.kind !== 'request') throw new Error('not a request');
    const response = responseTo(request, 200, 'OK', { toTag: 'zz' });
    expect(response.headers.all('via')).toHaveLength(2);
    expect(response.headers.get('to')).toBe('<sip:+14155550100@carrier.test>;tag=zz');
    expect(response.headers.get('cseq')).toBe('7 INVITE');
  });
});

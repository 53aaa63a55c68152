import {
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  responseTo,
  serialize,
  SipHeaders,
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
    expect(uriTarget('sip:pbx.test')).toEqual({ host: 'pbx.test', port: 5060 });
    expect(uriTarget('sip:a@h:1;maddr=10.0.0.9')).toEqual({ host: '10.0.0.9', port: 1 });
    expect(parseVia('SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bKq;rport')).toMatchObject({
      transport: 'UDP',
      host: '10.0.0.1',
      port: 5080,
      params: { branch: 'z9hG4bKq', rport: '' },
    });
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

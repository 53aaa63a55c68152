import { createHash } from 'node:crypto';
import { digestAuthorization, parseChallenge } from './digest';

describe('digest authentication', () => {
  it('parses a challenge', () => {
    expect(
      parseChallenge('Digest realm="carrier.test", nonce="abc", qop="auth,auth-int", opaque="o", stale=TRUE'),
    ).toEqual({
      realm: 'carrier.test',
      nonce: 'abc',
      opaque: 'o',
      algorithm: 'MD5',
      qop: ['auth', 'auth-int'],
      stale: true,
    });
    expect(parseChallenge('Basic realm="x"')).toBeNull();
    expect(parseChallenge(undefined)).toBeNull();
  });

  it('computes the RFC 2617 example (MD5, qop=auth)', () => {
    const challenge = parseChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    )!;
    const value = digestAuthorization(
      challenge,
      { username: 'Mufasa', password: 'Circle Of Life' },
      'GET',
      '/dir/index.html',
      {
        cnonce: '0a4f113b',
        nc: 1,
      },
    );
    expect(value).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(value).toContain('qop=auth, nc=00000001, cnonce="0a4f113b"');
    expect(value).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it('computes the no-qop form (RFC 2069)', () => {
    const challenge = parseChallenge('Digest realm="r", nonce="n"')!;
    const value = digestAuthorization(challenge, { username: 'u', password: 'p' }, 'INVITE', 'sip:x@y');
    // MD5(MD5(u:r:p):n:MD5(INVITE:sip:x@y))
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    expect(value).toContain(`response="${md5(`${md5('u:r:p')}:n:${md5('INVITE:sip:x@y')}`)}"`);
    expect(value).not.toContain('qop=');
  });
});

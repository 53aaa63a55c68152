/**
 * HTTP digest authentication as SIP uses it (RFC 3261 §22, RFC 2617, RFC 8760): answering a
 * 401 WWW-Authenticate or 407 Proxy-Authenticate challenge. MD5 and SHA-256 (and their -sess
 * variants), qop "auth" or none.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: string;
  qop: string[];
  stale: boolean;
}

/** Parses `Digest realm="x", nonce="y", qop="auth,auth-int"`; null when it is not a digest. */
export function parseChallenge(header: string | undefined): DigestChallenge | null {
  if (!header) return null;
  const match = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(match[1]); m; m = re.exec(match[1])) {
    params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  if (params.realm === undefined || !params.nonce) return null;
  return {
    realm: params.realm,
    nonce: params.nonce,
    opaque: params.opaque,
    algorithm: params.algorithm ?? 'MD5',
    qop: (params.qop ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter(Boolean),
    stale: (params.stale ?? '').toLowerCase() === 'true',
  };
}

export interface DigestCredentials {
  username: string;
  password: string;
}

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

export function supportsAlgorithm(challenge: DigestChallenge): boolean {
  return HASHES[challenge.algorithm.toUpperCase().replace(/-SESS$/, '')] !== undefined;
}

/** The Authorization / Proxy-Authorization value answering `challenge` for `method uri`. */
export function digestAuthorization(
  challenge: DigestChallenge,
  credentials: DigestCredentials,
  method: string,
  uri: string,
  options: { cnonce?: string; nc?: number } = {},
): string {
  const algorithm = challenge.algorithm.toUpperCase();
  const base = algorithm.replace(/-SESS$/, '');
  const hashName = HASHES[base];
  if (!hashName) throw new Error(`unsupported digest algorithm ${challenge.algorithm}`);
  const h = (s: string) => createHash(hashName).update(s).digest('hex');
  const cnonce = options.cnonce ?? randomBytes(8).toString('hex');
  const nc = (options.nc ?? 1).toString(16).padStart(8, '0');
  const qop = challenge.qop.includes('auth') ? 'auth' : undefined;
  let ha1 = h(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  if (algorithm.endsWith('-SESS')) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const response = qop
    ? h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : h(`${ha1}:${challenge.nonce}:${ha2}`);
  const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  const parts = [
    `username=${quote(credentials.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`,
    `response=${quote(response)}`,
    `algorithm=${challenge.algorithm}`,
  ];
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}

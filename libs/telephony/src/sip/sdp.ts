/**
 * The little SDP AutoCall needs for third-party call control (RFC 3725): a held offer for the
 * callee before an agent is bridged (no media: connection 0.0.0.0, inactive), the origin line
 * rewritten when another party's SDP is passed on within a session AutoCall started, and a
 * rejecting answer (every stream port 0) for an offer that cannot be used any more.
 */
export function heldOffer(session: string, version: number, address: string): string {
  return [
    'v=0',
    `o=autocall ${session} ${version} IN IP4 ${address}`,
    's=AutoCall',
    'c=IN IP4 0.0.0.0',
    't=0 0',
    'm=audio 9 RTP/AVP 0 8 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=inactive',
    '',
  ].join('\r\n');
}

/** The same SDP with AutoCall's origin line (session and version) for this leg. */
export function withOrigin(sdp: string, session: string, version: number, address: string): string {
  const lines = sdp.split(/\r?\n/);
  const origin = `o=autocall ${session} ${version} IN IP4 ${address}`;
  const index = lines.findIndex((l) => l.startsWith('o='));
  if (index === -1) lines.splice(1, 0, origin);
  else lines[index] = origin;
  return lines.join('\r\n');
}

/** An answer refusing every stream of `offer` (port 0), to close an offer/answer exchange. */
export function rejectingAnswer(offer: string, session: string, address: string): string {
  const media = offer
    .split(/\r?\n/)
    .filter((l) => l.startsWith('m='))
    .map((l) => l.replace(/^m=(\S+)\s+\d+/, 'm=$1 0'));
  return [
    'v=0',
    `o=autocall ${session} 1 IN IP4 ${address}`,
    's=AutoCall',
    'c=IN IP4 0.0.0.0',
    't=0 0',
    ...(media.length ? media : ['m=audio 0 RTP/AVP 0']),
    '',
  ].join('\r\n');
}

export const hasSdp = (body: string): boolean => /^v=0/m.test(body) && /^m=/m.test(body);

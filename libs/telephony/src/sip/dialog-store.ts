/**
 * What another worker needs to end one leg of a call on the network when the worker holding it
 * dies: the dialog (RFC 3261 §12: Call-ID, local and remote tags and URIs, remote target, route
 * set, local CSeq) once the leg is answered, and the INVITE's transaction (its Via, CSeq and
 * Route, and where it was sent) before, for a CANCEL (§9.1). Taking the call over with its media
 * is not the point: the callee and the agent are hung up, not left in silence.
 */
export type SipLegRole = 'customer' | 'agent' | 'announcement';

export interface SipDialogRecord {
  /** AutoCall's call (contact) id. */
  callId: string;
  leg: SipLegRole;
  /** calling: INVITE sent, no answer (ended by CANCEL); confirmed: answered (ended by BYE). */
  state: 'calling' | 'confirmed';
  sipCallId: string;
  localTag: string;
  localUri: string;
  localDisplay: string | null;
  remoteUri: string;
  remoteTag: string | null;
  remoteTarget: string | null;
  routeSet: string[];
  /** The last CSeq this side used in the dialog. */
  cseq: number;
  inviteVia: string;
  inviteCseq: number;
  inviteRoutes: string[];
  /** Where the INVITE went: `transport:host:port`. */
  nextHop: string;
}

/**
 * Durable storage of the dialogs of the calls a worker holds (PostgreSQL in the worker). Writes
 * are idempotent (the whole record each time); the adapter writes each leg's changes in order.
 */
export interface SipDialogStore {
  save(record: SipDialogRecord): Promise<void>;
  /** The leg ended (or, without `leg`, every leg of the call). */
  remove(callId: string, leg?: SipLegRole): Promise<void>;
  /** Every leg stored for a call (a dead worker's). */
  load(callId: string): Promise<SipDialogRecord[]>;
}

/** `transport:host:port` of a destination (the host may be an IPv6 address). */
export function formatHop(destination: { host: string; port: number; transport?: string }): string {
  return `${destination.transport ?? 'udp'}:${destination.host}:${destination.port}`;
}

export function parseHop(hop: string): { host: string; port: number; transport: 'udp' | 'tcp' | 'tls' } {
  const first = hop.indexOf(':');
  const last = hop.lastIndexOf(':');
  const transport = hop.slice(0, first);
  return {
    transport: transport === 'tcp' || transport === 'tls' ? transport : 'udp',
    host: hop.slice(first + 1, last),
    port: Number(hop.slice(last + 1)),
  };
}

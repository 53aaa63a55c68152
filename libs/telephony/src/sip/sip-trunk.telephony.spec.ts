import { createSocket, Socket } from 'node:dgram';
import { once } from 'node:events';
import { TelephonyEvent } from '../telephony.port';
import { parseMessage, responseTo, serialize, SipRequest } from './message';
import { SipTrunkTelephony, TrunkRestBoard } from './sip-trunk.telephony';

/**
 * A fake trunk: callees (+…) ring and answer, but +1555503… get 503 with Retry-After: 1; agents
 * ring for ever; CANCEL gets 200 + 487.
 */
async function fakeTrunk(): Promise<{ socket: Socket; port: number; requests: SipRequest[] }> {
  const socket = createSocket('udp4');
  const requests: SipRequest[] = [];
  const invites = new Map<string, SipRequest>();
  socket.on('message', (data, remote) => {
    const message = parseMessage(data);
    if (message.kind !== 'request') return;
    requests.push(message);
    const send = (status: number, reason: string, request = message, body = '') =>
      socket.send(
        serialize(
          responseTo(request, status, reason, {
            toTag: 'uas1',
            headers: [['contact', `<sip:uas@127.0.0.1:${port}>`]],
            body,
          }),
        ),
        remote.port,
        remote.address,
      );
    if (message.method === 'INVITE') {
      invites.set(message.headers.get('call-id')!, message);
      if (message.uri.startsWith('sip:+1555503')) {
        socket.send(
          serialize(
            responseTo(message, 503, 'Service Unavailable', { toTag: 'uas1', headers: [['retry-after', '1']] }),
          ),
          remote.port,
          remote.address,
        );
        return;
      }
      send(180, 'Ringing');
      if (message.uri.startsWith('sip:+')) send(200, 'OK', message, 'v=0\r\nm=audio 4000 RTP/AVP 0\r\n');
    } else if (message.method === 'CANCEL') {
      send(200, 'OK');
      send(487, 'Request Terminated', invites.get(message.headers.get('call-id')!)!);
    } else if (message.method === 'BYE') send(200, 'OK');
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const port = socket.address().port;
  return { socket, port, requests };
}

/** An adapter whose outbound proxy is the fake trunk, with short timers. */
const adapterFor = (port: number, maxCallSeconds: number, rests?: TrunkRestBoard) =>
  new SipTrunkTelephony(
    {
      outboundProxy: `sip:127.0.0.1:${port}`,
      localAddress: '127.0.0.1',
      localPort: 0,
      domain: 'trunk.test',
      callerId: 'autocall',
      agentRingTimeoutSeconds: 0.3,
      cancelGuardSeconds: 0.5,
      maxCallSeconds,
      t1Ms: 50,
    },
    undefined,
    rests,
  );

/** The rest board of workers in one process (Redis's channel in a deployment). */
function sharedRests(): TrunkRestBoard {
  const listeners = new Set<(trunkKey: string, restMs: number) => void>();
  return {
    announce: (trunkKey, restMs) => listeners.forEach((listener) => listener(trunkKey, restMs)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

describe('SipTrunkTelephony against a fake trunk', () => {
  it('is idempotent per callId, fails an agent that never answers, and hangs up at the maximum call length', async () => {
    const trunk = await fakeTrunk();
    const adapter = adapterFor(trunk.port, 1.2);
    await adapter.start();
    const events: TelephonyEvent[] = [];
    adapter.onEvent((event) => {
      events.push(event);
      if (event.type === 'answered') void adapter.connectToAgent('c1', 'sip:agent@agents.test');
    });
    try {
      const request = {
        callId: 'c1',
        tenantId: 't',
        to: '+14155550100',
        from: null,
        ringTimeoutSeconds: 15,
        attempt: 1,
      };
      await adapter.originate(request);
      await adapter.originate(request);
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      expect(events.map((e) => e.type)).toEqual(['ringing', 'answered', 'agent_failed', 'ended']);
      expect(events[2]).toMatchObject({ agentEndpoint: 'sip:agent@agents.test', sipCode: 408 });
      expect(events[3]).toMatchObject({ cause: 'normal_clearing', sipCode: 200 });
      const methods = trunk.requests.map((r) => `${r.method} ${r.uri.replace(/@.*/, '')}`);
      // One INVITE transaction for the two originates (a retransmission of it, when this loaded
      // process answers after T1, carries the same Call-ID and CSeq).
      const calleeInvites = trunk.requests.filter((r) => r.method === 'INVITE' && r.uri.startsWith('sip:+14155550100'));
      expect(new Set(calleeInvites.map((r) => `${r.headers.get('call-id')} ${r.headers.get('cseq')}`)).size).toBe(1);
      // The agent's INVITE carried no SDP (late offer); it was CANCELled at its ring timeout.
      const agentInvite = trunk.requests.find((r) => r.method === 'INVITE' && r.uri.startsWith('sip:agent'))!;
      expect(agentInvite.body).toBe('');
      expect(methods).toContain('CANCEL sip:agent');
      expect(methods).toContain('BYE sip:uas');
      // The callee's INVITE offered held media.
      const calleeInvite = trunk.requests.find((r) => r.method === 'INVITE' && r.uri.startsWith('sip:+'))!;
      expect(calleeInvite.body).toMatch(/c=IN IP4 0\.0\.0\.0[\s\S]*a=inactive/);
      expect(adapter.liveCalls()).toEqual([]);
    } finally {
      adapter.shutdown();
      trunk.socket.close();
    }
  });

  it('sends no INVITE on a trunk that answered 503 until its Retry-After has passed: the dials held back end as the trunk’s', async () => {
    const trunk = await fakeTrunk();
    const adapter = adapterFor(trunk.port, 5);
    await adapter.start();
    const ended: TelephonyEvent[] = [];
    adapter.onEvent((event) => {
      if (event.type === 'ended') ended.push(event);
    });
    const dial = (callId: string, to: string) =>
      adapter.originate({ callId, tenantId: 't', to, from: null, ringTimeoutSeconds: 15, attempt: 1 });
    const until = async (count: number) => {
      while (ended.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    try {
      await dial('refused', '+15555030001');
      await until(1);
      expect(ended[0]).toMatchObject({
        callId: 'refused',
        cause: 'trunk_overloaded',
        sipCode: 503,
        retryAfterSeconds: 1,
      });
      // Chosen while the trunk rests: held back, never on the wire.
      await dial('held', '+14155550101');
      await until(2);
      expect(ended[1]).toMatchObject({ callId: 'held', cause: 'trunk_overloaded', sipCode: 503 });
      const left = (ended[1] as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(1);
      const invitesTo = (n: string) => trunk.requests.filter((r) => r.method === 'INVITE' && r.uri.includes(n));
      expect(invitesTo('+14155550101')).toHaveLength(0);
      // Once the rest is over, dials leave again.
      await new Promise((resolve) => setTimeout(resolve, left * 1_000 + 50));
      await dial('after', '+14155550102');
      while (invitesTo('+14155550102').length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await adapter.hangUp('after');
    } finally {
      await adapter.shutdown(0);
      trunk.socket.close();
    }
  });
  it('rests the trunk in every worker’s adapter when one of them reads its 503', async () => {
    const trunk = await fakeTrunk();
    const rests = sharedRests();
    const [reader, other] = [adapterFor(trunk.port, 5, rests), adapterFor(trunk.port, 5, rests)];
    await Promise.all([reader.start(), other.start()]);
    const ended: TelephonyEvent[] = [];
    for (const adapter of [reader, other])
      adapter.onEvent((event) => {
        if (event.type === 'ended') ended.push(event);
      });
    const until = async (count: number) => {
      while (ended.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const dial = (adapter: SipTrunkTelephony, callId: string, to: string) =>
      adapter.originate({ callId, tenantId: 't', to, from: null, ringTimeoutSeconds: 15, attempt: 1 });
    try {
      await dial(reader, 'refused', '+15555030001');
      await until(1);
      expect(ended[0]).toMatchObject({ callId: 'refused', cause: 'trunk_overloaded', sipCode: 503 });
      // The other worker chose this dial before PostgreSQL knew of the 503: held back all the same.
      await dial(other, 'chosen-before', '+14155550103');
      await until(2);
      expect(ended[1]).toMatchObject({ callId: 'chosen-before', cause: 'trunk_overloaded', sipCode: 503 });
      expect(trunk.requests.filter((r) => r.method === 'INVITE' && r.uri.includes('+14155550103'))).toHaveLength(0);
    } finally {
      await Promise.all([reader.shutdown(0), other.shutdown(0)]);
      trunk.socket.close();
    }
  });
});

import { createSocket, Socket } from 'node:dgram';
import { once } from 'node:events';
import { TelephonyEvent } from '../telephony.port';
import { parseMessage, responseTo, serialize, SipRequest } from './message';
import { SipTrunkTelephony } from './sip-trunk.telephony';

/** A fake trunk: callees (+…) ring and answer; agents ring for ever; CANCEL gets 200 + 487. */
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

describe('SipTrunkTelephony against a fake trunk', () => {
  it('is idempotent per callId, fails an agent that never answers, and hangs up at the maximum call length', async () => {
    const trunk = await fakeTrunk();
    const adapter = new SipTrunkTelephony({
      outboundProxy: `sip:127.0.0.1:${trunk.port}`,
      localAddress: '127.0.0.1',
      localPort: 0,
      domain: 'trunk.test',
      callerId: 'autocall',
      agentRingTimeoutSeconds: 0.3,
      cancelGuardSeconds: 0.5,
      maxCallSeconds: 1.2,
      t1Ms: 50,
    });
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
      expect(methods.filter((m) => m === 'INVITE sip:+14155550100')).toHaveLength(1);
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
});

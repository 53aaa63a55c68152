import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  SipDialogRecord,
  SipDialogStore,
  SipTrunkSettings,
  SipTrunkTelephony,
  TelephonyEvent,
} from '../../libs/telephony/src';
import { waitFor } from '../support/processes';
import { freeTcpPort, Kamailio, makeCertificate, numberFor, Sipp } from '../support/sip-lab';

/**
 * SIP over TCP and TLS (RFC 3261 §18) between AutoCall's SIP adapter and Kamailio's tcp and tls
 * listeners (Debian's kamailio-tls-modules), with a certificate this suite makes with openssl.
 * Kamailio relays to the SIPp callees over UDP (SIPp is not built with TLS here): what is under
 * test is the trunk side. Each case checks the adapter's events and SIPp's own verdict (every
 * message it expected came, our BYE included); the callee's own BYE reaches AutoCall back over
 * the connection AutoCall opened (connection reuse: AutoCall has no listening TCP socket).
 */
describe('SIP over TCP and TLS through Kamailio', () => {
  let dir: string;
  let kamailio: Kamailio;
  let ca: string;
  const adapters: SipTrunkTelephony[] = [];
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'autocall-tls-'));
    const certificate = makeCertificate(dir);
    ca = readFileSync(certificate.certificate, 'utf8');
    kamailio = await Kamailio.start({ tcp: true, tls: certificate });
  }, 30_000);

  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.shutdown(0)));
    await Promise.all(sipps.map((s) => s.stop()));
    await kamailio?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const baseSettings: SipTrunkSettings = {
    localAddress: '127.0.0.1',
    localPort: 0,
    domain: '127.0.0.1',
    callerId: '+14150000000',
    agentRingTimeoutSeconds: 5,
    cancelGuardSeconds: 4,
    maxCallSeconds: 60,
  };

  const adapter = async (settings: Partial<SipTrunkSettings>) => {
    const sip = new SipTrunkTelephony({ ...baseSettings, trace: process.env.SIP_TRACE === 'true', ...settings });
    adapters.push(sip);
    await sip.start();
    const events: TelephonyEvent[] = [];
    sip.onEvent((event) => void events.push(event));
    const of = (callId: string, type: string) => events.find((e) => e.callId === callId && e.type === type);
    return { sip, events, of };
  };

  const callee = async (scenario: string) => {
    const sipp = await Sipp.start(scenario);
    sipps.push(sipp);
    return sipp;
  };
  const sippPassed = async (sipp: Sipp) => {
    const code = await sipp.finished(20_000);
    if (code !== 0) throw new Error(`sipp exited ${code}\n${sipp.report()}`);
  };

  const dial = (sip: SipTrunkTelephony, callId: string, to: string) =>
    sip.originate({ callId, tenantId: 't', to, from: null, ringTimeoutSeconds: 15, attempt: 1 });

  it('TLS (sips: trunk, its CA given): a call is placed, answered and ended by AutoCall (BYE over TLS)', async () => {
    const { sip, of } = await adapter({ outboundProxy: kamailio.tlsUri, tls: { verify: true, ca } });
    const sipp = await callee('callee-answer-wait-bye.xml');
    await dial(sip, 'tls-1', numberFor(sipp.port));
    await waitFor('the call answered', async () => of('tls-1', 'answered'), 10_000, 50);
    await sip.hangUp('tls-1');
    await waitFor('the call ended', async () => of('tls-1', 'ended'), 10_000, 50);
    expect(of('tls-1', 'ended')).toMatchObject({ cause: 'normal_clearing', sipCode: 200 });
    await sippPassed(sipp);
    // Kamailio received the INVITE over TLS and record-routed both sides of it.
    expect(sipp.messages()).toMatch(/Record-Route: <sip:127\.0\.0\.1:\d+;transport=tls;r2=on;lr/);
    expect(sipp.messages()).toMatch(/Via: SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;received=127\.0\.0\.1;branch=/);
  });

  it('TLS: the callee hangs up; its BYE comes back over the connection AutoCall opened', async () => {
    const { sip, of } = await adapter({ outboundProxy: kamailio.tlsUri, tls: { verify: true, ca } });
    const sipp = await callee('callee-answer-hangs-up.xml');
    await dial(sip, 'tls-2', numberFor(sipp.port));
    await waitFor('the call ended', async () => of('tls-2', 'ended'), 15_000, 50);
    expect(of('tls-2', 'answered')).toBeTruthy();
    expect(of('tls-2', 'ended')).toMatchObject({ cause: 'normal_clearing', sipCode: 200 });
    await sippPassed(sipp);
  });

  it('TLS: a certificate AutoCall cannot verify is refused (local 503, against the trunk); accepted with verification off', async () => {
    const strict = await adapter({ outboundProxy: kamailio.tlsUri, tls: { verify: true } });
    await dial(strict.sip, 'tls-refused', numberFor(1, 1));
    await waitFor('the call ended', async () => strict.of('tls-refused', 'ended'), 10_000, 50);
    // The trunk could not carry the call, the number was never reached: it counts against the
    // trunk (issue 19, item 3), not as the number being unreachable.
    expect(strict.of('tls-refused', 'ended')).toMatchObject({ cause: 'trunk_overloaded', sipCode: 503 });
    expect(strict.of('tls-refused', 'ringing')).toBeUndefined();
    expect(strict.sip.transportProblem()).toMatch(/TLS certificate was not verified \(DEPTH_ZERO_SELF_SIGNED_CERT/);

    const lax = await adapter({ outboundProxy: kamailio.tlsUri, tls: { verify: false } });
    const sipp = await callee('callee-answer-wait-bye.xml');
    await dial(lax.sip, 'tls-unverified', numberFor(sipp.port));
    await waitFor('the call answered', async () => lax.of('tls-unverified', 'answered'), 10_000, 50);
    await lax.sip.hangUp('tls-unverified');
    await sippPassed(sipp);
    expect(lax.sip.transportProblem()).toBeNull();
  });

  it('trunk health by OPTIONS: up when Kamailio answers over TLS; down, with why, when its certificate is refused', async () => {
    const verified = await adapter({
      outboundProxy: kamailio.tlsUri,
      tls: { verify: true, ca },
      optionsIntervalSeconds: 60,
    });
    const refused = await adapter({
      outboundProxy: kamailio.tlsUri,
      tls: { verify: true },
      optionsIntervalSeconds: 60,
    });
    const answered = async (sip: SipTrunkTelephony) => sip.trunkHealth().checkedAt !== null;
    await waitFor('the first OPTIONS answered', () => answered(verified.sip), 10_000, 50);
    await waitFor('the first OPTIONS refused', () => answered(refused.sip), 10_000, 50);
    expect(verified.sip.trunkHealth()).toMatchObject({ up: true, error: null });
    expect(refused.sip.trunkHealth()).toMatchObject({ up: false });
    expect(refused.sip.trunkHealth().error).toMatch(/^503 .*TLS certificate was not verified/);
  });

  it('a tenant trunk pinged at its own target and transport: up where Kamailio answers, down (and why) where nothing listens', async () => {
    // The default trunk points elsewhere: a tenant trunk's OPTIONS goes to the trunk itself.
    const { sip } = await adapter({ outboundProxy: 'sip:127.0.0.1:9;transport=tcp' });
    const closed = await freeTcpPort();
    const [up, down] = await Promise.all([
      sip.probeTrunk({ target: `127.0.0.1:${kamailio.streams.tcpPort}`, transport: 'tcp' }),
      sip.probeTrunk({ target: `127.0.0.1:${closed}`, transport: 'tcp' }),
    ]);
    expect(up).toMatchObject({ up: true, error: null });
    expect(down.up).toBe(false);
    expect(down.error).toMatch(/^503 /);
  });

  it("a lost worker's unanswered call: another adapter CANCELs it from the stored dialog", async () => {
    // The dialog store of the worker (PostgreSQL there), in memory here.
    const rows = new Map<string, SipDialogRecord>();
    const store: SipDialogStore = {
      save: async (r) => void rows.set(`${r.callId}:${r.leg}`, r),
      remove: async (callId, leg) => {
        for (const key of [...rows.keys()])
          if (key === `${callId}:${leg}` || (!leg && key.startsWith(`${callId}:`))) rows.delete(key);
      },
      load: async (callId) => [...rows.values()].filter((r) => r.callId === callId),
    };
    const tls = { verify: true, ca };
    const dead = new SipTrunkTelephony(
      { ...baseSettings, outboundProxy: kamailio.tlsUri, tls, trace: process.env.SIP_TRACE === 'true' },
      store,
    );
    adapters.push(dead);
    await dead.start();
    const events: TelephonyEvent[] = [];
    dead.onEvent((event) => void events.push(event));
    const sipp = await callee('callee-ring-noanswer.xml');
    await dial(dead, 'lost-1', numberFor(sipp.port));
    await waitFor('ringing', async () => events.find((e) => e.type === 'ringing'), 10_000, 50);
    expect([...rows.values()]).toMatchObject([{ leg: 'customer', state: 'calling', inviteCseq: 1 }]);
    // The worker dies: its sockets close, nothing more is sent.
    dead.stack.close();

    const survivor = new SipTrunkTelephony({ ...baseSettings, outboundProxy: kamailio.tlsUri, tls }, store);
    adapters.push(survivor);
    await survivor.start();
    expect(await survivor.endLostCall('lost-1')).toBe(1);
    // SIPp got the CANCEL (through Kamailio, which matched it to the INVITE), answered 200 and 487,
    // and got the ACK of its 487 from Kamailio: its scenario completed.
    await sippPassed(sipp);
    expect(rows.size).toBe(0);
  });

  it('TCP (SIP_TRANSPORT=tcp, a trunk URI that names no transport): placed, answered, ended', async () => {
    const { sip, of } = await adapter({
      outboundProxy: `sip:127.0.0.1:${kamailio.streams.tcpPort}`,
      transport: 'tcp',
    });
    const sipp = await callee('callee-answer-hangs-up.xml');
    await dial(sip, 'tcp-1', numberFor(sipp.port));
    await waitFor('the call ended', async () => of('tcp-1', 'ended'), 15_000, 50);
    expect(of('tcp-1', 'answered')).toBeTruthy();
    await sippPassed(sipp);
    expect(sipp.messages()).toMatch(/Via: SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;received=127\.0\.0\.1;branch=/);
  });
});

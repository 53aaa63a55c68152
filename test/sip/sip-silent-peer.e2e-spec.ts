import { EngineHarness } from '../support/engine-harness';
import { SilentPeer } from '../support/sip-lab';
import { at, SipEngine, sipEnv, statuses } from './sip-engine';

/**
 * The adapter survives a silent peer: its trunk is a UDP port that takes every datagram and
 * answers none (or only 100 Trying). Its own timers end each contact, free the line, and leave
 * no call open. T1 is 100 ms here (RFC 3261 allows a smaller T1 on a known fast network), so
 * Timer B gives up after 6.4 s; the guard after CANCEL is 4 s.
 */
describe('SIP trunk: a silent peer', () => {
  let peer: SilentPeer;
  let engine: EngineHarness;
  let sip: SipEngine;

  beforeAll(async () => {
    peer = await SilentPeer.start();
    peer.tryingOnlyFor(/^sip:\+1415\d{5}01@/);
    // A peer that answers nothing answers no OPTIONS either: no pings, or the worker is never ready.
    engine = await EngineHarness.start(
      'sip_silent',
      sipEnv(peer.uri, { SIP_T1_MS: '100', SIP_OPTIONS_INTERVAL_SECONDS: '0' }),
    );
    sip = new SipEngine(engine, await engine.api.createTenant('sip-silent', 5));
    // No answer at all counts against the trunk, not the number (issue 19): one such return ends
    // the target here, rather than after the default five.
    await engine.http().put('/v1/settings').set(sip.admin()).send({ maxTrunkReturns: 1 }).expect(200);
    await engine
      .http()
      .put('/v1/agents/away')
      .set(sip.admin())
      .send({ name: 'Away', skills: ['sales'], endpoint: 'sip:away@127.0.0.1:9' })
      .expect(201);
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    peer?.close();
  });

  it('no response at all ends the contact against the trunk (Timer B); only 100 Trying ends it at the CANCEL guard', async () => {
    // Both at once: the second rings out its 15 s while the first waits for Timer B.
    const silent = await sip.submit(['+14152000000']);
    const trying = await sip.submit(['+14152000001']);

    const first = await sip.onlyContact(silent.id, 15_000);
    expect(first).toMatchObject({
      cause: 'trunk_overloaded',
      sipCode: 408,
      target: { status: 'failed', reason: 'trunk_unavailable' },
    });
    expect(statuses(first)).toEqual(['dialing', 'ended']);
    const gaveUpAfter = at(first, 'ended') - at(first, 'dialing');
    expect(gaveUpAfter).toBeGreaterThanOrEqual(6_000);
    expect(gaveUpAfter).toBeLessThan(9_000);
    // Timer A: the INVITE was retransmitted (100, 200, 400, 800, 1600, 3200 ms) on one branch.
    const invites = peer.received.filter((m) => m.startsWith('INVITE sip:+14152000000@'));
    expect(invites.length).toBeGreaterThanOrEqual(6);
    expect(new Set(invites.map((m) => /branch=([^;\r\n]+)/.exec(m)![1])).size).toBe(1);
    // No CANCEL without a provisional response (RFC 3261 §9.1).
    expect(peer.received.some((m) => m.startsWith('CANCEL sip:+14152000000@'))).toBe(false);

    const second = await sip.onlyContact(trying.id, 30_000);
    expect(second).toMatchObject({ cause: 'no_answer', sipCode: 487, target: { status: 'no_answer' } });
    const lasted = at(second, 'ended') - at(second, 'dialing');
    // Ring timeout (15 s), then the guard after CANCEL (4 s).
    expect(lasted).toBeGreaterThanOrEqual(18_500);
    expect(lasted).toBeLessThan(22_000);
    expect(peer.received.filter((m) => m.startsWith('CANCEL sip:+14152000001@')).length).toBeGreaterThanOrEqual(2);

    await sip.expectLinesFree();
    const live = await engine
      .http()
      .get('/v1/contacts?status=dialing,ringing,answered,waiting,connected')
      .set(sip.admin());
    expect(live.body.items).toHaveLength(0);
  }, 60_000);
});

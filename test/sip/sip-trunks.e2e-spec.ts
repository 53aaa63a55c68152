import { Client } from 'pg';
import { EngineHarness } from '../support/engine-harness';
import { Kamailio, numberFor, Sipp } from '../support/sip-lab';
import { SipEngine, sipEnv } from './sip-engine';

/** A message SIPp logged (-trace_msg): when, whether received, and the message. */
interface Logged {
  at: number;
  received: boolean;
  text: string;
}

function logged(messages: string): Logged[] {
  return messages
    .split(/^-{10,} /m)
    .slice(1)
    .map((block) => {
      const [stamp, direction, ...rest] = block.split('\n');
      const [date, time] = stamp.trim().split(/\s+/);
      return {
        at: Date.parse(`${date}T${time.slice(0, 12)}Z`),
        received: /received/.test(direction),
        text: rest.join('\n').trim(),
      };
    });
}

const callIdOf = (text: string) => /^Call-ID:\s*(\S+)/im.exec(text)?.[1] ?? '';

/** Each new INVITE a SIPp received (the first of its Call-ID: retransmissions are not new calls). */
function newInvites(messages: Logged[]): { at: number; callId: string }[] {
  const seen = new Set<string>();
  const invites: { at: number; callId: string }[] = [];
  for (const m of messages.filter((m) => m.received && m.text.startsWith('INVITE ')).sort((a, b) => a.at - b.at)) {
    const callId = callIdOf(m.text);
    if (seen.has(callId)) continue;
    seen.add(callId);
    invites.push({ at: m.at, callId });
  }
  return invites;
}

/** The most instants in any sliding second. */
const peakPerSecond = (instants: number[]) =>
  Math.max(0, ...instants.map((from) => instants.filter((t) => t >= from && t < from + 1_000).length));

/**
 * Trunks through Kamailio to SIPp carriers, two workers: a trunk limited to 5 calls per second
 * never receives more than 5 new INVITEs in any sliding second (counted from SIPp's message log),
 * and a carrier that answers 503 with Retry-After: 2 gets no new INVITE for 2 s while the dials
 * fail over to the second trunk, charging no target an attempt.
 */
describe('SIP trunk: trunks, call rates and overload through Kamailio', () => {
  let kamailio: Kamailio;
  let engine: EngineHarness;
  let db: Client;
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    kamailio = await Kamailio.start();
    engine = await EngineHarness.start('sip_trunks', sipEnv(kamailio.uri), 2);
    db = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await db.connect();
  }, 90_000);

  afterAll(async () => {
    await db?.end();
    await Promise.all(sipps.map((s) => s.stop()));
    await engine?.stop();
    await kamailio?.stop();
  });

  const sipp = async (scenario: string, calls: number) => {
    const started = await Sipp.start(scenario, { calls });
    sipps.push(started);
    return started;
  };
  const sippPassed = async (s: Sipp, timeoutMs = 30_000) => {
    const code = await s.finished(timeoutMs);
    if (code !== 0) throw new Error(`sipp exited ${code}\n${s.report()}`);
  };

  async function tenantWithTrunks(name: string, trunks: object[]): Promise<SipEngine> {
    const tenant = await engine.api.createTenant(name, 30);
    const sip = new SipEngine(engine, tenant);
    await engine
      .http()
      .put('/v1/agents/away')
      .set(sip.admin())
      .send({ name: 'Away', skills: ['sales'], endpoint: 'sip:away@127.0.0.1:9' })
      .expect(201);
    await engine.http().put('/v1/settings').set(sip.admin()).send({ maxTrunkReturns: 50 }).expect(200);
    for (const trunk of trunks) await engine.http().post('/v1/trunks').set(sip.admin()).send(trunk).expect(201);
    return sip;
  }

  it('a trunk of 5 calls per second never receives more than 5 new INVITEs in a sliding second (200 targets)', async () => {
    // Three callees (a number names its SIPp's port and one of 100 indexes; 77 is left out, which
    // Kamailio challenges: its INVITE would reach the callee a round trip late), busy at once.
    const callees = [
      await sipp('callee-busy.xml', 67),
      await sipp('callee-busy.xml', 67),
      await sipp('callee-busy.xml', 66),
    ];
    const sip = await tenantWithTrunks('five-cps', [
      { name: 'five', target: `127.0.0.1:${kamailio.port}`, channels: 30, callsPerSecond: 5 },
    ]);
    const targets = callees.flatMap((c, k) => Array.from({ length: k < 2 ? 67 : 66 }, (_, i) => numberFor(c.port, i)));
    const autocall = await sip.submit(targets);
    await engine.finished(sip.tenant, autocall.id, 120_000);
    for (const c of callees) await sippPassed(c);

    const invites = callees.flatMap((c) => newInvites(logged(c.messages())));
    expect(invites).toHaveLength(200);
    expect(peakPerSecond(invites.map((i) => i.at))).toBeLessThanOrEqual(5);
    const statuses = new Set((await sip.targets(autocall.id)).map((t) => t.status));
    expect([...statuses]).toEqual(['busy']);
  }, 180_000);

  it('a carrier answering 503 with Retry-After: 2 gets no new INVITE for 2 s; the dials fail over, nothing is charged', async () => {
    const overloaded = await sipp('carrier-503.xml', 1_000);
    const spare = await sipp('callee-busy.xml', 13);
    const sip = await tenantWithTrunks('overloaded', [
      // Through Kamailio, which routes the numbers below to the overloaded carrier, with the
      // trunk's own credentials (sealed at rest, opened by the worker): Kamailio challenges the
      // number ending in 77 with 407.
      {
        name: 'first',
        target: `127.0.0.1:${kamailio.port}`,
        channels: 30,
        // Two a second: the burst is the first two dials, and the pause is recorded (a few to a
        // few hundred milliseconds after the 503 on a loaded machine) before a third could start.
        callsPerSecond: 2,
        priority: 1,
        username: 'autocall',
        password: 's3cret',
      },
      // Straight to the spare carrier.
      { name: 'second', target: `127.0.0.1:${spare.port}`, channels: 30, callsPerSecond: 10, priority: 2 },
    ]);
    const autocall = await sip.submit([
      ...Array.from({ length: 12 }, (_, i) => numberFor(overloaded.port, i)),
      numberFor(overloaded.port, 77),
    ]);
    await engine.finished(sip.tenant, autocall.id, 60_000);
    // The spare carrier took every target once: each was dialed there, uncharged before.
    await sippPassed(spare);

    const messages = logged(overloaded.messages());
    const invites = newInvites(messages);
    expect(invites.length).toBeGreaterThan(0);
    const refusals = messages.filter((m) => !m.received && m.text.startsWith('SIP/2.0 503'));
    expect(refusals.length).toBeGreaterThanOrEqual(invites.length);
    // After each 503, no new INVITE for 2 s from when the worker read it: its contact's end, the
    // instant the adapter rests the trunk (an INVITE already on its way then reaches the carrier
    // within 100 ms through Kamailio). From the carrier's sending of the 503 instead, a worker
    // slowed by a loaded machine made a dial chosen before it read the 503 look late (CI, once).
    const { rows: ends } = await db.query<{ phone: string; ended: Date }>(
      `SELECT phone_number AS phone, ended_at AS ended FROM contacts
       WHERE autocall_id = $1 AND trunk_returned AND sip_code = 503 ORDER BY ended_at`,
      [autocall.id],
    );
    for (const refusal of refusals) {
      const number = /^To:\s*<?sip:([^@;>]+)@/im.exec(refusal.text)?.[1];
      const read = ends.find((e) => e.phone === number && e.ended.getTime() >= refusal.at - 50);
      expect(read).toBeDefined();
      const readAt = read!.ended.getTime();
      expect(invites.filter((i) => i.at > readAt + 100 && i.at < readAt + 2_000)).toEqual([]);
    }

    const targets = await sip.targets(autocall.id);
    expect(targets.map((t) => [t.status, t.reason])).toEqual(Array.from({ length: 13 }, () => ['busy', 'busy']));
    const { rows } = await db.query(
      `SELECT t.attempts, t.trunk_returns,
              (SELECT count(*)::int FROM contacts c WHERE c.target_id = t.id AND c.trunk_returned
                 AND c.cause = 'trunk_overloaded' AND c.sip_code = 503) AS returned
       FROM targets t WHERE t.autocall_id = $1`,
      [autocall.id],
    );
    expect(rows.every((r) => r.attempts === 1 && r.trunk_returns === r.returned)).toBe(true);
    // Every INVITE the carrier refused came back as the trunk's; so did any dial the worker held
    // back itself because the trunk was resting (a local 503, never sent).
    expect(rows.reduce((n, r) => n + r.returned, 0)).toBeGreaterThanOrEqual(invites.length);
  }, 120_000);
});

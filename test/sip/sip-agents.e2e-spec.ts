import { bearer } from '../support/api-harness';
import { EngineHarness } from '../support/engine-harness';
import { waitFor } from '../support/processes';
import { freeUdpPort, Kamailio, numberFor, Sipp } from '../support/sip-lab';
import { SipEngine, sipEnv, statuses } from './sip-engine';

/**
 * TELEPHONY=sip: answered callees bridged to SIPp agents by third-party call control (RFC 3725)
 * through Kamailio. The agent is INVITEd without SDP, its offer goes to the callee in a
 * re-INVITE (the callee's SIPp checks it is the agent's SDP), the callee's answer goes to the
 * agent in the ACK (the agent's SIPp checks it). Abandoned callers are bridged the same way to
 * an announcement server (SIP_ANNOUNCEMENT_URI, a SIPp that checks X-AutoCall-Message, answers
 * and hangs up), then AutoCall hangs up.
 */
describe('SIP trunk: connecting answered calls to agents', () => {
  let kamailio: Kamailio;
  let engine: EngineHarness;
  let sip: SipEngine;
  let agentPort: number;
  let announcementPort: number;
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    kamailio = await Kamailio.start();
    agentPort = await freeUdpPort();
    announcementPort = await freeUdpPort();
    engine = await EngineHarness.start(
      'sip_agents',
      sipEnv(kamailio.uri, { SIP_ANNOUNCEMENT_URI: `sip:announcement@127.0.0.1:${announcementPort}` }),
    );
    const tenant = await engine.api.createTenant('sip-agents', 10);
    await engine
      .http()
      .put('/v1/agents/ada')
      .set(bearer(tenant.adminKey))
      .send({ name: 'Ada', skills: ['sales'], endpoint: `sip:ada@127.0.0.1:${agentPort}` })
      .expect(201);
    sip = new SipEngine(engine, tenant);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sipps.map((s) => s.stop()));
    await engine?.stop();
    await kamailio?.stop();
  });

  const start = async (scenario: string, port?: number) => {
    const sipp = await Sipp.start(scenario, { port });
    sipps.push(sipp);
    return sipp;
  };
  const passed = async (...list: Sipp[]) => {
    for (const sipp of list) {
      const code = await sipp.finished(30_000);
      if (code !== 0) throw new Error(`sipp ${sipp.port} exited ${code}\n${sipp.report()}`);
    }
  };
  const adaAvailable = async () => {
    await engine.http().post('/v1/agents/ada/session').set(sip.admin()).send({ state: 'available' }).expect(201);
  };

  it('agent leg answered and bridged; the callee hangs up: BYE to the agent, the target completes', async () => {
    await adaAvailable();
    const agent = await start('agent-answer-wait-bye.xml', agentPort);
    const callee = await start('callee-bridged-hangs-up.xml');
    const autocall = await sip.submit([numberFor(callee.port)]);
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'connected', 'ended']);
    expect(contact).toMatchObject({
      cause: 'normal_clearing',
      sipCode: 200,
      agentId: 'ada',
      target: { status: 'completed', reason: 'completed' },
    });
    // The callee saw the agent's SDP in the re-INVITE; the agent got the callee's answer in the ACK.
    await passed(callee, agent);
    expect(callee.messages()).toMatch(/INVITE sip:[^\r\n]+ SIP\/2\.0[\s\S]*s=bridged-peer/);
    await waitFor('ada available again', async () => (await sip.agentState('ada')) === 'available');
    await sip.expectLinesFree();
  });

  it('End a Contact mid-call: BYE to both legs, the target completes ended_by_request', async () => {
    const agent = await start('agent-answer-wait-bye.xml', agentPort);
    const callee = await start('callee-bridged-wait-bye.xml');
    const autocall = await sip.submit([numberFor(callee.port)]);
    const connected = await sip.contactIn(autocall.id, 'connected');
    await engine.http().post(`/v1/contacts/${connected.contactId}/end`).set(sip.admin()).expect(202);
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'connected', 'ended']);
    expect(contact).toMatchObject({
      cause: 'normal_clearing',
      target: { status: 'completed', reason: 'ended_by_request' },
    });
    await passed(callee, agent);
    await sip.expectLinesFree();
  });

  it('agent leg failing (486): the agent is made unavailable, the caller waits, then hears the announcement', async () => {
    await waitFor('ada available', async () => (await sip.agentState('ada')) === 'available');
    const agent = await start('agent-busy.xml', agentPort);
    const announcement = await start('announcement.xml', announcementPort);
    const callee = await start('callee-bridged-wait-bye.xml');
    const autocall = await sip.submit([numberFor(callee.port)]);
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'abandoned']);
    expect(contact).toMatchObject({
      cause: 'normal_clearing',
      target: { status: 'abandoned', reason: 'max_wait' },
    });
    expect(await sip.agentState('ada')).toBe('unavailable');
    // The agent got its 486 ACKed; the announcement server got the message, the callee was
    // re-INVITEd to it and got AutoCall's BYE after the announcement hung up.
    await passed(agent, announcement, callee);
    expect(announcement.messages()).toMatch(/X-AutoCall-Message: \S+/i);
    await sip.expectLinesFree();
  });
});

import { bearer } from '../support/api-harness';
import { EngineHarness } from '../support/engine-harness';
import { freeUdpPort, Kamailio, numberFor, Sipp } from '../support/sip-lab';
import { SipEngine, sipEnv, statuses } from './sip-engine';

/**
 * TELEPHONY=sip: answering-machine detection by signalling, through Kamailio. An SBC in front of
 * the callee says who answered, in `X-Detect` on the 200 OK or in an INFO after it (AudioCodes'
 * application/x-detect body); AutoCall applies the AutoCall's machine policy: BYE at once
 * (`hangup`), or the message through the announcement server (a SIPp that checks
 * X-AutoCall-Message), then BYE (`message`).
 */
describe('SIP trunk: answering machines detected by signalling', () => {
  let kamailio: Kamailio;
  let engine: EngineHarness;
  let sip: SipEngine;
  let announcementPort: number;
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    kamailio = await Kamailio.start();
    announcementPort = await freeUdpPort();
    engine = await EngineHarness.start(
      'sip_machines',
      sipEnv(kamailio.uri, {
        SIP_ANNOUNCEMENT_URI: `sip:announcement@127.0.0.1:${announcementPort}`,
        // A 200 OK without a result: the result follows in an INFO or NOTIFY.
        SIP_DETECTION_AFTER_ANSWER: 'true',
      }),
    );
    const tenant = await engine.api.createTenant('sip-machines', 10);
    // An agent of the skill who is not logged in: nobody is connected in this suite.
    await engine
      .http()
      .put('/v1/agents/away')
      .set(bearer(tenant.adminKey))
      .send({ name: 'Away', skills: ['sales'], endpoint: 'sip:away@127.0.0.1:9' })
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
      const code = await sipp.finished(20_000);
      if (code !== 0) throw new Error(`sipp ${sipp.port} exited ${code}\n${sipp.report()}`);
    }
  };
  const submit = (phoneNumber: string, policy: object) =>
    engine.submit(sip.tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: [{ phoneNumber }],
      checks: { freeLines: { reserve: 0 }, freeAgents: null },
      ringTimeoutSeconds: 15,
      ...policy,
    });

  it('X-Detect: Result=machine on the 200 OK: hung up at once (BYE), the target ends machine', async () => {
    const callee = await start('callee-detect-machine.xml');
    const autocall = await submit(numberFor(callee.port), { machine: 'hangup' });
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'ended']);
    expect(contact).toMatchObject({
      cause: 'normal_clearing',
      sipCode: 200,
      answeredBy: 'machine',
      detection: 'machine',
      agentId: null,
      target: { status: 'machine', reason: 'answering_machine' },
    });
    // SIPp got the ACK of its 200 and then AutoCall's BYE.
    await passed(callee);
    await sip.expectLinesFree();
  });

  it('the result in an INFO after the answer: the message through the announcement server, then BYE', async () => {
    const announcement = await start('announcement.xml', announcementPort);
    const callee = await start('callee-detect-info-bridged.xml');
    const autocall = await submit(numberFor(callee.port), {
      machine: 'message',
      machineMessage: 'Example Energy calling; call us back on +1 415 000 0000.',
      detectionWaitSeconds: 5,
    });
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'ended']);
    expect(contact).toMatchObject({
      answeredBy: 'machine',
      detection: 'machine',
      target: { status: 'machine', reason: 'answering_machine_message' },
    });
    // The INFO was answered 200; the announcement server was INVITEd with the AutoCall's message,
    // the callee re-INVITEd to it, and BYEd once the announcement hung up.
    await passed(announcement, callee);
    expect(decodeURIComponent(/X-AutoCall-Message: (\S+)/i.exec(announcement.messages())?.[1] ?? '')).toBe(
      'Example Energy calling; call us back on +1 415 000 0000.',
    );
    await sip.expectLinesFree();
  });

  it('a NOTIFY that cannot tell (unknown): a person, who waits for an agent (none here) and is abandoned', async () => {
    const announcement = await start('announcement.xml', announcementPort);
    const callee = await start('callee-detect-notify-unknown.xml');
    const autocall = await submit(numberFor(callee.port), { detectionWaitSeconds: 5 });
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'abandoned']);
    expect(contact).toMatchObject({
      answeredBy: 'human',
      detection: 'unknown',
      target: { status: 'abandoned', reason: 'max_wait' },
    });
    // The abandon message (the tenant's, not a machine's) played through the announcement server.
    await passed(announcement, callee);
    await sip.expectLinesFree();
  });
});

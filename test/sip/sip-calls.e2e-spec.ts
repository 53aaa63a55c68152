import { EngineHarness } from '../support/engine-harness';
import { Kamailio, numberFor, Sipp } from '../support/sip-lab';
import { at, SipEngine, sipEnv, statuses } from './sip-engine';

/**
 * TELEPHONY=sip end to end: AutoCalls submitted over REST are dialled by the worker's SIP user
 * agent through a Kamailio trunk proxy to SIPp callees, one scenario per outcome; each test
 * reads the contact's timeline and the target's final status back through AutoCall's API, and
 * checks SIPp's own verdict (exit code 0: every message it expected came, in order).
 * No agent is available here: an answered caller waits MAX_WAIT_SECONDS (3 s), then AutoCall
 * hangs up (BYE; no announcement server is configured in this suite).
 */
describe('SIP trunk: call outcomes through Kamailio', () => {
  let kamailio: Kamailio;
  let engine: EngineHarness;
  let sip: SipEngine;
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    kamailio = await Kamailio.start();
    engine = await EngineHarness.start('sip_calls', sipEnv(kamailio.uri));
    const tenant = await engine.api.createTenant('sip', 60);
    // An agent of the skill who is not logged in: answered callers wait, then are abandoned.
    await engine
      .http()
      .put('/v1/agents/away')
      .set({ Authorization: `Bearer ${tenant.adminKey}` })
      .send({ name: 'Away', skills: ['sales'], endpoint: 'sip:away@127.0.0.1:9' })
      .expect(201);
    sip = new SipEngine(engine, tenant);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sipps.map((s) => s.stop()));
    await engine?.stop();
    await kamailio?.stop();
  });

  const callee = async (scenario: string, calls = 1) => {
    const sipp = await Sipp.start(scenario, { calls });
    sipps.push(sipp);
    return sipp;
  };
  const sippPassed = async (sipp: Sipp) => {
    const code = await sipp.finished(30_000);
    if (code !== 0) throw new Error(`sipp exited ${code}\n${sipp.report()}`);
  };

  it('busy: 486 ends the contact busy', async () => {
    const sipp = await callee('callee-busy.xml');
    const autocall = await sip.submit([numberFor(sipp.port)]);
    const contact = await sip.onlyContact(autocall.id);
    expect(contact).toMatchObject({ status: 'ended', cause: 'busy', sipCode: 486 });
    expect(contact.target).toMatchObject({ status: 'busy', reason: 'busy' });
    expect(statuses(contact)).toEqual(['dialing', 'ended']);
    await sippPassed(sipp);
    await sip.expectLinesFree();
  });

  it('network no answer: 180 then 480 ends it no_answer', async () => {
    const sipp = await callee('callee-480.xml');
    const autocall = await sip.submit([numberFor(sipp.port)]);
    const contact = await sip.onlyContact(autocall.id);
    expect(contact).toMatchObject({ cause: 'no_answer', sipCode: 480, target: { status: 'no_answer' } });
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'ended']);
    expect(at(contact, 'ended') - at(contact, 'ringing')).toBeGreaterThanOrEqual(900);
    await sippPassed(sipp);
  });

  it('rejected: 403 ends it failed (rejected)', async () => {
    const sipp = await callee('callee-403.xml');
    const autocall = await sip.submit([numberFor(sipp.port)]);
    const contact = await sip.onlyContact(autocall.id);
    expect(contact).toMatchObject({
      cause: 'rejected',
      sipCode: 403,
      target: { status: 'failed', reason: 'rejected' },
    });
    await sippPassed(sipp);
  });

  it('digest authentication (401, qop=auth): answered after the retry, then hung up by AutoCall (BYE)', async () => {
    const sipp = await callee('callee-auth.xml');
    const autocall = await sip.submit([numberFor(sipp.port)]);
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'abandoned']);
    expect(contact).toMatchObject({
      cause: 'normal_clearing',
      sipCode: 200,
      answeredBy: 'human',
      target: { status: 'abandoned', reason: 'max_wait' },
    });
    // SIPp verified the credentials (verifyauth) and got our BYE.
    await sippPassed(sipp);
  });

  it('proxy authentication (407 from Kamailio): answered after the retry', async () => {
    const sipp = await callee('callee-answer-wait-bye.xml');
    const autocall = await sip.submit([numberFor(sipp.port, 77)]);
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'abandoned']);
    expect(contact.target).toMatchObject({ status: 'abandoned', reason: 'max_wait' });
    await sippPassed(sipp);
  });

  it('answered, then hung up by the callee (BYE) while waiting for an agent', async () => {
    const sipp = await callee('callee-answer-hangs-up.xml');
    const autocall = await sip.submit([numberFor(sipp.port)]);
    const contact = await sip.onlyContact(autocall.id);
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'abandoned']);
    expect(contact).toMatchObject({
      cause: 'normal_clearing',
      sipCode: 200,
      target: { status: 'abandoned', reason: 'caller_hung_up_waiting' },
    });
    expect(at(contact, 'abandoned') - at(contact, 'answered')).toBeLessThan(2_500);
    await sippPassed(sipp);
  });

  it('no answer: AutoCall CANCELs at the ring timeout (15 s), 487 ends it no_answer', async () => {
    const sipp = await callee('callee-ring-noanswer.xml');
    const autocall = await sip.submit([numberFor(sipp.port)]);
    const contact = await sip.onlyContact(autocall.id, 30_000);
    expect(contact).toMatchObject({ cause: 'no_answer', sipCode: 487, target: { status: 'no_answer' } });
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'ended']);
    const rang = at(contact, 'ended') - at(contact, 'dialing');
    expect(rang).toBeGreaterThanOrEqual(14_500);
    expect(rang).toBeLessThan(18_000);
    await sippPassed(sipp);
  }, 40_000);

  it('a 200 that crosses our CANCEL (End a Contact while ringing) is ACKed and BYEd, and recorded as answered', async () => {
    const sipp = await callee('callee-answers-as-cancelled.xml');
    const autocall = await sip.submit([numberFor(sipp.port)]);
    const ringing = await sip.contactIn(autocall.id, 'ringing');
    await engine.http().post(`/v1/contacts/${ringing.contactId}/end`).set(sip.admin()).expect(202);
    const contact = await sip.onlyContact(autocall.id);
    // A person answered and AutoCall hung up on them: not a call nobody answered. (The engine
    // looked for an agent on the answer, found none in this suite, and the caller waited until
    // the end that followed at once.)
    expect(statuses(contact)).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'ended']);
    expect(contact).toMatchObject({
      cause: 'cancelled',
      sipCode: 200,
      answeredBy: 'human',
      target: { status: 'cancelled', reason: 'ended_by_request' },
    });
    // SIPp got the ACK of its 200 and then the BYE.
    await sippPassed(sipp);
    await sip.expectLinesFree();
  });

  it('50 concurrent calls through Kamailio all end, and every line is free again', async () => {
    const sipp = await callee('callee-answer-wait-bye.xml', 50);
    const numbers = Array.from({ length: 50 }, (_, i) => numberFor(sipp.port, i));
    const autocall = await sip.submit(numbers, { mode: 'immediate' });
    expect(autocall.counts.dialing).toBe(50);
    await engine.finished(sip.tenant, autocall.id, 40_000);
    const targets = await sip.targets(autocall.id);
    expect(targets).toHaveLength(50);
    expect(targets.every((t) => t.status === 'abandoned' && t.reason === 'max_wait')).toBe(true);
    const sample = await sip.contact(targets[7].lastContactId!);
    expect(statuses(sample)).toEqual(['dialing', 'ringing', 'answered', 'waiting', 'abandoned']);
    await sippPassed(sipp);
    await sip.expectLinesFree();
  }, 60_000);
});

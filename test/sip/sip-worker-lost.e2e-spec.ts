import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaService } from '../../libs/database/src';
import { bearer } from '../support/api-harness';
import { EngineHarness } from '../support/engine-harness';
import { waitFor } from '../support/processes';
import { freeUdpPort, Kamailio, makeCertificate, numberFor, Sipp } from '../support/sip-lab';
import { SipEngine, sipEnv } from './sip-engine';

const CALLS = 20;

/**
 * The requests SIPp received (its -trace_msg log): method, Call-ID, and the port of the Via
 * AutoCall wrote (the last one: Kamailio adds its own above it).
 */
function received(messages: string): Array<{ method: string; callId: string; autocallPort: string }> {
  const requests = [];
  for (const message of messages.split(/^-{10,}.*$/m)) {
    const request = /message received[^\n]*\n\s*([A-Z]+) sip:/.exec(message);
    if (!request) continue;
    const vias = [...message.matchAll(/^Via: SIP\/2\.0\/TLS 127\.0\.0\.1:(\d+);/gm)];
    requests.push({
      method: request[1],
      callId: /^Call-ID: (\S+)/m.exec(message)?.[1] ?? '',
      autocallPort: vias.length ? vias[vias.length - 1][1] : '',
    });
  }
  return requests;
}

/**
 * A worker dies (SIGKILL) with 20 answered calls connected to 20 agents, over a TLS trunk
 * (Kamailio's tls module; the worker is given the trunk's CA): another worker finds its calls,
 * sends BYE on both legs of every one of them from the dialogs the dead worker stored in
 * PostgreSQL (SIPp's callees and agents each see 20 BYEs and complete their scenario), records
 * them ended (`worker_lost`) and frees their lines and agents. The dialogs are deleted.
 */
describe('SIP: a dead worker’s calls are hung up by another worker', () => {
  let dir: string;
  let kamailio: Kamailio;
  let engine: EngineHarness;
  let sip: SipEngine;
  let agentPort: number;
  let env: Record<string, string>;
  const sipps: Sipp[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'autocall-lost-'));
    const certificate = makeCertificate(dir);
    kamailio = await Kamailio.start({ tls: certificate });
    agentPort = await freeUdpPort();
    env = sipEnv(kamailio.tlsUri, {
      SIP_TLS_CA: certificate.certificate,
      SIP_MAX_CALL_SECONDS: '600',
      SIP_OPTIONS_INTERVAL_SECONDS: '1',
    });
    engine = await EngineHarness.start('sip_worker_lost', env);
    const tenant = await engine.api.createTenant('sip-lost', CALLS);
    for (let i = 0; i < CALLS; i++) {
      await engine
        .http()
        .put(`/v1/agents/a${i}`)
        .set(bearer(tenant.adminKey))
        .send({ name: `A${i}`, skills: ['sales'], endpoint: `sip:a${i}@127.0.0.1:${agentPort}` })
        .expect(201);
      await engine
        .http()
        .post(`/v1/agents/a${i}/session`)
        .set(bearer(tenant.adminKey))
        .send({ state: 'available' })
        .expect(201);
    }
    sip = new SipEngine(engine, tenant);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(sipps.map((s) => s.stop()));
    await engine?.stop();
    await kamailio?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('BYEs both legs of each of its 20 answered calls, records worker_lost, frees lines and agents', async () => {
    const agents = await Sipp.start('agent-answer-wait-bye.xml', { port: agentPort, calls: CALLS });
    const callees = await Sipp.start('callee-bridged-wait-bye.xml', { calls: CALLS });
    sipps.push(agents, callees);
    const prisma = engine.api.app.get(PrismaService);
    const autocall = await sip.submit(Array.from({ length: CALLS }, (_, i) => numberFor(callees.port, i)));
    await waitFor(
      `${CALLS} calls connected`,
      async () => (await sip.contactsOf(autocall.id)).filter((c) => c.status === 'connected').length === CALLS,
      60_000,
      200,
    );
    // The dialog of both legs of every call is stored, answered (what a BYE needs), and the
    // callee's went through the re-INVITE that bridged it: its CSeq moved on. A dialog is written
    // behind its call's events (the call is connected first), so the test waits for the writes.
    const storedDialogs = async () => {
      const stored = await prisma.sipDialog.findMany({ where: { contact: { autocallId: autocall.id } } });
      return {
        customersAnswered: stored.filter((d) => d.state === 'confirmed' && d.leg === 'customer').length,
        agentsAnswered: stored.filter((d) => d.state === 'confirmed' && d.leg === 'agent').length,
        customersReinvited: stored.filter((d) => d.leg === 'customer' && d.cseq > d.inviteCseq).length,
      };
    };
    const complete = { customersAnswered: CALLS, agentsAnswered: CALLS, customersReinvited: CALLS };
    await waitFor(
      'every dialog stored as bridged',
      async () => JSON.stringify(await storedDialogs()) === JSON.stringify(complete),
      10_000,
      100,
    ).catch(() => undefined);
    expect(await storedDialogs()).toEqual(complete);

    const [victim] = engine.workers;
    await engine.startWorker(env);
    await victim.stop('SIGKILL');

    const done = await engine.finished(sip.tenant, autocall.id, 90_000);
    expect(done.counts.completed).toBe(CALLS);
    const targets = await sip.targets(autocall.id);
    expect(targets.map((t) => `${t.status}/${t.reason}`)).toEqual(Array(CALLS).fill('completed/worker_lost'));

    // SIPp saw a BYE on every leg and answered it: each scenario completed all of its calls.
    for (const sipp of [callees, agents]) {
      const code = await sipp.finished(30_000);
      if (code !== 0) throw new Error(`sipp ${sipp.port} exited ${code}\n${sipp.report()}`);
      const requests = received(sipp.messages());
      const byes = requests.filter((r) => r.method === 'BYE');
      expect(new Set(byes.map((r) => r.callId)).size).toBe(CALLS);
      // The INVITEs came from the dead worker, the BYEs from the other one.
      const invitedFrom = new Set(requests.filter((r) => r.method === 'INVITE').map((r) => r.autocallPort));
      const byeFrom = new Set(byes.map((r) => r.autocallPort));
      expect(invitedFrom.size).toBe(1);
      expect(byeFrom.size).toBe(1);
      expect([...byeFrom][0]).not.toBe([...invitedFrom][0]);
    }

    await sip.expectLinesFree();
    await waitFor(
      'every agent available again',
      async () =>
        (await Promise.all(Array.from({ length: CALLS }, (_, i) => sip.agentState(`a${i}`)))).every(
          (state) => state === 'available',
        ),
      20_000,
      200,
    );
    expect(await prisma.sipDialog.count({ where: { contact: { autocallId: autocall.id } } })).toBe(0);
  }, 180_000);

  it("feeds the trunk's health by OPTIONS into the worker's readiness and metrics: down once Kamailio is gone", async () => {
    const worker = engine.workers[engine.workers.length - 1];
    const url = engine.workerUrl(worker);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks).toContainEqual({ name: 'sip_trunk', status: 'up' });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^autocall_sip_trunk_up 1$/m);

    await kamailio.stop();
    const down = await waitFor(
      'the worker not ready',
      async () => {
        const response = await fetch(`${url}/health/ready`);
        return response.status === 503 ? response.json() : null;
      },
      15_000,
      200,
    );
    expect(down.checks).toContainEqual({
      name: 'sip_trunk',
      status: 'down',
      error: expect.stringMatching(/^503 SIP tls:127\.0\.0\.1:\d+: connection failed \(ECONNREFUSED/),
    });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^autocall_sip_trunk_up 0$/m);
  });
});

import { bearer, TestTenant } from '../support/api-harness';
import { EngineHarness } from '../support/engine-harness';
import { waitFor } from '../support/processes';

/** The worker's SIP settings for a lab whose trunk (outbound proxy) is `proxy`. */
export function sipEnv(proxy: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEPHONY: 'sip',
    SIP_OUTBOUND_PROXY: proxy,
    SIP_LOCAL_ADDRESS: '127.0.0.1',
    SIP_LOCAL_PORT: '0',
    SIP_USERNAME: 'autocall',
    SIP_PASSWORD: 's3cret',
    SIP_CALLER_ID: '+14150000000',
    SIP_CANCEL_GUARD_SECONDS: '4',
    SIP_AGENT_RING_TIMEOUT_SECONDS: '5',
    MAX_WAIT_SECONDS: '3',
    DISPATCH_SWEEP_INTERVAL_MS: '1000',
    // TEST_WORKER_LOG_LEVEL=debug SIP_TRACE=true shows every SIP message of the worker.
    SIP_TRACE: process.env.SIP_TRACE ?? 'false',
    ...extra,
  };
}

export interface TimelineEntry {
  status: string;
  at: string;
}

/** What the tests read back through AutoCall's own API. */
export class SipEngine {
  constructor(
    readonly engine: EngineHarness,
    readonly tenant: TestTenant,
  ) {}

  admin() {
    return bearer(this.tenant.adminKey);
  }

  async submit(phoneNumbers: string[], options: { mode?: string; skill?: string } = {}) {
    return this.engine.submit(this.tenant, {
      mode: options.mode ?? 'sequential',
      skill: options.skill ?? 'sales',
      targets: phoneNumbers.map((phoneNumber, i) => ({ phoneNumber, reference: `r${i}` })),
      checks: { freeLines: { reserve: 0 }, freeAgents: null },
      ringTimeoutSeconds: 15,
    });
  }

  async targets(autocallId: string) {
    const { body } = await this.engine
      .http()
      .get(`/v1/autocalls/${autocallId}/targets?limit=1000`)
      .set(this.admin())
      .expect(200);
    return body.items as Array<{
      status: string;
      reason: string | null;
      lastContactId: string | null;
      phoneNumber: string;
    }>;
  }

  async contact(contactId: string) {
    const { body } = await this.engine.http().get(`/v1/contacts/${contactId}`).set(this.admin()).expect(200);
    return body;
  }

  async contactsOf(autocallId: string) {
    const { body } = await this.engine
      .http()
      .get(`/v1/contacts?autocallId=${autocallId}&limit=200`)
      .set(this.admin())
      .expect(200);
    return body.items as Array<{ contactId: string; status: string }>;
  }

  async contactIn(autocallId: string, status: string, timeoutMs = 20_000) {
    return waitFor(
      `a contact ${status}`,
      async () => (await this.contactsOf(autocallId)).find((c) => c.status === status),
      timeoutMs,
      100,
    );
  }

  /** Waits for the AutoCall to complete and returns its only contact, read back through the API. */
  async onlyContact(autocallId: string, timeoutMs = 40_000) {
    await this.engine.finished(this.tenant, autocallId, timeoutMs);
    const [target] = await this.targets(autocallId);
    expect(target.lastContactId).toBeTruthy();
    return this.contact(target.lastContactId!);
  }

  async linesInUse(): Promise<number> {
    const { body } = await this.engine.http().get('/v1/lines/usage').set(this.admin()).expect(200);
    return body.inUse.total + body.reserved;
  }

  async expectLinesFree(): Promise<void> {
    await waitFor('every line to be free', async () => (await this.linesInUse()) === 0, 10_000, 100);
  }

  async agentState(agentId: string): Promise<string> {
    const { body } = await this.engine.http().get(`/v1/agents/${agentId}`).set(this.admin()).expect(200);
    return body.state;
  }
}

export const statuses = (contact: { timeline: TimelineEntry[] }) => contact.timeline.map((e) => e.status);

export const at = (contact: { timeline: TimelineEntry[] }, status: string) =>
  new Date(contact.timeline.find((e) => e.status === status)!.at).getTime();

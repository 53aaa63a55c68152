import { PrismaService } from '../../libs/database/src';
import { TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { agentOverlaps, auditTenant, expectNoDoubleDial, injectFaults } from '../support/fault-audit';

const LINES = 6;

/**
 * A storage error at the exact write that puts an agent on a call, and at the one that records the
 * contact connected (engine review, defect 1). Test-only triggers raise "terminating connection"
 * (SQLSTATE 57P01, what a PostgreSQL restart or failover answers) on the first three agents put on
 * a call, and on the fourth to sixth contacts recorded connected (other calls, so that each fault
 * is seen on its own); the worker retries the step. It must neither give the agent back while they talk (a second call
 * bridged to them) nor lose the connection (the target ending failed and counted abandoned).
 *
 * Sequences count the triggers' firings: nextval is not rolled back with the failed transaction.
 */
const INJECT = `
  CREATE SEQUENCE fault_agent_on_call;
  CREATE SEQUENCE fault_contact_connected;
  CREATE FUNCTION fail_agent_on_call() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.state = 'on_call' AND OLD.state <> 'on_call' AND nextval('fault_agent_on_call') <= 3 THEN
      RAISE EXCEPTION 'injected: agent % put on a call', NEW.id USING ERRCODE = '57P01';
    END IF;
    RETURN NEW;
  END $$;
  CREATE FUNCTION fail_contact_connected() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.status = 'connected' AND OLD.status <> 'connected'
       AND nextval('fault_contact_connected') BETWEEN 4 AND 6 THEN
      RAISE EXCEPTION 'injected: contact % connected', NEW.id USING ERRCODE = '57P01';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER fail_agent_on_call BEFORE UPDATE ON agents FOR EACH ROW EXECUTE FUNCTION fail_agent_on_call();
  CREATE TRIGGER fail_contact_connected BEFORE UPDATE ON contacts FOR EACH ROW EXECUTE FUNCTION fail_contact_connected();
`;

describe('a storage error while a call connects', () => {
  let engine: EngineHarness;
  let prisma: PrismaService;
  let tenant: TestTenant;

  beforeAll(async () => {
    // Calls connected to an agent last a few hundred milliseconds: longer than a retry's pause.
    engine = await EngineHarness.start('connect_errors', { SIMULATOR_TALK_SECONDS_MEAN: '120' });
    prisma = engine.api.app.get(PrismaService);
    tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: 2, prefix: 'ce' });
    await injectFaults(prisma, INJECT);
  });
  afterAll(() => engine.stop());

  it('retries the step: no agent on two calls, every connected call recorded connected', async () => {
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(30, '+4420'),
    });
    await engine.finished(tenant, submitted.id, 120_000);

    // The faults were met: every trigger fired past the times it raised.
    const [fired] = await prisma.$queryRaw<{ agent: bigint; contact: bigint }[]>`
      SELECT (SELECT last_value FROM fault_agent_on_call) AS agent,
             (SELECT last_value FROM fault_contact_connected) AS contact`;
    expect(Number(fired.agent)).toBeGreaterThan(3);
    expect(Number(fired.contact)).toBeGreaterThan(6);

    // Every call an agent was put on is recorded connected, and its target completed (not failed,
    // not counted as abandoned).
    const lost = await prisma.$queryRaw<{ id: string; connected_at: Date | null; status: string }[]>`
      SELECT c.id, c.connected_at, t.status::text AS status
      FROM agent_state_changes a
      JOIN contacts c ON a.reason = 'call:' || c.id::text
      JOIN targets t ON t.id = c.target_id
      WHERE a.tenant_id = ${tenant.tenantId}::uuid AND a.to_state = 'on_call'
        AND (c.connected_at IS NULL OR t.status <> 'completed')`;
    // And no agent was on two calls at once.
    expect({ lost, overlaps: await agentOverlaps(prisma, tenant.tenantId) }).toEqual({ lost: [], overlaps: [] });
    const connected = await prisma.contact.count({ where: { tenantId: tenant.tenantId, connectedAt: { not: null } } });
    expect(connected).toBeGreaterThan(5);

    // Lines and agents free, targets terminal once, nothing dialed twice.
    await auditTenant(engine, tenant, { lines: LINES, webhooks: false });
    await expectNoDoubleDial(engine, tenant);
  });
});

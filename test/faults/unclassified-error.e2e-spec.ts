import { PrismaService } from '../../libs/database/src';
import { TestTenant } from '../support/api-harness';
import { EngineHarness, numbers } from '../support/engine-harness';
import { auditTenant, expectNoDoubleDial, injectFaults } from '../support/fault-audit';

const LINES = 4;

/**
 * An error that is not storage being away, at the write that ends a call (engine review, defect
 * 6): a test-only trigger raises SQLSTATE 22023 (invalid_parameter_value: what a bug or a refused
 * write looks like, not "try again soon") on the first three updates of a contact to ended. The
 * worker must not keep the contact, its line and its agent held until it restarts: the call is
 * ended as failed (engine_error), and everything else dials on.
 */
const INJECT = `
  CREATE SEQUENCE fault_contact_ended;
  CREATE FUNCTION fail_contact_ended() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.status = 'ended' AND OLD.status <> 'ended' AND nextval('fault_contact_ended') <= 3 THEN
      RAISE EXCEPTION 'injected: contact % ended', NEW.id USING ERRCODE = '22023';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER fail_contact_ended BEFORE UPDATE ON contacts FOR EACH ROW EXECUTE FUNCTION fail_contact_ended();
`;

describe('an unclassified error while a call ends', () => {
  let engine: EngineHarness;
  let prisma: PrismaService;
  let tenant: TestTenant;

  beforeAll(async () => {
    engine = await EngineHarness.start('unclassified_error');
    prisma = engine.api.app.get(PrismaService);
    tenant = await engine.tenantWithAgents({ lines: LINES, skill: 'sales', agents: 2, prefix: 'ue' });
    await injectFaults(prisma, INJECT);
  });
  afterAll(() => engine.stop());

  it('ends the call as failed instead of holding its line and agent until the worker restarts', async () => {
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(12, '+4422'),
    });
    await engine.finished(tenant, submitted.id, 90_000);

    const [fired] = await prisma.$queryRaw<{ n: bigint }[]>`SELECT last_value AS n FROM fault_contact_ended`;
    expect(Number(fired.n)).toBeGreaterThan(3);
    // The call whose end failed ended failed, or completed if an agent had taken it.
    const ended = await prisma.target.findMany({
      where: { tenantId: tenant.tenantId, reason: 'engine_error' },
      select: { status: true },
    });
    expect(ended.length).toBeGreaterThanOrEqual(1);
    for (const target of ended) expect(['failed', 'completed']).toContain(target.status);

    await auditTenant(engine, tenant, { lines: LINES, webhooks: false });
    await expectNoDoubleDial(engine, tenant);
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { AppConfig } from '../../libs/config/src';
import { CallRecords } from '../../libs/dialing/src/call-records';
import { createSuiteDatabase, dropDatabase } from './databases';

/**
 * A database suite of the call aggregate's repository: its own database, `records` (CallRecords on
 * it) and `client`, a plain connection to arrange rows and read them back. Call it inside
 * `describe`: it registers the hooks that make and drop them; read its fields inside tests (`db`
 * for a second connection of a test's own).
 */
export function callRecordsSuite(name: string): {
  client: Client;
  records: CallRecords;
  db: { name: string; url: string };
} {
  const suite = {} as { client: Client; records: CallRecords; db: { name: string; url: string } };
  beforeAll(async () => {
    suite.db = await createSuiteDatabase(name);
    suite.client = new Client({ connectionString: suite.db.url });
    await suite.client.connect();
    suite.records = new CallRecords({ get: () => suite.db.url } as unknown as AppConfig);
  });
  afterAll(async () => {
    await suite.records?.onModuleDestroy();
    await suite.client?.end();
    if (suite.db) await dropDatabase(suite.db.name);
  });
  return suite;
}

/**
 * An answered call of a new tenant (2 lines, one sequential AutoCall of one target), held by
 * `holder`; with `agentId`, the contact has that agent (the tenant's, available when assigned).
 */
export function insertAnsweredCall(
  client: Client,
  options: { holder: string; agentId?: string },
): Promise<{ tenantId: string; autocallId: string; targetId: string; contactId: string }> {
  return insertCall(client, { ...options, status: 'answered' });
}

/** A call of a new tenant as insertAnsweredCall makes it, its contact and target in `status`. */
export async function insertCall(
  client: Client,
  options: { holder: string; agentId?: string; status: 'dialing' | 'ringing' | 'answered' },
): Promise<{ tenantId: string; autocallId: string; targetId: string; contactId: string }> {
  const [tenantId, autocallId, targetId, contactId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'answered')`, [tenantId]);
  await client.query(`INSERT INTO line_settings (tenant_id, capacity) VALUES ($1, 2)`, [tenantId]);
  if (options.agentId)
    await client.query(
      `INSERT INTO agents (tenant_id, id, name, skills, endpoint, state, state_changed_at)
       VALUES ($1, $2, $2, '{sales}', 'sip:agent@pbx', 'available', now())`,
      [tenantId, options.agentId],
    );
  const freeAgents = options.agentId ? '{"reserve":0}' : 'null';
  await client.query(
    `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count)
     VALUES ($1, $2, 'sequential', 'sales', $3, 30, '{}', 1)`,
    [autocallId, tenantId, `{"freeLines":{"reserve":0},"freeAgents":${freeAgents},"callStop":false}`],
  );
  await client.query(
    `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
     VALUES ($1, $2, $3, 0, '+441632960000', $4::target_status)`,
    [targetId, tenantId, autocallId, options.status],
  );
  await client.query(
    `INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, placed_by, status, agent_id)
     VALUES ($1, $2, $3, $4, 1, 'sales', '+441632960000', $5, $7::contact_status, $6)`,
    [contactId, tenantId, autocallId, targetId, options.holder, options.agentId ?? null, options.status],
  );
  return { tenantId, autocallId, targetId, contactId };
}

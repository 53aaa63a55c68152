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

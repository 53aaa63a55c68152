import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where the tests find PostgreSQL; the local server by default (override with TEST_DATABASE_URL). */
const BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
// Two test runs at once (two checkouts on one machine) each name their own template.
export const TEMPLATE_DATABASE = process.env.TEST_TEMPLATE_DATABASE ?? 'autocall_test_template';

export function databaseUrl(database: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export function adminDatabaseUrl(): string {
  return databaseUrl('postgres');
}

async function withAdmin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh database of the migrated schema, for one suite. */
export async function createSuiteDatabase(suite: string): Promise<{ name: string; url: string }> {
  const name = `autocall_test_${suite.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`));
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../../libs/database/src/migrator';
import { TEMPLATE_DATABASE, adminDatabaseUrl, databaseUrl } from './databases';

/**
 * Once per test run: migrate a template database that every suite clones (CREATE DATABASE …
 * TEMPLATE is much faster than migrating each suite's database), after dropping the template of
 * an earlier run so that changed migrations are always picked up.
 */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await migrate({
    databaseUrl: databaseUrl(TEMPLATE_DATABASE),
    migrationsDir: path.resolve(__dirname, '../../prisma/migrations'),
  });
}

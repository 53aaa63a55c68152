import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, ClientConfig } from 'pg';

/**
 * Applies prisma/migrations/<name>/migration.sql files the way `prisma migrate deploy` does, for
 * machines where Prisma's native migration engine cannot be downloaded.
 *
 * Compatible with Prisma's bookkeeping: the same `_prisma_migrations` table and SHA-256 checksums,
 * and the same advisory lock key (72707369), so this and `prisma migrate deploy` exclude each
 * other and either can take over from the other. Each file runs in its own transaction together
 * with its bookkeeping row, so a failed file leaves no trace and can be fixed and re-run.
 */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  databaseCreated: boolean;
  applied: string[];
  alreadyApplied: string[];
}

const BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Prisma accepts a checksum taken with either line ending; so do we. */
function sameChecksum(recorded: string, file: MigrationFile): boolean {
  if (recorded === file.checksum) return true;
  const lf = file.sql.replace(/\r\n/g, '\n');
  return recorded === checksumOf(lf) || recorded === checksumOf(lf.replace(/\n/g, '\r\n'));
}

export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

/** Creates the database named in the URL when it does not exist (safe when raced). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new MigrationError('DATABASE_URL names no database');
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      return true;
    } catch (error) {
      // Created meanwhile by a concurrent migrator: 42P04, or 23505 when both raced in the catalog.
      if (['42P04', '23505'].includes((error as { code?: string }).code ?? '')) return false;
      throw error;
    }
  } finally {
    await admin.end();
  }
}

export async function migrate(options: {
  databaseUrl: string;
  migrationsDir: string;
  log?: (line: string) => void;
  client?: ClientConfig;
}): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const databaseCreated = await ensureDatabase(options.databaseUrl);
  if (databaseCreated) log(`created database ${new URL(options.databaseUrl).pathname.slice(1)}`);
  const migrations = await readMigrations(options.migrationsDir);

  const client = new Client({ connectionString: options.databaseUrl, ...options.client });
  await client.connect();
  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  try {
    // Session lock: concurrent migrators wait here, then find the work done.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    await client.query(BOOKKEEPING_TABLE);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at');
    const recorded = new Map<string, (typeof rows)[number]>();
    for (const row of rows) if (!row.rolled_back_at) recorded.set(row.migration_name, row);

    for (const file of migrations) {
      const row = recorded.get(file.name);
      if (row?.finished_at) {
        if (!sameChecksum(row.checksum, file)) {
          throw new MigrationError(
            `migration ${file.name} was modified after it was applied; restore it and add a new migration instead`,
          );
        }
        alreadyApplied.push(file.name);
        continue;
      }
      if (row) {
        throw new MigrationError(
          `migration ${file.name} is recorded as started but not finished (a failed prisma migrate deploy); ` +
            'resolve it with `prisma migrate resolve` or delete its _prisma_migrations row after checking the schema',
        );
      }
      await client.query('BEGIN');
      try {
        const id = randomUUID();
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, file.checksum, file.name],
        );
        await client.query(file.sql);
        await client.query(
          'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
          [id],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${file.name} failed and was rolled back: ${(error as Error).message}`);
      }
      applied.push(file.name);
      log(`applied ${file.name}`);
    }
    const local = new Set(migrations.map((m) => m.name));
    for (const name of recorded.keys()) {
      if (!local.has(name))
        log(`warning: ${name} is applied in the database but missing from ${options.migrationsDir}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await client.end();
  }
  return { databaseCreated, applied, alreadyApplied };
}

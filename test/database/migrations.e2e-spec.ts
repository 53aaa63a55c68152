import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { checksumOf, migrate, readMigrations } from '../../libs/database/src/migrator';
import { databaseUrl, dropDatabase, uniqueName } from '../support/databases';
import { actualSchema, expectedSchema } from '../support/schema-model';

const MIGRATIONS = path.resolve(__dirname, '../../prisma/migrations');

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('npm run db:migrate (the Prisma-compatible migrator)', () => {
  const created: string[] = [];
  const freshDatabase = () => {
    const name = uniqueName('autocall_test_migrate');
    created.push(name);
    return databaseUrl(name);
  };
  afterAll(async () => {
    for (const name of created) await dropDatabase(name);
  });

  it('creates the database, applies every migration, and the result matches schema.prisma', async () => {
    const url = freshDatabase();
    const result = await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS });
    expect(result.databaseCreated).toBe(true);
    expect(result.applied).toEqual((await readMigrations(MIGRATIONS)).map((m) => m.name));
    expect(await actualSchema(url)).toEqual(expectedSchema());
  });

  it('notices drift: a schema.prisma that differs from the migrations does not match', async () => {
    const url = freshDatabase();
    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS });
    const schema = readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8');
    const drifted = path.join(mkdtempSync(path.join(tmpdir(), 'schema-')), 'schema.prisma');
    writeFileSync(
      drifted,
      schema.replace('name      String   @db.VarChar(200)', 'name      String   @db.VarChar(100)\n  plan      String?'),
    );
    const expected = expectedSchema(drifted);
    const actual = await actualSchema(url);
    expect(expected.columns).toContain('tenants.name character varying(100) NOT NULL');
    expect(expected.columns).toContain('tenants.plan text NULL');
    expect(actual).not.toEqual(expected);
  });

  it("keeps Prisma's bookkeeping, so `prisma migrate deploy` sees the same history", async () => {
    const url = freshDatabase();
    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS });
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date;
      applied_steps_count: number;
    }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    const files = await readMigrations(MIGRATIONS);
    expect(rows).toEqual(
      files.map((f) => ({
        migration_name: f.name,
        checksum: checksumOf(f.sql),
        finished_at: expect.any(Date),
        applied_steps_count: 1,
      })),
    );
  });

  it('is idempotent, and safe when several processes run it at once', async () => {
    const url = freshDatabase();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => migrate({ databaseUrl: url, migrationsDir: MIGRATIONS })),
    );
    const total = (await readMigrations(MIGRATIONS)).length;
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 0, total]);
    const again = await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS });
    expect(again).toMatchObject({ databaseCreated: false, applied: [], alreadyApplied: expect.any(Array) });
    const rows = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM _prisma_migrations');
    expect(Number(rows[0].n)).toBe(total);
  });

  it('refuses a migration that was changed after it was applied', async () => {
    const url = freshDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    cpSync(MIGRATIONS, dir, { recursive: true });
    await migrate({ databaseUrl: url, migrationsDir: dir });
    const [first] = await readMigrations(dir);
    writeFileSync(path.join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);
    await expect(migrate({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(
      /was modified after it was applied/,
    );
  });

  it('rolls a failing migration back whole, records nothing, and applies it once it is fixed', async () => {
    const url = freshDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    cpSync(MIGRATIONS, dir, { recursive: true });
    await migrate({ databaseUrl: url, migrationsDir: dir });
    const broken = path.join(dir, '99990101000000_broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
    await expect(migrate({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/99990101000000_broken failed/);
    expect(await query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'half_done'")).toEqual([]);
    expect(await query(url, "SELECT 1 FROM _prisma_migrations WHERE migration_name = '99990101000000_broken'")).toEqual(
      [],
    );

    writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\n');
    expect((await migrate({ databaseUrl: url, migrationsDir: dir })).applied).toEqual(['99990101000000_broken']);
  });
});

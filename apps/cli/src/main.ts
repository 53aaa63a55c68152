import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@autocall/config';
import { migrate, PrismaService } from '@autocall/database';
import { RetentionService } from '@autocall/retention';
import { SecretBox } from '@autocall/secrets';
import { TenantsService } from '@autocall/tenancy';
import { CliModule, RetentionCliModule } from './cli.module';
import { rotateSecrets } from './secrets-rotation';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                              create the database if needed and apply prisma/migrations
  tenants:create --name <name>         create a tenant and print its first admin key as JSON
                 [--lines <capacity>]  (the key is shown this once)
  secrets:rotate [--batch <size>]      seal every stored secret under the current key of
                                       SECRETS_KEYS (and those still in clear); prints counts
  retention:run                        run a retention pass now (after any pass in progress on a
                                       worker); prints what it removed, by kind and by tenant
`;

const MIGRATIONS_DIR = path.resolve(__dirname, '../../../../prisma/migrations');

async function createTenant(config: AppConfig, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: 'string' }, lines: { type: 'string' } } });
  if (!values.name?.trim()) throw new UsageError('tenants:create needs --name');
  const lineCapacity = values.lines === undefined ? 0 : Number(values.lines);
  if (!Number.isInteger(lineCapacity) || lineCapacity < 0) throw new UsageError('--lines must be a whole number ≥ 0');
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error'] });
  try {
    const created = await app.get(TenantsService).create({ name: values.name.trim(), lineCapacity });
    process.stdout.write(
      `${JSON.stringify({ tenantId: created.tenantId, name: created.name, apiKey: { id: created.apiKey.id, role: created.apiKey.role, key: created.apiKey.key } }, null, 2)}\n`,
    );
  } finally {
    await app.close();
  }
}

async function rotate(config: AppConfig, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { batch: { type: 'string' } } });
  const batch = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new UsageError('--batch must be 1 to 10000');
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error'] });
  try {
    const counts = await rotateSecrets(app.get(PrismaService), app.get(SecretBox), batch);
    process.stdout.write(
      `${JSON.stringify({ currentKey: config.get('SECRETS_KEYS')!.current, ...counts }, null, 2)}\n`,
    );
  } finally {
    await app.close();
  }
}

async function runRetention(config: AppConfig, args: string[]): Promise<void> {
  if (args.length) throw new UsageError('retention:run takes no options');
  const app = await NestFactory.createApplicationContext(RetentionCliModule.forRoot(config), { logger: ['error'] });
  try {
    const pass = await app.get(RetentionService).runPass();
    process.stdout.write(`${JSON.stringify(pass, null, 2)}\n`);
  } finally {
    await app.close();
  }
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const config = AppConfig.loadOrExit();
  switch (command) {
    case 'migrate': {
      const result = await migrate({
        databaseUrl: config.get('DATABASE_URL'),
        migrationsDir: MIGRATIONS_DIR,
        log: (line) => process.stderr.write(`db:migrate: ${line}\n`),
      });
      process.stderr.write(
        `db:migrate: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied\n`,
      );
      return;
    }
    case 'tenants:create':
      return createTenant(config, rest);
    case 'secrets:rotate':
      return rotate(config, rest);
    case 'retention:run':
      return runRetention(config, rest);
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command given');
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    process.exit(64);
  }
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});

import { defineConfig } from 'prisma/config';

// The connection URL is only needed by `prisma migrate` where Prisma's engine can be downloaded;
// on machines without it, `npm run db:migrate` applies the same migration files (see scripts/migrate.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/autocall' },
});

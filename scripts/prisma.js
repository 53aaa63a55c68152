#!/usr/bin/env node
// Runs the Prisma CLI on machines that cannot download Prisma's native schema engine.
// `prisma generate|validate|format` only need PRISMA_SCHEMA_ENGINE_BINARY to name an existing
// file (they never run it). Never use this for `prisma migrate`: with a dummy engine it reports
// success and applies nothing. Use `npm run db:migrate` instead.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const args = process.argv.slice(2);
if (args[0] === 'migrate' || args[0] === 'db') {
  console.error('scripts/prisma.js: use `npm run db:migrate`; `prisma migrate` needs the native engine.');
  process.exit(2);
}
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= __filename;
const cli = path.join(__dirname, '..', 'node_modules', 'prisma', 'build', 'index.js');
const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', env });
process.exit(result.status ?? 1);

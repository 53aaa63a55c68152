#!/usr/bin/env node
// Regenerates the typed client's types (libs/client/src/openapi.ts) from the OpenAPI document the
// API serves, built from this checkout (npm run client:generate). Needs the local PostgreSQL and
// Redis of `npm start` only to construct the API's modules; nothing is written to them.
const { spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

(async () => {
  require('reflect-metadata');
  const { AppConfig } = require(path.join(root, 'dist/libs/config/src'));
  const { createApiApp } = require(path.join(root, 'dist/apps/api/src/app'));
  const { openApiDocument } = require(path.join(root, 'dist/apps/api/src/http/openapi-document'));
  const { clientTypesOf, CLIENT_TYPES_FILE } = require('./client-types');
  // Only the document is read: a throwaway key ring lets the modules that seal secrets start.
  const secretsKeys = `generate:${require('node:crypto').randomBytes(32).toString('base64')}`;
  const app = await createApiApp(
    AppConfig.fromEnvironment({ LOG_LEVEL: 'silent', SECRETS_KEYS: secretsKeys, ...process.env }),
  );
  try {
    const types = await clientTypesOf(openApiDocument(app));
    writeFileSync(path.join(root, CLIENT_TYPES_FILE), types);
    process.stderr.write(`wrote ${CLIENT_TYPES_FILE}\n`);
  } finally {
    await app.close();
  }
})().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

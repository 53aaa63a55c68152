#!/usr/bin/env node
// `npm start`: builds AutoCall, creates and migrates the database, then runs the API and the
// worker side by side on the local PostgreSQL and Redis, with the simulator as telephony.
// Ctrl-C stops both gracefully.
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const { developmentErasureHashKey, developmentSecretsKeys } = require('./dev-secrets-key');

const root = path.resolve(__dirname, '..');
// A fixed, documented key for the local quick start only; set your own anywhere else.
const QUICK_START_KEY = 'ac_quickstart_admin_key_change_me';
const env = { ...process.env, BOOTSTRAP_ADMIN_KEY: process.env.BOOTSTRAP_ADMIN_KEY ?? QUICK_START_KEY };
// Secrets are encrypted at rest under SECRETS_KEYS; on a laptop without it, a development key kept
// in a git-ignored file. Production (NODE_ENV=production) gets none: the apps refuse to boot.
if (!env.SECRETS_KEYS && env.NODE_ENV !== 'production') env.SECRETS_KEYS = developmentSecretsKeys(root);
// Likewise the key of erased numbers' hashes (the do-not-call list of numbers erased on request).
if (!env.ERASURE_HASH_KEY && env.NODE_ENV !== 'production') env.ERASURE_HASH_KEY = developmentErasureHashKey(root);

function run(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`autocall: ${label} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

run('build', [path.join(root, 'scripts', 'build.js')]);
run('database migration', [path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js'), 'migrate']);

const children = ['api', 'worker'].map((app) => {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', path.join(root, 'dist', 'apps', app, 'src', 'main.js')],
    {
      cwd: root,
      env,
      stdio: 'inherit',
    },
  );
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`autocall: the ${app} stopped (${signal ?? `exit ${code}`}); stopping the rest`);
      stop(code || 1);
    }
  });
  return child;
});

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  let left = children.filter((c) => c.exitCode === null).length;
  if (!left) process.exit(code);
  for (const child of children) child.on('exit', () => --left === 0 && process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const port = env.API_PORT ?? '3000';
setTimeout(() => {
  if (stopping) return;
  console.error(
    [
      '',
      `  AutoCall API     http://127.0.0.1:${port}   (docs: http://127.0.0.1:${port}/docs)`,
      `  Worker health    http://127.0.0.1:${env.WORKER_PORT ?? '3001'}/health/ready`,
      env.BOOTSTRAP_ADMIN_KEY === QUICK_START_KEY
        ? `  Admin API key    ${QUICK_START_KEY}   (quick start only: set BOOTSTRAP_ADMIN_KEY or use npm run cli)`
        : '  Admin API key    the BOOTSTRAP_ADMIN_KEY you set',
      '',
    ].join('\n'),
  );
}, 2500).unref();

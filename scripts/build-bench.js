#!/usr/bin/env node
// Compiles bench/ and the test support it reuses into dist/bench (the app build leaves them out).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const swc = path.join(root, 'node_modules', '@swc', 'cli', 'bin', 'swc.js');
const result = spawnSync(
  process.execPath,
  [swc, 'bench', 'test/support', 'apps', 'libs', '-d', 'dist/bench', '--ignore', '**/*.spec.ts', '--quiet'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (result.status !== 0) process.exit(result.status ?? 1);
// The compiled test support finds prisma/ relative to itself, as in the source tree.
const link = path.join(root, 'dist', 'bench', 'prisma');
const fs = require('node:fs');
if (!fs.existsSync(link)) fs.symlinkSync(path.join(root, 'prisma'), link);

#!/usr/bin/env node
// Generates the Prisma client and compiles apps/ and libs/ to dist/ with SWC (about a second).
// Type checking is separate: `npm run typecheck`.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const steps = [
  [path.join(root, 'scripts', 'prisma.js'), 'generate', '--no-hints'],
  [
    path.join(root, 'node_modules', '@swc', 'cli', 'bin', 'swc.js'),
    'apps',
    'libs',
    '-d',
    'dist',
    '--ignore',
    '**/*.spec.ts',
    '--quiet',
  ],
];
for (const args of steps) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

#!/usr/bin/env node
// The npm registry these machines reach lacks some platform-specific binaries (macOS, Windows,
// exotic CPUs) of optional dependencies, so `npm install` leaves them out of package-lock.json and
// `npm ci` then refuses the lockfile ("Missing: … from lock file"). This adds an entry for each
// such optional package, marked with its OS and CPU, which npm skips on Linux x64.
// Run it after changing dependencies: `node scripts/lockfile-platform-stubs.js`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const OS = ['darwin', 'win32', 'android', 'freebsd', 'openharmony', 'linux', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'arm'];

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[`node_modules/${name}`]) continue;
    const os = OS.find((o) => name.includes(o));
    const cpu = CPU.find((c) => new RegExp(`[-_]${c}(\\b|[-_])`).test(name));
    if (!os) continue; // not a platform binary: leave it for npm to resolve
    lock.packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      ...(cpu ? { cpu: [cpu] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile: ${added} platform stub(s) added`);

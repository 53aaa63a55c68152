#!/usr/bin/env node
// What `npm test` needs beyond the npm packages, set up before the tests run (as `npm start`
// sets up its database): Debian's Chromium for the dashboard's browser test, Kamailio (with its
// TLS module) and SIPp for the SIP adapter's suites, Prometheus's promtool for the metrics lint, redis-server and
// PostgreSQL's server binaries for the fault suites' private servers, and the local PostgreSQL
// and Redis the suites create their databases and key prefixes on. `.ci/run` runs this same step.
//
// Missing packages are installed with apt-get where that is possible (root, as on these
// machines); otherwise this stops at once and prints the exact command to run.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const net = require('node:net');

const PACKAGES = [
  { package: 'chromium', present: () => onPath('chromium'), for: 'the dashboard browser test' },
  { package: 'kamailio', present: () => onPath('kamailio'), for: 'the SIP suites (a real SIP proxy)', lean: true },
  {
    package: 'kamailio-tls-modules',
    present: () => existsSync('/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so'),
    for: 'the SIP transport suite (Kamailio over TLS)',
    lean: true,
  },
  {
    package: 'sip-tester',
    present: () => onPath('sipp'),
    for: 'the SIP suites (SIPp plays callees and agents)',
    lean: true,
  },
  { package: 'redis-server', present: () => onPath('redis-server'), for: 'the fault suites (a private Redis)' },
  {
    package: 'prometheus',
    present: () => onPath('promtool'),
    for: 'the metrics lint (promtool check metrics)',
    lean: true,
  },
  {
    package: 'postgresql',
    present: () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0,
    for: 'the outage suite (a private PostgreSQL cluster)',
  },
];

const SERVICES = [
  {
    name: 'PostgreSQL',
    port: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  {
    name: 'Redis',
    port: 6379,
    start:
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function installCommand(packages) {
  // Chromium with its recommended fonts (the browser test takes screenshots); the SIP tools lean.
  const full = packages.filter((p) => !p.lean).map((p) => p.package);
  const lean = packages.filter((p) => p.lean).map((p) => p.package);
  const apt = 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq';
  return [
    'apt-get update -qq',
    ...(full.length ? [`${apt} ${full.join(' ')}`] : []),
    ...(lean.length ? [`${apt} --no-install-recommends ${lean.join(' ')}`] : []),
  ].join(' && ');
}

function reachable(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

function fail(lines) {
  console.error(['', 'autocall tests: cannot start.', ...lines, ''].join('\n'));
  process.exit(1);
}

async function main() {
  const missing = PACKAGES.filter((p) => !p.present());
  if (missing.length) {
    const command = installCommand(missing);
    const canInstall = process.getuid?.() === 0 && onPath('apt-get');
    const list = missing.map((p) => `  - ${p.package}: ${p.for}`);
    if (!canInstall)
      fail(['Missing Debian packages:', ...list, 'Install them (as root), then run npm test again:', `  ${command}`]);
    console.error(['autocall tests: installing missing Debian packages:', ...list].join('\n'));
    const result = spawnSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
    const still = missing.filter((p) => !p.present());
    if (result.status !== 0 || still.length)
      fail([`Installing ${still.map((p) => p.package).join(', ') || 'packages'} failed. Run by hand:`, `  ${command}`]);
  }
  const down = [];
  for (const service of SERVICES) if (!(await reachable(service.port))) down.push(service);
  if (down.length)
    fail(down.flatMap((s) => [`${s.name} is not answering on 127.0.0.1:${s.port}. Start it with:`, `  ${s.start}`]));
}

main();

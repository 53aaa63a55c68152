#!/usr/bin/env node
// Runs every test (what `npm test` runs after the prerequisites and the build), in two passes:
//   1. the unit specs and the suites in test/, two at a time: most of a suite's time is spent
//      waiting on its API and worker processes, PostgreSQL and Redis, so two share a 2-core
//      machine well (about 18 minutes instead of 30 one at a time);
//   2. then, one at a time, the suites that check real-time behaviour against real peers on
//      loopback: SIP through Kamailio and SIPp (retransmission timers, a carrier's Retry-After),
//      and the Redis Cluster of six servers (failovers while dialing). Beside another suite they
//      measure the machine's load as much as AutoCall.
// Both passes run even if the first fails; the exit code is the first failure's.
// With arguments (`npm test -- test/api`, `-t name`), one Jest run with those arguments instead.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const ONE_AT_A_TIME = ['<rootDir>/test/sip/', '<rootDir>/test/cluster/'];

function run(args) {
  const result = spawnSync(process.execPath, [jest, ...args], { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

const given = process.argv.slice(2);
if (given.length) process.exit(run(given));

const shared = run(['--maxWorkers=2', '--testPathIgnorePatterns', '/node_modules/', ...ONE_AT_A_TIME]);
console.log('\nThe suites that run one at a time (SIP through Kamailio and SIPp, the Redis Cluster):\n');
const alone = run([...ONE_AT_A_TIME.map((p) => p.replace('<rootDir>/', '')), '--runInBand', '--selectProjects', 'e2e']);
process.exit(shared || alone);

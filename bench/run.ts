/**
 * Runs AutoCall's benchmarks against the local PostgreSQL and Redis and prints JSON results.
 *   npm run bench                  every benchmark
 *   npm run bench -- acceptance    one of: acceptance, dispatch, throughput, webhooks, cost, memory, soak (30 min),
 *                                  pacing (simulated; `pacing --frontier` for the frontiers,
 *                                  `pacing --blended` for pools sharing agents)
 *   npm run bench -- cost --workers 1,2,4 --trace    (see cost.bench.ts)
 *   npm run bench -- memory [--targets 100000]       Redis bytes per held target (see memory.bench.ts)
 * Results are recorded by hand in bench/RESULTS.md with the machine they ran on.
 */
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import globalSetup from '../test/support/global-setup';
import { acceptanceBench } from './acceptance.bench';
import { costBench, costOptions } from './cost.bench';
import { dispatchBench, dispatchOptions, throughputBench } from './engine.bench';
import { memoryBench, memoryOptions } from './memory.bench';
import { soakBench } from './soak.bench';
import { webhooksBench } from './webhooks.bench';

async function main() {
  const which = process.argv[2];
  // Simulated: no database. `pacing --frontier` sweeps every strategy's knob (a few minutes).
  if (which === 'pacing' && process.argv.includes('--blended'))
    return (await import('./pacing-blended')).pacingBlendedBench();
  if (which === 'pacing' && process.argv.includes('--frontier'))
    return (await import('./pacing-frontier')).pacingFrontierBench(process.argv.slice(3));
  if (which === 'pacing') return (await import('./pacing')).pacingBench(process.argv.slice(3));
  await globalSetup();
  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: execSync('psql --version').toString().trim(),
    redis: execSync('redis-server --version').toString().trim().split(' ').slice(0, 3).join(' '),
  };
  const results: Record<string, unknown> = { machine };
  if (!which || which === 'acceptance') results.acceptance = await acceptanceBench();
  if (!which || which === 'dispatch') results.dispatch = await dispatchBench(dispatchOptions(process.argv.slice(3)));
  if (!which || which === 'throughput') results.throughput = await throughputBench();
  if (!which || which === 'webhooks') results.webhooks = await webhooksBench();
  // The cost of a call (about two minutes per worker count, a minute of it idle) and the soak (30
  // minutes): only when asked for by name.
  if (which === 'cost') results.cost = await costBench(costOptions(process.argv.slice(3)));
  if (which === 'soak') results.soak = await soakBench();
  if (which === 'memory') results.memory = await memoryBench(memoryOptions(process.argv.slice(3)));
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

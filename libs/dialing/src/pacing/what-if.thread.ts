/**
 * The what-if simulation's thread (worker_threads): runs each scenario it is given, in order, and
 * posts each strategy's figures back, so a simulation of seconds of CPU never holds up the dialing
 * engine's event loop. Started by WhatIfThread (what-if-thread.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PacingScenario } from './pacing-simulation';
import { simulatePacing } from './pacing-simulation';
import { outcomeOf } from './what-if';

async function main(): Promise<void> {
  const runs = workerData as { name: string; scenario: PacingScenario }[];
  const outcomes = [];
  for (const { name, scenario } of runs) outcomes.push(outcomeOf(name, await simulatePacing(scenario)));
  parentPort!.postMessage(outcomes);
}

main().catch((error: unknown) => {
  // An error thrown here reaches the parent as the Worker's 'error' event.
  throw error;
});

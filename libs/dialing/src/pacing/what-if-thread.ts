import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PacingScenario } from './pacing-simulation';
import type { WhatIfOutcome } from './what-if';

/** The compiled thread beside this file (dist/libs/dialing/src/pacing/what-if.thread.js). */
const THREAD_FILE = path.join(__dirname, 'what-if.thread.js');

/**
 * Runs a what-if simulation's scenarios on a thread of its own and answers their figures; rejects
 * if the thread fails or runs past `timeoutMs` (it is then terminated).
 */
export function runWhatIf(
  runs: { name: string; scenario: PacingScenario }[],
  timeoutMs: number,
): Promise<WhatIfOutcome[]> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(THREAD_FILE, { workerData: runs });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`the simulation ran past ${Math.round(timeoutMs / 1000)} s`)));
      void thread.terminate();
    }, timeoutMs);
    thread.once('message', (outcomes: WhatIfOutcome[]) => settle(() => resolve(outcomes)));
    thread.once('error', (error) => settle(() => reject(error)));
    thread.once('exit', (code) => settle(() => reject(new Error(`the simulation's thread exited (${code})`))));
  });
}

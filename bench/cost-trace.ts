/**
 * For `npm run bench -- cost --trace`: counts, in the process that loads it, every SQL statement
 * sent through `pg` (Prisma's adapter and the engine's own pool alike), by its text, and the
 * transactions they make (a statement outside BEGIN … COMMIT is one, as PostgreSQL counts it).
 * The worker processes load it with NODE_OPTIONS=--require and write their counts to
 * COST_TRACE_DIR/<pid>.json when sent SIGUSR2; the benchmark's own process calls `traceCounts`.
 * A worker also profiles its CPU from the first SIGUSR2 to the second (the measured calls) and
 * writes the profile to COST_TRACE_DIR/<pid>.cpuprofile. Nothing here changes what a statement does.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { Client } from 'pg';

export interface TraceCounts {
  pid: number;
  /** How many dumps this process has written (the benchmark waits for the one it asked for). */
  seq: number;
  transactions: number;
  /** Statements by their shortened text; those inside an explicit transaction start with "tx: ". */
  statements: Record<string, number>;
}

const IN_TRANSACTION = Symbol('costTraceInTransaction');
const counts: TraceCounts = { pid: process.pid, seq: 0, transactions: 0, statements: {} };
let installed = false;

/** A statement's text, short enough to read in a table: Prisma's column lists and schema names go. */
export function statementLabel(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/"public"\./g, '')
    .replace(/SELECT (?:"\w+"\."\w+"(?:::\w+)?(?: AS "[^"]+")?,? ?)+ FROM/g, 'SELECT … FROM')
    .replace(/RETURNING (?:"\w+"\."\w+"(?:::\w+)?(?: AS "[^"]+")?,? ?)+/g, 'RETURNING …')
    .slice(0, 160);
}

function count(client: object, text: string): void {
  const state = client as { [IN_TRANSACTION]?: boolean };
  const verb = text.trimStart().slice(0, 8).toUpperCase();
  if (verb.startsWith('BEGIN')) {
    state[IN_TRANSACTION] = true;
    counts.transactions++;
  } else if (verb.startsWith('COMMIT') || verb.startsWith('ROLLBACK')) {
    state[IN_TRANSACTION] = false;
  } else if (!state[IN_TRANSACTION]) {
    counts.transactions++;
  }
  const label = `${state[IN_TRANSACTION] && !verb.startsWith('BEGIN') ? 'tx: ' : ''}${statementLabel(text)}`;
  counts.statements[label] = (counts.statements[label] ?? 0) + 1;
}

/** Starts counting in this process (once). */
export function installTrace(): void {
  if (installed) return;
  installed = true;
  const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = prototype.query;
  prototype.query = function (this: object, ...args: unknown[]) {
    const config = args[0] as string | { text?: string } | undefined;
    const text = typeof config === 'string' ? config : config?.text;
    if (text) count(this, text);
    return query.apply(this, args);
  };
}

export function traceCounts(): TraceCounts {
  return { ...counts, statements: { ...counts.statements } };
}

// Loaded with --require into a worker: count from the start, write the counts when asked; the
// CPU profile covers the first window (the calls), and is written before the counts that end it.
const dir = process.env.COST_TRACE_DIR;
if (dir) {
  installTrace();
  const session = new Session();
  session.connect();
  const dump = () => writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(counts));
  process.on('SIGUSR2', () => {
    counts.seq++;
    if (counts.seq === 1) {
      session.post('Profiler.enable', () => session.post('Profiler.start', dump));
    } else if (counts.seq === 2) {
      session.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
        dump();
      });
    } else {
      dump();
    }
  });
}

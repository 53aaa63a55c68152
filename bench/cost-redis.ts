/**
 * Redis's side of `npm run bench -- cost`: its own count of commands (INFO commandstats), and, with
 * --trace, who sent them, read from MONITOR: each command a client sent, named by the script it ran
 * (EVALSHA's SHA-1 looked up among AutoCall's and BullMQ's scripts) or by its command and the family
 * of its first key, and the commands each script ran inside it.
 */
import { createHash } from 'node:crypto';
import Redis from 'ioredis';

/**
 * Calls per Redis command, from INFO commandstats. Redis counts a command a script runs
 * (`redis.call`) as a call of that command, besides the EVALSHA that ran the script: the sum over
 * every command is what Redis executed, client commands and scripts' inner commands together.
 */
export async function redisCommands(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1], Number(match[2]));
  return calls;
}

export const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** A key with its ids taken out: what kind of key it is (`{tenant}:agent:<agent>`, `{tenant}:h.<skill>:prioritized`). */
export function keyFamily(key: string): string {
  return key
    .replace(/^t-[0-9a-f]{8}:/, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/^\{<id>\}/, '{tenant}')
    .replace(/held\.<id>\.[^}:]+/g, 'held.<pool>')
    .replace(/:h\.([^:]+):[A-Za-z0-9_-]{22}\.\d+$/, ':h.$1:<held job>')
    .replace(/\{wakes\}:<id>\|.+$/, '{wakes}:<pool>')
    .replace(/worker-[^:]+$/, 'worker-<id>')
    .replace(/:agent:[^:]+$/, ':agent:<agent>')
    .replace(/:(t|r)-<id>-\d+/g, ':$1-<id>-<n>')
    .replace(/\+?\d{6,}/g, '<n>')
    .replace(/:\d+$/, ':<n>');
}

/** Names of the Lua scripts AutoCall and BullMQ load, by SHA-1 (as EVALSHA names them). */
export function scriptNames(sources: Record<string, string>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, lua] of Object.entries(sources)) names.set(createHash('sha1').update(lua).digest('hex'), name);
  // BullMQ's own scripts, as its connections define them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bullmq = require('bullmq/dist/cjs/scripts') as Record<string, { name: string; content: string }>;
  for (const script of Object.values(bullmq)) {
    if (script?.content) names.set(createHash('sha1').update(script.content).digest('hex'), `bullmq ${script.name}`);
  }
  return names;
}

export interface TraceResult {
  /** Commands clients sent: a script by its name, another command by its name and first key's family. */
  sent: Map<string, number>;
  /** Commands scripts ran, by script. */
  inner: Map<string, Map<string, number>>;
  innerTotal: number;
  sentTotal: number;
}

/**
 * Records, through MONITOR, the commands between two markers (ECHO, sent by `begin` and `end`; a
 * window at a time). MONITOR shows
 * a script's commands right after the EVALSHA that ran them, marked "lua".
 */
export class RedisTrace {
  private result = RedisTrace.empty();
  private counting = false;
  private script: string | null = null;
  private ended?: () => void;
  private monitor?: Redis;

  private constructor(private readonly names: Map<string, string>) {}

  static async start(url: string, names: Map<string, string>): Promise<RedisTrace> {
    const trace = new RedisTrace(names);
    const client = new Redis(url);
    trace.monitor = await client.monitor();
    client.disconnect();
    trace.monitor.on('monitor', (_time: string, args: string[], source: string) => trace.line(args, source));
    return trace;
  }

  private static empty(): TraceResult {
    return { sent: new Map(), inner: new Map(), innerTotal: 0, sentTotal: 0 };
  }

  /** Starts counting afresh (once MONITOR shows the marker). */
  async begin(redis: Redis): Promise<void> {
    this.result = RedisTrace.empty();
    await redis.echo('cost-bench:begin');
  }

  /** Stops counting; resolves once MONITOR has shown everything before the marker. */
  async end(redis: Redis): Promise<TraceResult> {
    const done = new Promise<void>((resolve) => (this.ended = resolve));
    await redis.echo('cost-bench:end');
    await done;
    return this.result;
  }

  stop(): void {
    this.monitor?.disconnect();
  }

  private line(args: string[], source: string): void {
    const command = (args[0] ?? '').toLowerCase();
    if (command === 'echo' && args[1]?.startsWith('cost-bench:')) {
      this.counting = args[1] === 'cost-bench:begin';
      if (!this.counting) this.ended?.();
      return;
    }
    if (!this.counting) return;
    if (source === 'lua') {
      const script = this.script ?? '(script)';
      const inner = this.inner(script);
      inner.set(command, (inner.get(command) ?? 0) + 1);
      this.result.innerTotal++;
      return;
    }
    this.result.sentTotal++;
    let name: string;
    if (SCRIPT_COMMANDS.has(command)) {
      const id = command.startsWith('evalsha')
        ? args[1]
        : createHash('sha1')
            .update(args[1] ?? '')
            .digest('hex');
      const known = this.names.get(id ?? '');
      const firstKey = Number(args[2]) > 0 ? args[3] : undefined;
      name = known ?? `${command} ${firstKey ? keyFamily(firstKey) : (id ?? '').slice(0, 8)}`;
      if (command.startsWith('eval') && !command.startsWith('evalsha')) name += ' (loaded)';
      this.script = name;
    } else {
      this.script = null;
      name = args[1] !== undefined && !NO_KEY.has(command) ? `${command} ${keyFamily(args[1])}` : command;
    }
    this.result.sent.set(name, (this.result.sent.get(name) ?? 0) + 1);
  }

  private inner(script: string): Map<string, number> {
    let inner = this.result.inner.get(script);
    if (!inner) this.result.inner.set(script, (inner = new Map()));
    return inner;
  }
}

// Commands whose first argument is not a key.
const NO_KEY = new Set(['info', 'client', 'config', 'script', 'time', 'ping', 'echo', 'select', 'hello']);

import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields every line has, shown in the line's head rather than after it. */
const HEAD = new Set(['level', 'time', 'pid', 'hostname', 'app', 'msg', 'context', 'req', 'res', 'responseTime']);

/**
 * One pino JSON line as a person reads it at a terminal:
 * `12:03:04.567 INFO  api [AutoCallsController] message key=value …`, requests as
 * `POST /v1/autocalls 202 12ms`. Lines that are not pino's JSON pass unchanged.
 */
export function prettyLogLine(line: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const paint = (code: string, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const parts = [paint('90', time), paint(COLOURS[level] ?? '0', LEVELS[level] ?? String(level))];
  if (entry.app) parts.push(String(entry.app));
  if (entry.context) parts.push(paint('33', `[${String(entry.context)}]`));
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  if (req?.method) {
    parts.push(`${req.method} ${req.url ?? ''}${res?.statusCode ? ` ${res.statusCode}` : ''}`);
    if (typeof entry.responseTime === 'number') parts.push(`${entry.responseTime}ms`);
  }
  if (entry.msg !== undefined && !(req?.method && entry.msg === 'request completed')) parts.push(String(entry.msg));
  for (const [key, value] of Object.entries(entry)) {
    if (HEAD.has(key) || value === undefined) continue;
    if (key === 'err' && value && typeof value === 'object' && 'stack' in value) {
      parts.push(`\n${String((value as { stack: unknown }).stack)}`);
      continue;
    }
    parts.push(paint('90', `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`));
  }
  return parts.join(' ');
}

/** A pino destination that writes each JSON line as `prettyLogLine` shows it. */
export function prettyDestination(out: NodeJS.WriteStream = process.stdout): DestinationStream {
  const colour = out.isTTY === true && !process.env.NO_COLOR;
  let partial = '';
  return {
    write(chunk: string) {
      partial += chunk;
      let end: number;
      while ((end = partial.indexOf('\n')) >= 0) {
        out.write(`${prettyLogLine(partial.slice(0, end), colour)}\n`);
        partial = partial.slice(end + 1);
      }
    },
  };
}

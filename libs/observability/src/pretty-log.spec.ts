import { prettyLogLine } from './pretty-log';

describe('prettyLogLine', () => {
  const at = Date.UTC(2026, 10, 30, 12, 3, 4, 567);

  it('shows time, level, app, context and message, then the other fields as key=value', () => {
    const line = JSON.stringify({
      level: 40,
      time: at,
      pid: 1,
      hostname: 'h',
      app: 'worker',
      context: 'EngineKeeper',
      msg: 'janitor pass failed',
      tenantId: 't-1',
      counts: { a: 1 },
    });
    expect(prettyLogLine(line, false)).toBe(
      '12:03:04.567 WARN  worker [EngineKeeper] janitor pass failed tenantId=t-1 counts={"a":1}',
    );
  });

  it('shows a request as method, url, status and time', () => {
    const line = JSON.stringify({
      level: 30,
      time: at,
      app: 'api',
      req: { id: 'r', method: 'POST', url: '/v1/autocalls' },
      res: { statusCode: 202 },
      responseTime: 12,
      msg: 'request completed',
    });
    expect(prettyLogLine(line, false)).toBe('12:03:04.567 INFO  api POST /v1/autocalls 202 12ms');
  });

  it('colours the level only when asked, and passes a line that is not JSON unchanged', () => {
    expect(prettyLogLine(JSON.stringify({ level: 50, time: at, msg: 'x' }), true)).toContain('\x1b[31mERROR\x1b[0m');
    expect(prettyLogLine('plain text', true)).toBe('plain text');
  });

  it('prints an error with its stack on the lines after', () => {
    const line = JSON.stringify({
      level: 50,
      time: at,
      msg: 'boom',
      err: { type: 'Error', stack: 'Error: boom\n    at x' },
    });
    expect(prettyLogLine(line, false)).toBe('12:03:04.567 ERROR boom \nError: boom\n    at x');
  });
});

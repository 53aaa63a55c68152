import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Params } from 'nestjs-pino';
import { maskPhoneNumbersIn } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { prettyDestination } from './pretty-log';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Secrets never reach the logs, whatever their place in a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.key',
  '*.secret',
  '*.apiKey',
  '*.password',
];

type WithCaller = IncomingMessage & { id?: string; caller?: { tenantId: string; keyId: string } };

/**
 * JSON lines for machines (a pipe, a file, a log shipper); lines for people when stdout is a
 * terminal (LOG_FORMAT=auto, the default), or as LOG_FORMAT says.
 */
function prettyWanted(config: AppConfig): boolean {
  const format = config.get('LOG_FORMAT');
  return format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
}

/**
 * Structured JSON logs (pino) for one process: request ids (taken from `x-request-id` when sane,
 * returned in the response), tenant ids, secrets redacted and phone numbers masked everywhere.
 */
export function loggingParams(config: AppConfig, app: string): Params {
  const options = {
    level: config.get('LOG_LEVEL'),
    base: { app },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: maskPhoneNumbersIn(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (req: IncomingMessage) => {
      const caller = (req as WithCaller).caller;
      return caller ? { tenantId: caller.tenantId, keyId: caller.keyId } : {};
    },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskPhoneNumbersIn(a) : a)),
        );
      },
    },
  };
  return { pinoHttp: prettyWanted(config) ? [options, prettyDestination()] : options };
}

export function loggerModule(config: AppConfig, app: string) {
  return LoggerModule.forRoot(loggingParams(config, app));
}

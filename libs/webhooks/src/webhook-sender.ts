import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { maskPhoneNumbersIn } from '@autocall/common';
import { AttemptResult, parseRetryAfter } from './delivery-outcome';
import { DestinationPolicy, RefusedDestinationError } from './destination-policy';

export interface SentAttempt extends AttemptResult {
  durationMs: number;
  /** The first 1,000 characters of the response body. */
  excerpt: string | null;
}

export interface SenderOptions {
  timeoutMs: number;
  maxResponseBytes: number;
}

const EXCERPT_CHARS = 1_000;

/** PostgreSQL text cannot hold NUL: a binary answer must not make its attempt unrecordable. */
// What a receiver answers is kept for diagnosis only: NULs cannot be stored, and phone numbers are
// masked (a receiver echoing a payload would otherwise keep numbers, even erased ones, in clear).
const printable = (text: string) => maskPhoneNumbersIn(text.replace(/\u0000/g, ''));

/**
 * POSTs one signed webhook. Guards: the destination policy at connect time, one deadline for the
 * whole exchange, the response body read up to a cap, redirects never followed (node:http does
 * not follow them). Keep-alive connections are pooled per origin, so a busy receiver is not
 * reconnected for every event. Never throws: every outcome is an AttemptResult.
 */
export class WebhookSender {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
  };

  constructor(
    private readonly policy: DestinationPolicy,
    private readonly options: SenderOptions,
  ) {}

  send(url: string, headers: Record<string, string>, body: string): Promise<SentAttempt> {
    const started = performance.now();
    const done = (result: Omit<SentAttempt, 'durationMs'>): SentAttempt => ({
      ...result,
      durationMs: Math.round(performance.now() - started),
    });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve(done({ statusCode: null, error: 'invalid_url', refused: true, excerpt: null }));
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.policy.permits(host)) {
      return Promise.resolve(done({ statusCode: null, error: 'destination_refused', refused: true, excerpt: null }));
    }
    const transport = target.protocol === 'https:' ? https : http;
    const agent = this.agents[target.protocol as 'http:' | 'https:'];
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: Omit<SentAttempt, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(done(result));
      };
      const request = transport.request(
        target,
        {
          method: 'POST',
          agent,
          lookup: this.policy.lookup as never,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'AutoCall-Webhooks/1',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const complete = () =>
            finish({
              statusCode: response.statusCode ?? null,
              error: null,
              retryAfterMs: parseRetryAfter(response.headers['retry-after'] as string | undefined),
              excerpt: chunks.length ? printable(Buffer.concat(chunks).toString('utf8')).slice(0, EXCERPT_CHARS) : null,
            });
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= this.options.maxResponseBytes) chunks.push(chunk);
            else {
              // Enough: the status is known, the rest of an oversized body is not read.
              complete();
              response.destroy();
            }
          });
          response.on('end', complete);
          response.on('error', () => complete());
        },
      );
      const deadline = setTimeout(() => {
        finish({ statusCode: null, error: 'timeout', excerpt: null });
        request.destroy();
      }, this.options.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        const refused = error instanceof RefusedDestinationError;
        finish({
          statusCode: null,
          error: refused ? 'destination_refused' : `network_error: ${error.code ?? error.message}`.slice(0, 200),
          refused,
          excerpt: null,
        });
      });
      request.end(body);
    });
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

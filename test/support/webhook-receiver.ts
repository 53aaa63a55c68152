import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { webhookPayloadViolation } from '@autocall/webhooks';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are checked field by field
  envelope: { id: string; type: string; createdAt: string; tenantId: string; data: Record<string, any> };
  receivedAt: number;
}

/**
 * How the receiver answers the next request: a status; `hang` (never answer); `reset` (the
 * connection is destroyed once the request has been read, before any answer); or an answer with
 * headers, a body and `delayMs` (a slow receiver).
 */
export type ReceiverBehaviour = (
  request: ReceivedWebhook,
  count: number,
) =>
  | number
  | 'hang'
  | 'reset'
  | { status: number; headers?: Record<string, string>; body?: Buffer | string; delayMs?: number };

/**
 * Deliveries whose body is not what WEBHOOK_PAYLOAD_SCHEMAS (the OpenAPI document's `webhooks`)
 * says, in this test file. Every suite that imports the receiver fails on them, whatever its tests
 * look at: the test during which one arrived fails (afterEach), and one left over fails the file
 * (afterAll). Registered at import, in the file's root block, so no suite can forget them.
 */
export const webhookContractViolations: string[] = [];
let reported = 0;

function unreportedViolations(): Error | null {
  const fresh = webhookContractViolations.slice(reported);
  reported = webhookContractViolations.length;
  if (!fresh.length) return null;
  return new Error(
    `Webhook contract: ${fresh.length} deliveries do not match WEBHOOK_PAYLOAD_SCHEMAS:\n${fresh.join('\n')}`,
  );
}

afterEach(() => {
  const failure = unreportedViolations();
  if (failure) throw failure;
});
afterAll(() => {
  const failure = unreportedViolations();
  if (failure) throw failure;
});

/** What is wrong with a delivery's body, or null when the document's `webhooks` describes it. */
export function webhookViolation(body: string): string | null {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  return webhookPayloadViolation(envelope);
}

/**
 * A webhook receiver on loopback that records every request, and answers as told (by default 204).
 * Verification is left to the tests, with the independent `standardwebhooks` package. Every body
 * is checked against WEBHOOK_PAYLOAD_SCHEMAS (see webhookContractViolations).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  behaviour: ReceiverBehaviour = () => 204;
  private readonly hanging = new Set<http.ServerResponse>();
  private server: http.Server | null = null;

  private constructor(public port: number) {}

  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(port);
    await receiver.listen();
    return receiver;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async listen(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const violation = webhookViolation(body);
        if (violation) {
          const at = `${req.method} ${req.url} webhook-id ${String(req.headers['webhook-id'])}`;
          webhookContractViolations.push(`${at}: ${violation}; body: ${body.slice(0, 600)}`);
        }
        const hook: ReceivedWebhook = {
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
          body,
          path: req.url ?? '/',
          envelope: violation === 'body is not JSON' ? ({} as ReceivedWebhook['envelope']) : JSON.parse(body),
          receivedAt: Date.now(),
        };
        this.received.push(hook);
        const answer = this.behaviour(hook, this.received.length);
        if (answer === 'hang') {
          this.hanging.add(res);
          return;
        }
        if (answer === 'reset') {
          req.socket.destroy();
          return;
        }
        const reply = typeof answer === 'number' ? { status: answer } : answer;
        const send = () => {
          if (res.destroyed) return;
          res
            .writeHead(reply.status, reply.headers ?? {})
            .end(reply.body ?? (reply.status >= 400 ? `error ${reply.status}` : ''));
        };
        if (reply.delayMs) {
          this.hanging.add(res);
          setTimeout(() => {
            this.hanging.delete(res);
            send();
          }, reply.delayMs);
        } else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening (connections refused from now on) but keeps what was received. */
  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Verifies a received webhook with `standardwebhooks`; throws when the signature is wrong. */
  static verify(secret: string, hook: ReceivedWebhook): unknown {
    return new Webhook(secret).verify(hook.body, {
      'webhook-id': hook.id,
      'webhook-timestamp': hook.timestamp,
      'webhook-signature': hook.signature,
    });
  }

  /** The distinct events (by webhook-id), in the order they first arrived. */
  events(filter: (hook: ReceivedWebhook) => boolean = () => true): ReceivedWebhook[] {
    const seen = new Set<string>();
    return this.received.filter((h) => filter(h) && !seen.has(h.id) && seen.add(h.id));
  }
}

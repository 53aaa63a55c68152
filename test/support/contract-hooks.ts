import type { Server } from 'node:http';
import request, { Test } from 'supertest';
import { checked, contractOfOrigin, contractOfServer, contractViolation, isApiRoute, ReceivedAnswer } from './contract';

/**
 * Puts the contract check (contract.ts) on every request an e2e suite makes: supertest's, whose
 * assertions then also fail on an answer the document does not describe, and fetch's, which then
 * rejects. Idempotent.
 */
export function installContractChecks(): void {
  const prototype = Test.prototype as unknown as TestInternals & { __contract?: true };
  if (prototype.__contract) return;
  prototype.__contract = true;

  const assert = prototype.assert;
  prototype.assert = function (this: TestInternals, error, res, fn) {
    if (!res || !isApiRoute(this.url)) return assert.call(this, error, res, fn);
    const answer: ReceivedAnswer = {
      method: this.method,
      url: this.url,
      status: res.status,
      headers: res.headers,
      body: res.text ?? '',
    };
    contractOf(this.app)
      .then((contract) => contractViolation(contract, answer))
      .catch((failure: Error) => `contract check: ${failure.message}`)
      .then((violation) => {
        checked.answers++;
        if (!violation) return assert.call(this, error, res, fn);
        assert.call(this, error, res, (first, response) =>
          fn?.call(this, first ?? new Error(`OpenAPI contract: ${violation}`), response),
        );
      });
  };

  const fetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!isApiRoute(url.href)) return response;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const answer: ReceivedAnswer = {
      method,
      url: url.href,
      status: response.status,
      headers: headersOf(response),
      body: method.toUpperCase() === 'HEAD' ? '' : await response.clone().text(),
    };
    const contract = await contractOfOrigin(url.origin, async () => {
      const served = await fetch(`${url.origin}/openapi.json`);
      return { status: served.status, body: served.status === 200 ? await served.json() : null };
    });
    const violation = contractViolation(contract, answer);
    checked.answers++;
    if (violation) throw new Error(`OpenAPI contract: ${violation}`);
    return response;
  };
}

interface TestInternals {
  app: Server | string;
  url: string;
  method: string;
  assert(
    error: Error | null,
    res: { status: number; headers: Record<string, string>; text?: string } | undefined,
    fn?: (error: Error | null, res: unknown) => void,
  ): void;
}

function contractOf(app: Server | string) {
  if (typeof app === 'string') {
    return contractOfOrigin(new URL(app).origin, async () => {
      const served = await request(app).get('/openapi.json');
      return { status: served.status, body: served.body };
    });
  }
  return contractOfServer(app, async () => {
    const served = await request(app).get('/openapi.json');
    return { status: served.status, body: served.body };
  });
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return headers;
}

import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths, webhooks } from './openapi';

export type { components, paths, webhooks };
/** The schemas of AutoCall's answers, requests, problems and webhook payloads, by name. */
export type AutoCallSchemas = components['schemas'];
export type AutoCallClient = Client<paths>;

export interface AutoCallClientOptions {
  /** Where AutoCall answers, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An AutoCall API key (`ak_…`). */
  apiKey: string;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: ClientOptions['fetch'];
}

/**
 * A typed client of AutoCall's API: every path, parameter, body and answer is typed from the
 * OpenAPI document (libs/client/src/openapi.ts, generated). Each call resolves to
 * `{ data, error, response }`: `data` for a 2xx answer, `error` (problem+json) otherwise.
 *
 *   const autocall = createAutoCallClient({ baseUrl: 'http://127.0.0.1:3000', apiKey });
 *   const { data } = await autocall.POST('/v1/autocalls', { body: { mode: 'sequential', skill: 'sales', targets } });
 */
export function createAutoCallClient(options: AutoCallClientOptions): AutoCallClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${options.apiKey}` },
    fetch: options.fetch,
  });
}

/** A problem+json answer of AutoCall, as an error (`problem.code` is stable). */
export class AutoCallProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`AutoCall answered ${status}: ${JSON.stringify(problem)}`);
  }
}

/** The data of a 2xx answer; any other answer throws its problem (AutoCallProblem). */
export function dataOf<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || !answer.response.ok)
    throw new AutoCallProblem(answer.response.status, answer.error);
  return answer.data as T;
}

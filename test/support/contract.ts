import type { Server } from 'node:http';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * The contract test: every answer of a `/v1` or `/health` route that an e2e suite receives, through
 * supertest or fetch, is checked against the OpenAPI document the API serves (its status declared
 * for the operation, its media type declared, its body valid against the schema, its required
 * headers present). A response the document does not describe fails the request, so the test that
 * made it fails. Installed for every e2e suite by jest-setup.ts; no route is exempt.
 */

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }>; headers?: Record<string, Json> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

export interface ReceivedAnswer {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Answers checked so far in this Jest worker (the suites' own sanity check reads it). */
export const checked = { answers: 0 };

const API_ROUTE = /^\/(v1|health)(\/|$)/;

export function isApiRoute(url: string): boolean {
  return API_ROUTE.test(new URL(url, 'http://localhost').pathname);
}

/** What is wrong with an answer, or null when the document describes it. */
export function contractViolation(contract: Contract, answer: ReceivedAnswer): string | null {
  const { pathname } = new URL(answer.url, 'http://localhost');
  const method = answer.method.toLowerCase();
  const name = `${answer.method.toUpperCase()} ${pathname} → ${answer.status}`;
  const found = contract.operation(method, pathname);
  if (!found) {
    // No such route: Nest's own 404, as problem+json.
    if (answer.status === 404 && mediaType(answer) === 'application/problem+json') return null;
    return `${name}: no operation of the OpenAPI document matches`;
  }
  const { template, operation } = found;
  const response = operation.responses[String(answer.status)] ?? operation.responses.default;
  if (!response) {
    return `${name}: status not declared for ${method.toUpperCase()} ${template} (declared: ${Object.keys(operation.responses).join(', ')})`;
  }
  for (const [header, declared] of Object.entries(response.headers ?? {})) {
    if (declared.required && answer.headers[header.toLowerCase()] === undefined)
      return `${name}: required header ${header} missing`;
  }
  if (answer.method.toUpperCase() === 'HEAD') return null;
  const declaredTypes = Object.keys(response.content ?? {});
  if (!answer.body) {
    return declaredTypes.length ? `${name}: empty body, the document declares ${declaredTypes.join(', ')}` : null;
  }
  const type = mediaType(answer);
  if (!type || !response.content?.[type]) {
    return `${name}: body of type ${type ?? '(none)'} not declared (declared: ${declaredTypes.join(', ') || 'no body'})`;
  }
  if (!/json$/.test(type)) return null;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `${name}: body is not JSON`;
  }
  const status = String(answer.status) in operation.responses ? String(answer.status) : 'default';
  const validate = contract.validator(template, method, status, type);
  if (validate && !validate(body)) {
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    return `${name}: body does not match the document's schema: ${errors.join('; ')}; body: ${answer.body.slice(0, 600)}`;
  }
  return null;
}

function mediaType(answer: ReceivedAnswer): string | null {
  const header = answer.headers['content-type'];
  const value = Array.isArray(header) ? header[0] : header;
  return value ? value.split(';')[0].trim().toLowerCase() : null;
}

/** One served document, its operations matched by path template and its schemas compiled once. */
export class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly validators = new Map<string, ValidateFunction | null>();
  private readonly templates: { template: string; pattern: RegExp; params: number }[];

  constructor(readonly document: OpenApiDocument) {
    if (!document.openapi?.startsWith('3.1'))
      throw new Error(`the served document is OpenAPI ${document.openapi}, not 3.1`);
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: 'urn:autocall:openapi' } as Json);
    this.templates = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      // A literal segment wins over a parameter (`/v1/lines/usage` before `/v1/lines/{x}`).
      .sort((a, b) => a.params - b.params);
  }

  operation(method: string, pathname: string): { template: string; operation: Operation } | null {
    for (const { template, pattern } of this.templates) {
      if (!pattern.test(pathname)) continue;
      const operation = this.document.paths[template][method];
      if (operation) return { template, operation };
    }
    return null;
  }

  validator(template: string, method: string, status: string, type: string): ValidateFunction | null {
    const pointer = ['paths', template, method, 'responses', status, 'content', type, 'schema']
      .map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1')))
      .join('/');
    if (!this.validators.has(pointer)) {
      const operation = this.document.paths[template][method];
      const schema = operation.responses[status]?.content?.[type]?.schema;
      this.validators.set(pointer, schema ? this.ajv.compile({ $ref: `urn:autocall:openapi#/${pointer}` }) : null);
    }
    return this.validators.get(pointer) ?? null;
  }
}

// The documents served, per server (supertest) or origin (fetch); the API's is the same wherever it
// is served, so a process that serves none (a worker's /health) is checked against one already read.
const byServer = new WeakMap<object, Promise<Contract>>();
const byOrigin = new Map<string, Promise<Contract | null>>();
let lastKnown: Contract | null = null;

async function read(load: () => Promise<{ status: number; body: unknown }>): Promise<Contract | null> {
  const { status, body } = await load();
  if (status !== 200) return null;
  lastKnown = new Contract(body as OpenApiDocument);
  return lastKnown;
}

export function contractOfServer(server: Server, get: () => Promise<{ status: number; body: unknown }>) {
  let contract = byServer.get(server);
  if (!contract) {
    contract = read(get).then((found) => {
      if (!found) throw new Error('the API under test serves no /openapi.json');
      return found;
    });
    byServer.set(server, contract);
  }
  return contract;
}

export async function contractOfOrigin(
  origin: string,
  get: () => Promise<{ status: number; body: unknown }>,
): Promise<Contract> {
  let contract = byOrigin.get(origin);
  if (!contract) {
    contract = read(get);
    byOrigin.set(origin, contract);
  }
  const found = (await contract) ?? lastKnown;
  if (!found) throw new Error(`${origin} serves no /openapi.json and no API document was read before`);
  return found;
}

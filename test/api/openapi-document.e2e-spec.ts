import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { WEBHOOK_EVENT_TYPES } from '../../libs/webhooks/src';
import { ApiHarness } from '../support/api-harness';

type Response = {
  description: string;
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, { schema: { $ref?: string; type?: string } }>;
};
type Operation = {
  responses: Record<string, Response>;
  security?: unknown[];
  parameters?: { in: string; name: string }[];
};

/**
 * The served OpenAPI document, as an integrator generating a client reads it: OpenAPI 3.1, every
 * operation with its success status and the body of each answer, every error it lists as
 * problem+json of the one Problem schema, the headers integrators rely on, the webhook events, and
 * clean under Redocly's lint. (Every answer the e2e suites receive is also checked against it:
 * test/support/contract.ts.)
 */
describe('the OpenAPI document', () => {
  let api: ApiHarness;
  let document: { openapi: string; webhooks?: Record<string, unknown>; paths: Record<string, unknown> };
  let operations: { name: string; operation: Operation; path: string }[];

  beforeAll(async () => {
    api = await ApiHarness.start('openapi_document');
    const { body } = await api.http().get('/openapi.json').expect(200);
    document = body;
    operations = Object.entries(body.paths as Record<string, Record<string, Operation>>)
      .filter(([path]) => path.startsWith('/v1') || path.startsWith('/health'))
      .flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]) => ({
          name: `${method.toUpperCase()} ${path}`,
          operation,
          path,
        })),
      );
    expect(operations.length).toBeGreaterThan(30);
  });
  afterAll(() => api.stop());

  it('is OpenAPI 3.1 and describes /health beside /v1', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(operations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['GET /health/live', 'GET /health/ready', 'GET /v1/settings']),
    );
  });

  it('describes the body of every success answer but 204', () => {
    const without = operations.flatMap(({ name, operation }) =>
      Object.entries(operation.responses)
        .filter(([status, response]) => /^2\d\d$/.test(status) && status !== '204' && !response.content)
        .map(([status]) => `${name} ${status}`),
    );
    expect(without).toEqual([]);
  });

  it('declares Retry-After on every 429 and 503, and Idempotent-Replayed where a key is honoured', () => {
    for (const { name, operation } of operations) {
      for (const status of ['429', '503']) {
        const response = operation.responses[status];
        if (response)
          expect({ name, status, header: response.headers?.['Retry-After']?.required }).toEqual({
            name,
            status,
            header: true,
          });
      }
    }
    const honouring = operations.filter(({ operation }) =>
      operation.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
    );
    expect(honouring.map((o) => o.name).sort()).toEqual([
      'POST /v1/autocalls',
      'POST /v1/call-stops',
      'POST /v1/callbacks',
      'POST /v1/pacing/simulations',
    ]);
    for (const { name, operation } of honouring) {
      const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      for (const [status, response] of success)
        expect({ name, status, replayed: !!response.headers?.['Idempotent-Replayed'] }).toEqual({
          name,
          status,
          replayed: true,
        });
    }
  });

  it('describes every webhook event as an OpenAPI 3.1 webhook', () => {
    expect(Object.keys(document.webhooks ?? {}).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });

  it('is the document the typed client (libs/client) was generated from: npm run client:generate', () => {
    const root = join(__dirname, '../..');
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const run = spawnSync(process.execPath, [join(root, 'scripts/client-types.js'), file], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const committed = readFileSync(join(root, 'libs/client/src/openapi.ts'), 'utf8');
    expect(
      committed === run.stdout ? 'current' : 'stale: run npm run client:generate, commit libs/client/src/openapi.ts',
    ).toBe('current');
  });

  it("lints clean under Redocly's recommended rules, warnings as errors", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const run = spawnSync(
      process.execPath,
      [
        require.resolve('@redocly/cli/bin/cli.js'),
        'lint',
        file,
        '--config',
        join(__dirname, '../../redocly.yaml'),
        '--format',
        'stylish',
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    expect({ status: run.status, output: run.status === 0 ? '' : `${run.stdout}${run.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });

  it('declares the success status of every operation', () => {
    const without = operations
      .filter(({ operation }) => !Object.keys(operation.responses).some((s) => /^2\d\d$/.test(s)))
      .map(({ name }) => name);
    expect(without).toEqual([]);
  });

  it.each([
    ['POST /v1/callbacks', '201'],
    ['GET /v1/contacts/{contactId}', '200'],
    ['POST /v1/autocalls/{id}/cancel', '200'],
    ['PUT /v1/agents/{agentId}/state', '200'],
    ['DELETE /v1/api-keys/{keyId}', '204'],
    ['POST /v1/webhook-deliveries/{id}/retry', '202'],
    ['PATCH /v1/callbacks/{id}', '200'],
    ['POST /v1/callbacks/{id}/cancel', '200'],
  ])('declares %s %s', (name, status) => {
    const found = operations.find((o) => o.name === name);
    expect(found && Object.keys(found.operation.responses)).toContain(status);
  });

  it('describes every error of /v1 as problem+json, with 401, 403 and 503 on every operation behind a key', () => {
    for (const { name, operation, path } of operations.filter((o) => o.path.startsWith('/v1'))) {
      const statuses = Object.keys(operation.responses);
      if (operation.security?.length)
        expect({ name, statuses }).toEqual({ name, statuses: expect.arrayContaining(['401', '403', '503']) });
      if (path.includes('{')) expect({ name, statuses }).toEqual({ name, statuses: expect.arrayContaining(['404']) });
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        expect({ name, status, schema: response.content?.['application/problem+json']?.schema }).toEqual({
          name,
          status,
          schema: { $ref: '#/components/schemas/Problem' },
        });
      }
    }
  });

  it("describes the AutoCall's answers with their schemas", () => {
    const schemaOf = (name: string, status: string) =>
      operations.find((o) => o.name === name)?.operation.responses[status]?.content?.['application/json']?.schema;
    expect(schemaOf('POST /v1/autocalls', '202')).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['id', 'status', 'counts', 'targets']),
    });
    expect(schemaOf('GET /v1/autocalls/{id}', '200')).toMatchObject({
      required: expect.arrayContaining(['abandon']),
    });
  });
});

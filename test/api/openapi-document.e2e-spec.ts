import { ApiHarness } from '../support/api-harness';

type Response = { description: string; content?: Record<string, { schema: { $ref?: string } }> };
type Operation = { responses: Record<string, Response>; security?: unknown[] };

/**
 * The served OpenAPI document, as an integrator generating a client reads it: every operation
 * says which success status it answers with, and every error it lists is problem+json of the one
 * Problem schema. (Of the success bodies, only the AutoCall's are described yet.)
 */
describe('the OpenAPI document', () => {
  let api: ApiHarness;
  let operations: { name: string; operation: Operation; path: string }[];

  beforeAll(async () => {
    api = await ApiHarness.start('openapi_document');
    const { body } = await api.http().get('/openapi.json').expect(200);
    operations = Object.entries(body.paths as Record<string, Record<string, Operation>>)
      .filter(([path]) => path.startsWith('/v1'))
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

  it('describes every error as problem+json, with 401, 403 and 503 on every operation behind a key', () => {
    for (const { name, operation, path } of operations) {
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

import { z } from 'zod';

/** An instant in a request: ISO 8601 with an offset (Z or ±hh:mm), as a Date. */
export const instantSchema = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/**
 * The JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) of a zod schema: of what a request may
 * send (`input`), or of what a response holds (`output`: objects closed, as the tests check them).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return json;
}

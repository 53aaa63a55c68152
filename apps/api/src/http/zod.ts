import { applyDecorators, Body, PipeTransform, Query } from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { FieldError, InvalidRequestError } from '@autocall/common';

/** `targets[3].phoneNumber` from zod's path. */
export function fieldPath(path: PropertyKey[], root = ''): string {
  let out = root;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(body)';
}

export function toFieldErrors(error: z.ZodError, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({
          field: fieldPath([...issue.path, key], root),
          code: 'unknown_field',
          message: 'This field is not part of the API.',
        });
      }
      continue;
    }
    errors.push({ field: fieldPath(issue.path, root), code: issue.code, message: issue.message });
  }
  return errors;
}

export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly root = '',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? (this.root ? {} : undefined));
    if (!result.success) throw new InvalidRequestError(toFieldErrors(result.error, this.root));
    return result.data;
  }
}

export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}

/** A JSON body validated by the zod schema, which also documents it in OpenAPI. */
export function ZodBody<S extends z.ZodType>(schema: S): ParameterDecorator {
  return Body(new ZodPipe(schema));
}

export function DocumentedBody(schema: z.ZodType, description?: string): MethodDecorator {
  return applyDecorators(ApiBody({ schema: openApiSchema(schema), description }));
}

/** Query parameters validated by the zod schema (field paths start with `query.`). */
export function ZodQuery<S extends z.ZodType>(schema: S): ParameterDecorator {
  return Query(new ZodPipe(schema, 'query'));
}

/** A JSON response described by the zod schema the tests check real responses with. */
export function DocumentedResponse(status: number, schema: z.ZodType, description: string): MethodDecorator {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return applyDecorators(ApiResponse({ status, description, schema: json }));
}

import { applyDecorators, Body, PipeTransform, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiQueryOptions, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { FieldError, InvalidRequestError, jsonSchemaOf } from '@autocall/common';

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

export const openApiSchema = jsonSchemaOf;

/** A JSON body validated by the zod schema, which also documents it in OpenAPI. */
export function ZodBody<S extends z.ZodType>(schema: S): ParameterDecorator {
  return Body(new ZodPipe(schema));
}

export function DocumentedBody(schema: z.ZodType, description?: string, required = true): MethodDecorator {
  return applyDecorators(ApiBody({ schema: openApiSchema(schema), description, required }));
}

/**
 * Query parameters validated by the zod schema (field paths start with `query.`), and documented
 * in OpenAPI from the same schema, one parameter per field.
 */
export function ZodQuery<S extends z.ZodType>(schema: S): ParameterDecorator {
  const validated = Query(new ZodPipe(schema, 'query'));
  return (target, method, index) => {
    validated(target, method, index);
    const descriptor = method === undefined ? undefined : Object.getOwnPropertyDescriptor(target, method);
    if (!descriptor || method === undefined) return;
    for (const parameter of queryParameters(schema)) ApiQuery(parameter)(target, method, descriptor);
  };
}

function queryParameters(schema: z.ZodType): ApiQueryOptions[] {
  const json = openApiSchema(schema) as { properties?: Record<string, { description?: string }>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, field]) => ({
    name,
    required: json.required?.includes(name) ?? false,
    description: field.description,
    schema: field,
  }));
}

/** A JSON response described by the zod schema the tests check real responses with. */
export function DocumentedResponse(status: number, schema: z.ZodType, description: string): MethodDecorator {
  return applyDecorators(ApiResponse({ status, description, schema: openApiSchema(schema, 'output') }));
}

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  DomainError,
  FieldError,
  isStorageUnavailable,
  maskPhoneNumbersIn,
  ProblemCode,
  TooManyRequestsError,
} from '@autocall/common';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode | string;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Invalid security user',
  403: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

const CODES_BY_STATUS: Record<number, ProblemCode> = {
  400: 'invalid_request',
  401: 'invalid_security_user',
  403: 'unauthorized',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

type BodyParserError = { type?: string; status?: number; message: string };

/**
 * The one place where errors become responses: RFC 9457 problem+json with a stable `code`
 * (shared/DESIGN.md §4). Unknown errors are logged and answered as a bare 500 without details.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request & { id?: string }>();
    const response = context.getResponse<Response>();
    const problem = this.toProblem(exception);
    problem.instance = maskPhoneNumbersIn(request.originalUrl ?? request.url);
    if (request.id) problem.requestId = String(request.id);
    if (exception instanceof TooManyRequestsError)
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (problem.status === 503) response.setHeader('Retry-After', '5');
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof DomainError) {
      return this.problem(
        exception.status,
        exception.code,
        exception.message,
        (exception as { errors?: FieldError[] }).errors,
      );
    }
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.parse.failed') {
      return this.problem(400, 'invalid_request', 'The body is not valid JSON.', [
        { field: '(body)', code: 'malformed_json', message: 'The body is not valid JSON.' },
      ]);
    }
    if (parserError?.type === 'entity.too.large') {
      return this.problem(413, 'payload_too_large', 'The body is larger than this endpoint accepts.');
    }
    if (parserError?.type && typeof parserError.status === 'number' && parserError.status < 500) {
      return this.problem(parserError.status === 415 ? 415 : 400, 'invalid_request', parserError.message);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        const detail = status === 404 ? 'No such resource.' : exception.message;
        return this.problem(status, CODES_BY_STATUS[status] ?? 'invalid_request', detail);
      }
    }
    if (isStorageUnavailable(exception)) {
      this.logger.warn(`storage unavailable: ${(exception as Error).message}`);
      return this.problem(503, 'service_unavailable', 'A storage service is unavailable; retry shortly.');
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return this.problem(
      500,
      'internal_error',
      'Something went wrong inside AutoCall; the request id helps to find out what.',
    );
  }

  private problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
    return {
      type: `urn:autocall:problem:${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      ...(errors?.length ? { errors } : {}),
    };
  }
}

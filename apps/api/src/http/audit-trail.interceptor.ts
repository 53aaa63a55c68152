import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Counter } from 'prom-client';
import { concatMap, Observable } from 'rxjs';
import { auditEntryOf, AuditEvents } from '@autocall/audit';
import type { Caller } from '@autocall/tenancy';
import { AUDIT_ACTION } from './audited.decorator';

const auditWriteFailures = new Counter({
  name: 'autocall_audit_write_failures_total',
  help: 'Successful mutating requests whose audit event could not be stored (each one is logged as an error)',
});

type AnsweredRequest = Request & { id?: unknown; caller?: Caller; route?: { path?: unknown } };

/**
 * The audit trail of every successful mutating /v1 request, for every route, with no code in the
 * routes (they may name their action with @Audited). The event is stored after the handler
 * succeeded and before the answer leaves, so a client that has its answer finds the event. The work
 * is committed by then: when the audit insert fails, the answer stays the success it is (failing it
 * would invite a retry of work done), and the failure is logged as an error and counted
 * (autocall_audit_write_failures_total).
 */
@Injectable()
export class AuditTrailInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AuditTrail');

  constructor(
    private readonly reflector: Reflector,
    private readonly auditEvents: AuditEvents,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AnsweredRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    if (request.method === 'GET' || request.method === 'HEAD' || !request.caller) return next.handle();
    const action = this.reflector.getAllAndOverride<string | undefined>(AUDIT_ACTION, [
      context.getHandler(),
      context.getClass(),
    ]);
    return next.handle().pipe(
      concatMap(async (answer: unknown) => {
        await this.record(request, response, action, answer);
        return answer;
      }),
    );
  }

  private async record(request: AnsweredRequest, response: Response, action: string | undefined, answer: unknown) {
    const caller = request.caller;
    const route = request.route?.path;
    if (!caller || typeof route !== 'string') return;
    const entry = auditEntryOf({
      method: request.method,
      route,
      params: request.params,
      status: response.statusCode,
      replayed: response.getHeader('Idempotent-Replayed') === 'true',
      action,
      answer,
    });
    if (!entry) return;
    const requestId = String(request.id ?? response.getHeader('x-request-id') ?? '');
    try {
      await this.auditEvents.record(caller, requestId, entry);
    } catch (error) {
      auditWriteFailures.inc();
      this.logger.error(
        `audit event of request ${requestId} (${entry.action}, tenant ${caller.tenantId}, key ${caller.keyId}) ` +
          `not stored: ${(error as Error).message}`,
      );
    }
  }
}

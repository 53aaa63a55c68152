import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '@autocall/common';
import type { Caller } from '@autocall/tenancy';

/** The authenticated caller of this request (set by the auth guard). */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  return ctx.switchToHttp().getRequest<{ caller: Caller }>().caller;
});

/** An `agent` key acts for its own agent only; other roles act for any agent of the tenant. */
export function assertActsFor(caller: Caller, agentId: string): void {
  if (caller.role === 'agent' && caller.agentId !== agentId) {
    throw new UnauthorizedError('An agent key acts for its own agent only.');
  }
}

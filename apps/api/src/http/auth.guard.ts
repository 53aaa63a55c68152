import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidSecurityUserError, UnauthorizedError } from '@autocall/common';
import { IS_PUBLIC } from '@autocall/observability';
import { ApiKeysService, Caller, Role, roleAllows } from '@autocall/tenancy';
import { ROLES } from './roles.decorator';

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,200})$/;

/**
 * Every route needs a bearer API key unless marked @Public(), and names its roles with @Roles();
 * a route that names none is closed to all but admin keys.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<{ headers: Record<string, string>; caller?: Caller }>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    const caller = match ? await this.apiKeys.authenticate(match[1]) : null;
    if (!caller) throw new InvalidSecurityUserError();
    request.caller = caller;

    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES, targets) ?? [];
    if (!roleAllows(caller.role, roles)) throw new UnauthorizedError();
    return true;
  }
}

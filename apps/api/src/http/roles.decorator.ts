import { SetMetadata } from '@nestjs/common';
import type { Role } from '@autocall/tenancy';

export const ROLES = 'autocall:roles';

/** The roles that may call a route, besides `admin` (which may call every route). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

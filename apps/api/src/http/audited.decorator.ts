import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION = 'autocall:audit-action';

/**
 * What a mutating route does, in the audit trail's words: `<resource type>.<what happened>`, e.g.
 * `autocall.submitted` (README, "Audit trail"). A route without it is audited all the same, as
 * `METHOD /v1/route/{template}`.
 */
export const Audited = (action: `${string}.${string}`) => SetMetadata(AUDIT_ACTION, action);

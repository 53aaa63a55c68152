import { sqlStateOf } from '@autocall/common';

/**
 * What PostgreSQL refuses when a dial or a bridge would break a bound (the triggers and the index
 * of the migration lines_and_agents_decided_in_postgres): a contact is inserted only with a free
 * line of its tenant, and an agent becomes a contact's agent only while available and the agent of
 * no other live contact. Redis's reservations are an admission cache in front of this: when they
 * are stale (lost, restored late, missing a bridge), PostgreSQL refuses and the engine backs off.
 */
export type BoundRefusal = 'no_free_line' | 'no_free_trunk' | 'agent_taken';

/** SQLSTATE raised by contacts_take_line: the tenant has no free line for this contact. */
export const NO_FREE_LINE_SQLSTATE = 'AC001';
/**
 * SQLSTATE raised by take_trunk (migration trunks): the tenant has trunks and none has a free
 * channel and a call-rate token now, or its trunk is paused after an overload.
 */
export const NO_FREE_TRUNK_SQLSTATE = 'AC003';
/** SQLSTATE raised by contacts_assign_agent: the agent is not available. */
export const AGENT_NOT_AVAILABLE_SQLSTATE = 'AC002';
/** The unique index that keeps an agent the agent of one live contact at most. */
export const ONE_LIVE_CONTACT_PER_AGENT = 'contacts_one_live_contact_per_agent';

export function boundRefusalOf(error: unknown): BoundRefusal | null {
  const state = sqlStateOf(error);
  if (state === NO_FREE_LINE_SQLSTATE) return 'no_free_line';
  if (state === NO_FREE_TRUNK_SQLSTATE) return 'no_free_trunk';
  if (state === AGENT_NOT_AVAILABLE_SQLSTATE) return 'agent_taken';
  if (state === '23505') {
    const e = error as { constraint?: string; message?: string; meta?: unknown };
    const where = `${e?.constraint ?? ''} ${e?.message ?? ''} ${JSON.stringify(e?.meta ?? '')}`;
    if (where.includes(ONE_LIVE_CONTACT_PER_AGENT)) return 'agent_taken';
  }
  return null;
}

/** A dial PostgreSQL refused, for a caller that tries again later rather than record it undialed. */
export class DialRefused extends Error {
  constructor(readonly refusal: BoundRefusal) {
    super(`PostgreSQL refused the dial: ${refusal}`);
    this.name = 'DialRefused';
  }
}

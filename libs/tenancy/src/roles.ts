export const ROLES = ['admin', 'supervisor', 'integrator', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: resolved from the bearer key on every request. */
export interface Caller {
  tenantId: string;
  keyId: string;
  role: Role;
  /** For role `agent`: the one agent the key acts for. */
  agentId: string | null;
}

/** `admin` may do everything; other roles only what a route names. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role);
}

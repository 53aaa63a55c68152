import type { Agent } from '@autocall/database';
import { AgentCommand, AgentState, engineMove } from './agent-state';

/** A command AutoCall gives on a call's behalf (never an agent's or a supervisor's request). */
export type EngineCommand = Extract<AgentCommand, { type: 'connect_call' | 'end_call' | 'finish_wrap_up' }>;

/**
 * One move of an agent made by AutoCall, as a statement carries it: to the state the state machine
 * gives for the command, only from the states it allows (read off `transition`, see engineMove),
 * with this state reason, and only if the agent's reason is `requiredReason` when one is given.
 */
export interface EngineAgentMove {
  tenantId: string;
  agentId: string;
  to: AgentState;
  sources: AgentState[];
  reason: string;
  requiredReason: string | null;
}

export function engineAgentMove(
  tenantId: string,
  agentId: string,
  command: EngineCommand,
  reason: string,
  requiredReason: string | null,
): EngineAgentMove {
  return { tenantId, agentId, ...engineMove(command), reason, requiredReason };
}

/** The agent's row after an engine move's statement: moved by it, or as it was (refused). */
export interface EngineMoveResult {
  agent: Agent;
  moved: boolean;
}

/** SQL expressions (a host statement's placeholders, or expressions of them) for a move's values. */
export interface EngineMoveSqlValues {
  tenant: string;
  agent: string;
  to: string;
  sources: string;
  reason: string;
  required: string;
}

/** The placeholders $first … $first+5 of a move's six values, in engineMoveParams' order. */
export function engineMovePlaceholders(first: number): EngineMoveSqlValues {
  const [tenant, agent, to, sources, reason, required] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  return { tenant, agent, to, sources, reason, required };
}

/**
 * The SQL of an engine move, as common table expressions another statement carries: `agent_old`
 * (the agent's row, locked), `agent_moved` (its guarded move) and `agent_history` (its history
 * row), with `agentAfter` to read the agent after. The agents' module owns the text of its writes;
 * the contact's statement that an agent's move goes with (CallRecords.record) runs it in its own,
 * so that the two are one write. `values` are SQL expressions of the host statement (placeholders,
 * engineMovePlaceholders, or a choice between moves the host makes); `when`, an SQL condition the
 * move also needs.
 */
export function engineMoveSql(values: EngineMoveSqlValues, when = 'true'): { ctes: string; agentAfter: string } {
  const { tenant, agent, to, sources, reason, required } = values;
  const columns = `tenant_id, id, name, skills, endpoint, state::text AS state, state_reason, state_version,
      state_changed_at, session_id, created_at, updated_at`;
  return {
    ctes: `agent_old AS (
        SELECT tenant_id, id, state, state_reason FROM agents
        WHERE tenant_id = (${tenant})::uuid AND id = (${agent})::text AND ${when} FOR UPDATE),
      agent_moved AS (
        UPDATE agents SET state = (${to})::agent_state, state_reason = (${reason})::text,
          state_version = agents.state_version + 1, state_changed_at = now(), updated_at = now()
        FROM agent_old
        WHERE agents.tenant_id = agent_old.tenant_id AND agents.id = agent_old.id
          AND agent_old.state = ANY((${sources})::agent_state[])
          AND ((${required})::text IS NULL OR agent_old.state_reason = (${required})::text)
        RETURNING agents.*, agent_old.state AS from_state),
      agent_history AS (
        INSERT INTO agent_state_changes (tenant_id, agent_id, session_id, from_state, to_state, reason, version, by_key_id, at)
        SELECT tenant_id, id, session_id, from_state, state, state_reason, state_version, NULL, state_changed_at
        FROM agent_moved)`,
    agentAfter: `SELECT ${columns}, true AS moved FROM agent_moved
      UNION ALL
      SELECT ${columns}, false AS moved FROM agents
      WHERE tenant_id = (${tenant})::uuid AND id = (${agent})::text AND NOT EXISTS (SELECT 1 FROM agent_moved)`,
  };
}

/** The move's values, in the order engineMoveSql's placeholders take them. */
export function engineMoveParams(move: EngineAgentMove): unknown[] {
  return [move.tenantId, move.agentId, move.to, move.sources, move.reason, move.requiredReason];
}

/** An agents row as engineMoveSql's `agentAfter` reads it (directly, or through to_jsonb). */
export interface AgentRow {
  tenant_id: string;
  id: string;
  name: string;
  skills: string[];
  endpoint: string;
  state: AgentState;
  state_reason: string | null;
  state_version: number;
  state_changed_at: Date | string;
  session_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  moved: boolean;
}

export function engineMoveResultOf(row: AgentRow): EngineMoveResult {
  return {
    moved: row.moved,
    agent: {
      tenantId: row.tenant_id,
      id: row.id,
      name: row.name,
      skills: row.skills,
      endpoint: row.endpoint,
      state: row.state,
      stateReason: row.state_reason,
      stateVersion: row.state_version,
      stateChangedAt: new Date(row.state_changed_at),
      sessionId: row.session_id,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    },
  };
}

/**
 * A connected call's agent at the call's end: the contact's statement decides whether the call
 * awaits its disposition, and so which of these moves it makes (see CallRecords.record).
 */
export interface OffCallMoves {
  /** The call awaits its disposition, none set yet: the agent wraps up this very call. */
  awaiting: EngineAgentMove;
  /** It awaits one that was set during the call (applied at once): no wrap-up. */
  disposed: EngineAgentMove;
  /** It awaits none: wrap-up or not, as the telephony says. */
  otherwise: EngineAgentMove;
}

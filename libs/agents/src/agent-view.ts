import { Agent } from '@autocall/database';
import { AgentSnapshot } from './agent-live-view';
import { AgentState } from './agent-state';

export interface AgentView {
  agentId: string;
  name: string;
  skills: string[];
  endpoint: string;
  state: AgentState;
  stateReason: string | null;
  stateChangedAt: Date;
  sessionId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toAgentView(row: Agent): AgentView {
  return {
    agentId: row.id,
    name: row.name,
    skills: row.skills,
    endpoint: row.endpoint,
    state: row.state,
    stateReason: row.stateReason,
    stateChangedAt: row.stateChangedAt,
    sessionId: row.sessionId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toAgentSnapshot(row: Agent): AgentSnapshot {
  return {
    tenantId: row.tenantId,
    agentId: row.id,
    state: row.state,
    version: row.stateVersion,
    skills: row.skills,
    reason: row.stateReason,
    since: row.stateChangedAt,
  };
}

import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, uuidv7 } from '@autocall/common';
import { Agent, PrismaService } from '@autocall/database';
import { AgentCommand, RequestableState, transition, TRANSITION_REFUSALS } from './agent-state';
import { AgentView, toAgentView } from './agent-view';
import { AgentsService } from './agents.service';

export interface AgentSessionView {
  sessionId: string;
  agentId: string;
  state: RequestableState;
  startedAt: Date;
}

export interface StateChangeContext {
  reason?: string | null;
  /** The API key that asked, or null when AutoCall itself changes the state. */
  byKeyId: string | null;
}

export interface AppliedStateChange {
  before: Agent;
  after: Agent;
  sessionId: string | null;
}

/**
 * Every agent state change goes through `apply`: one transaction that locks the agent row, asks
 * the state machine, records the change and its history, then pushes the new version to the live
 * view. Agents, supervisors and the dialing engine all use this same path.
 */
@Injectable()
export class AgentSessionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly agents: AgentsService,
  ) {}

  async logIn(
    tenantId: string,
    agentId: string,
    state: RequestableState,
    context: StateChangeContext,
  ): Promise<AgentSessionView> {
    const { after } = await this.apply(tenantId, agentId, { type: 'log_in', state }, context);
    return { sessionId: after.sessionId!, agentId, state, startedAt: after.stateChangedAt };
  }

  async requestState(
    tenantId: string,
    agentId: string,
    state: RequestableState,
    context: StateChangeContext,
  ): Promise<AgentView> {
    const { after } = await this.apply(tenantId, agentId, { type: 'request_state', state }, context);
    return toAgentView(after);
  }

  /** Log out (the agent itself) or Terminate Agent Session (a supervisor). */
  async endSession(
    tenantId: string,
    agentId: string,
    how: 'logged_out' | 'terminated',
    context: StateChangeContext,
  ): Promise<void> {
    await this.apply(tenantId, agentId, { type: 'log_out' }, { ...context, reason: context.reason ?? how }, how);
  }

  /**
   * Puts the agent on this call, once: safe to retry after a storage error, whether or not the
   * first try committed. An agent already on this very call stays on it and the live view is told
   * again (its publish may be what failed). 'refused' when the agent's state machine says no (they
   * logged out, or are on another call); storage errors are thrown for the caller to retry.
   */
  async connectCall(tenantId: string, agentId: string, contactId: string): Promise<'connected' | 'refused'> {
    const reason = `call:${contactId}`;
    let agent: Agent;
    try {
      // The live view must say on_call before the agent's reservation ends, or the agent would be
      // offered again: a failure to tell it fails the step, which is retried.
      await this.apply(
        tenantId,
        agentId,
        { type: 'connect_call' },
        { reason, byKeyId: null },
        'logged_out',
        undefined,
        {
          strictPublish: true,
        },
      );
      return 'connected';
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      agent = await this.agents.find(tenantId, agentId);
      if (agent.state !== 'on_call' || agent.stateReason !== reason) return 'refused';
    }
    // Already on this very call (a retry): the live view is told again, its update may be what failed.
    await this.agents.publishOrThrow(agent);
    return 'connected';
  }

  /**
   * Takes the agent off this call (into wrap-up, or available), once: safe to retry after a storage
   * error. Null when the agent is no longer on this call (a retry after the first try committed, or
   * a supervisor logged them out); storage errors are thrown for the caller to retry.
   */
  async endCall(tenantId: string, agentId: string, contactId: string, wrapUp: boolean): Promise<Agent | null> {
    try {
      const change = await this.apply(
        tenantId,
        agentId,
        { type: 'end_call', wrapUp },
        { reason: wrapUp ? 'wrap_up' : 'call_ended', byKeyId: null },
        'logged_out',
        // Decided under the agent's row lock, in the same transaction: only from this very call.
        (before) => before.state === 'on_call' && before.stateReason === `call:${contactId}`,
      );
      return change.after;
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) return null;
      throw error;
    }
  }

  async apply(
    tenantId: string,
    agentId: string,
    command: AgentCommand,
    context: StateChangeContext,
    endReason: 'logged_out' | 'terminated' = 'logged_out',
    /** A condition on the agent as it is now, checked under its lock; a refusal is a conflict. */
    onlyIf?: (before: Agent) => boolean,
    /** strictPublish: a failure to update the live view fails the call (else the rebuild repairs it). */
    options: { strictPublish?: boolean } = {},
  ): Promise<AppliedStateChange> {
    const change = await this.prisma.$transaction(async (tx) => {
      // The agent's lock, and PostgreSQL's clock for the change: staleness of an agent's state
      // (a wrap-up nobody ended) is judged by the database against the time it wrote.
      const [locked] = await tx.$queryRaw<{ now: Date }[]>`
        SELECT now() AS now FROM agents WHERE tenant_id = ${tenantId}::uuid AND id = ${agentId} FOR UPDATE`;
      const before = await this.agents.find(tenantId, agentId, tx);
      if (onlyIf && !onlyIf(before))
        throw new ConflictError('The agent is no longer in the state this change was for.');
      const result = transition(before.state, command);
      if (!result.ok) throw new ConflictError(TRANSITION_REFUSALS[result.reason]);

      const now = locked?.now ?? new Date();
      let sessionId = before.sessionId;
      if (command.type === 'log_in') {
        sessionId = uuidv7();
        await tx.agentSession.create({ data: { id: sessionId, tenantId, agentId, startedAt: now } });
      }
      if (command.type === 'log_out' && before.sessionId) {
        await tx.agentSession.update({
          where: { id: before.sessionId },
          data: { endedAt: now, endReason, endedByKeyId: endReason === 'terminated' ? context.byKeyId : null },
        });
      }
      const version = before.stateVersion + 1;
      const after = await tx.agent.update({
        where: { tenantId_id: { tenantId, id: agentId } },
        data: {
          state: result.state,
          stateReason: context.reason ?? null,
          stateVersion: version,
          stateChangedAt: now,
          sessionId: result.state === 'logged_out' ? null : sessionId,
        },
      });
      // Leaving availability ends a reservation for a dial not yet answered, in this same statement
      // (the agents_leaving_free_dial_reservations trigger; the live view drops it too).
      await tx.agentStateChange.create({
        data: {
          tenantId,
          agentId,
          sessionId,
          fromState: before.state,
          toState: result.state,
          reason: context.reason ?? null,
          version,
          byKeyId: context.byKeyId,
          at: now,
        },
      });
      return { before, after, sessionId };
    });
    if (options.strictPublish) await this.agents.publishOrThrow(change.after);
    else await this.agents.publish(change.after);
    return change;
  }
}

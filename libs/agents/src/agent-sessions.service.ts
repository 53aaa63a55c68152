import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, uuidv7 } from '@autocall/common';
import { Agent, Prisma, PrismaService } from '@autocall/database';
import type { WokenPool } from '@autocall/redis';
import {
  AgentRow,
  EngineAgentMove,
  EngineCommand,
  engineAgentMove,
  EngineMoveResult,
  engineMoveParams,
  engineMovePlaceholders,
  engineMoveResultOf,
  engineMoveSql,
  OffCallMoves,
} from './agent-moves';
import { AgentCommand, RequestableState, transition, TRANSITION_REFUSALS } from './agent-state';
import { AgentView, toAgentView } from './agent-view';
import { AgentsService } from './agents.service';

/** The contact whose disposition an agent's wrap-up awaits (its state reason `wrap_up:<id>`), if any. */
export function wrapUpContactOf(agent: Pick<Agent, 'state' | 'stateReason'>): string | null {
  if (agent.state !== 'wrap_up') return null;
  const match = /^wrap_up:([0-9a-f-]{36})$/.exec(agent.stateReason ?? '');
  return match ? match[1] : null;
}

/** The state reason of an agent on a call, which names it (a recovery finds the agent's call by it). */
const onCallReason = (contactId: string) => `call:${contactId}`;
/** An agent's state reason after a call: a wrap-up awaiting the call's disposition names the call (see wrapUpContactOf). */
const offCallReason = (contactId: string, wrapUp: boolean | 'disposition') =>
  wrapUp === 'disposition' ? `wrap_up:${contactId}` : wrapUp ? 'wrap_up' : 'call_ended';

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
   * The move that puts the agent on this call, made by the contact's own statement (CallRecords
   * carries `onCallMove`), told to the live view. Safe to repeat after a storage error, whether or
   * not the first try committed. 'refused' when the agent's state machine said no (they logged out,
   * or are on another call).
   */
  async putOnCall(contactId: string, change: EngineMoveResult): Promise<'connected' | 'refused'> {
    if (!change.moved && (change.agent.state !== 'on_call' || change.agent.stateReason !== onCallReason(contactId)))
      return 'refused';
    // The live view must say on_call before the agent's reservation ends, or the agent would be
    // offered again: a failure to tell it fails the step, which is retried. An agent already on this
    // very call (a retry) is told again: its update may be what failed.
    await this.agents.publishOrThrow(change.agent);
    return 'connected';
  }

  /**
   * The moves that take an agent off a contact's call at its end, for the end's statement to carry
   * and choose from (OffCallMoves), as endCall would make them: only from this very call.
   */
  offCallMoves(tenantId: string, agentId: string, contactId: string, wrapUp: boolean): OffCallMoves {
    const off = (after: boolean | 'disposition') =>
      engineAgentMove(
        tenantId,
        agentId,
        { type: 'end_call', wrapUp: after !== false },
        offCallReason(contactId, after),
        onCallReason(contactId),
      );
    return { awaiting: off('disposition'), disposed: off(false), otherwise: off(wrapUp) };
  }

  /**
   * After a statement took the agent off the call or out of wrap-up (the end's, with offCallMoves,
   * or moveByEngine's): the live view is told, with `alsoWake` woken in the same round trip (the
   * ended call's pool, whose line was freed). The agent after, or null when it did not move them
   * (then nothing is told, and nothing woken).
   */
  async offCall(change: EngineMoveResult, alsoWake: WokenPool[] = []): Promise<Agent | null> {
    if (!change.moved) return null;
    await this.agents.publish(change.agent, alsoWake);
    return change.agent;
  }

  /** The move that puts an agent on a contact's call, for that contact's statement to carry. */
  onCallMove(tenantId: string, agentId: string, contactId: string): EngineAgentMove {
    return engineAgentMove(tenantId, agentId, { type: 'connect_call' }, onCallReason(contactId), null);
  }

  /**
   * Takes the agent off this call (into wrap-up, or available), once: safe to retry after a storage
   * error. Null when the agent is no longer on this call (a retry after the first try committed, or
   * a supervisor logged them out); storage errors are thrown for the caller to retry.
   */
  async endCall(
    tenantId: string,
    agentId: string,
    contactId: string,
    wrapUp: boolean | 'disposition',
    alsoWake: WokenPool[] = [],
  ): Promise<Agent | null> {
    // Only from this very call: decided by the statement that moves the agent.
    const change = await this.moveByEngine(
      tenantId,
      agentId,
      { type: 'end_call', wrapUp: wrapUp !== false },
      offCallReason(contactId, wrapUp),
      onCallReason(contactId),
    ).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    return change ? this.offCall(change, alsoWake) : null;
  }

  /**
   * A request to leave wrap-up learns, under the agent's lock, whether the call it follows still owes
   * its disposition (the tenant requires one and none is set): the state machine refuses then.
   */
  private async withDispositionOwed(
    tx: Prisma.TransactionClient,
    before: Agent,
    command: AgentCommand,
  ): Promise<AgentCommand> {
    const contactId = wrapUpContactOf(before);
    if (command.type !== 'request_state' || before.state !== 'wrap_up' || !contactId) return command;
    const [row] = await tx.$queryRaw<{ owed: boolean }[]>`
      SELECT c.disposition IS NULL AND c.wrap_up_until IS NOT NULL
             AND COALESCE((s.settings->>'requireDisposition')::boolean, false) AS owed
      FROM contacts c LEFT JOIN tenant_settings s ON s.tenant_id = c.tenant_id
      WHERE c.id = ${contactId}::uuid AND c.tenant_id = ${before.tenantId}::uuid`;
    return { ...command, dispositionOwed: row?.owed ?? false };
  }

  /**
   * Ends the agent's wrap-up after this call (its disposition was applied): only if they are still
   * in the wrap-up of this very call. Safe to repeat; storage errors are thrown for the caller.
   */
  async finishWrapUpOf(tenantId: string, agentId: string, contactId: string): Promise<boolean> {
    return this.finishWrapUp(tenantId, agentId, `wrap_up:${contactId}`);
  }

  /**
   * Ends the agent's wrap-up (available again), only if it is the wrap-up with this state reason
   * (null: any). Safe to repeat; false when the agent is not in that wrap-up (any more).
   */
  async finishWrapUp(tenantId: string, agentId: string, wrapUpReason: string | null): Promise<boolean> {
    const change = await this.moveByEngine(
      tenantId,
      agentId,
      { type: 'finish_wrap_up' },
      'wrap_up_done',
      wrapUpReason,
    ).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    return change ? (await this.offCall(change)) !== null : false;
  }

  /**
   * A change AutoCall itself makes on a call's behalf (end, wrap-up done) on its own, in one
   * statement (see engineMoveSql): the agent's row moves only from a state the state machine allows
   * for the command (and, if given, with this state reason), and its history row is written with
   * it. Returns the agent after the move, or as it is when the statement refused it. Storage errors
   * are thrown.
   */
  private async moveByEngine(
    tenantId: string,
    agentId: string,
    command: EngineCommand,
    reason: string,
    requiredReason: string | null,
  ): Promise<EngineMoveResult> {
    const { ctes, agentAfter } = engineMoveSql(engineMovePlaceholders(1));
    const rows = await this.prisma.$queryRawUnsafe<AgentRow[]>(
      `WITH ${ctes} ${agentAfter}`,
      ...engineMoveParams(engineAgentMove(tenantId, agentId, command, reason, requiredReason)),
    );
    if (!rows[0]) throw new NotFoundError('invalid_agent_id', `No agent with id ${agentId}.`);
    return engineMoveResultOf(rows[0]);
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
      const result = transition(before.state, await this.withDispositionOwed(tx, before, command));
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

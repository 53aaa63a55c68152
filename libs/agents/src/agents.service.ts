import { Injectable, Logger } from '@nestjs/common';
import { decodeCursor, pageOf, NotFoundError } from '@autocall/common';
import { Agent, AgentState, Prisma, PrismaService } from '@autocall/database';
import type { WokenPool } from '@autocall/redis';
import { AgentLiveView } from './agent-live-view';
import { AgentView, toAgentSnapshot, toAgentView } from './agent-view';

export interface AgentDefinition {
  name: string;
  skills: string[];
  endpoint: string;
}

export interface AgentListQuery {
  skill?: string;
  state?: AgentState;
  cursor?: string;
  limit: number;
}

const isAgentCursor = (value: Record<string, unknown>): value is { after: string } => typeof value.after === 'string';

@Injectable()
export class AgentsService {
  private readonly logger = new Logger(AgentsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly liveView: AgentLiveView,
  ) {}

  /** Creates or replaces an agent's definition; a logged-in agent keeps its session and state. */
  async upsert(
    tenantId: string,
    agentId: string,
    definition: AgentDefinition,
  ): Promise<{ agent: AgentView; created: boolean }> {
    const skills = [...new Set(definition.skills)];
    const { row, created } = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO skills (tenant_id, name)
        SELECT ${tenantId}::uuid, unnest(${skills}::varchar(64)[])
        ON CONFLICT DO NOTHING`;
      const [result] = await tx.$queryRaw<{ created: boolean }[]>`
        INSERT INTO agents (tenant_id, id, name, skills, endpoint)
        VALUES (${tenantId}::uuid, ${agentId}, ${definition.name}, ${skills}::varchar(64)[], ${definition.endpoint})
        ON CONFLICT (tenant_id, id) DO UPDATE
          SET name = EXCLUDED.name, skills = EXCLUDED.skills, endpoint = EXCLUDED.endpoint,
              state_version = agents.state_version + 1, updated_at = now()
        RETURNING (xmax = 0) AS created`;
      const row = await tx.agent.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: agentId } } });
      return { row, created: result.created };
    });
    // A skill change moves a logged-in agent between the skills' available sets.
    if (!created) await this.publish(row);
    return { agent: toAgentView(row), created };
  }

  async get(tenantId: string, agentId: string): Promise<AgentView> {
    return toAgentView(await this.find(tenantId, agentId));
  }

  async find(tenantId: string, agentId: string, db: Prisma.TransactionClient = this.prisma): Promise<Agent> {
    const row = await db.agent.findUnique({ where: { tenantId_id: { tenantId, id: agentId } } });
    if (!row) throw new NotFoundError('invalid_agent_id', `No agent with id ${agentId}.`);
    return row;
  }

  async list(tenantId: string, query: AgentListQuery): Promise<{ items: AgentView[]; nextCursor: string | null }> {
    const rows = await this.prisma.agent.findMany({
      where: {
        tenantId,
        ...(query.skill ? { skills: { has: query.skill } } : {}),
        ...(query.state ? { state: query.state } : {}),
        ...(query.cursor ? { id: { gt: decodeCursor(query.cursor, isAgentCursor).after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    const { page, nextCursor } = pageOf(rows, query.limit, (last) => ({ after: last.id }));
    return {
      items: page.map(toAgentView),
      nextCursor,
    };
  }

  /**
   * Pushes the agent's current row to the live view, or throws: for a step that must not go on
   * while the live view says otherwise (an agent put on a call must not stay offered as available).
   */
  async publishOrThrow(row: Agent): Promise<void> {
    await this.liveView.apply(toAgentSnapshot(row));
  }

  /**
   * Pushes the agent's current row to the live view; a failure is repaired by the next rebuild.
   * `alsoWake`: pools woken with the agent's own in one round trip (AgentLiveView.apply).
   */
  async publish(row: Agent, alsoWake: WokenPool[] = []): Promise<void> {
    try {
      await this.liveView.apply(toAgentSnapshot(row), alsoWake);
    } catch (error) {
      this.logger.warn(
        `live view update of agent ${row.id} (tenant ${row.tenantId}) failed; the worker's reconciliation will repair it: ${(error as Error).message}`,
      );
    }
  }
}

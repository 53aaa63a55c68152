import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaService } from '@autocall/database';
import { LinesService, LiveLinesSource } from '@autocall/lines';
import { CapacityService } from './capacity.service';

/**
 * After a Redis loss, the calls in progress (contacts not ended in PostgreSQL) take their lines
 * again, with the agents reserved for their dials and their places among the waiting callers,
 * before the tenant's line capacity reappears (LinesService.ensureLive asks, in every process
 * that may reserve lines: the API for immediate dials, the workers for the rest). The same repair
 * runs after PostgreSQL refused a dial Redis admitted (the view had lost a call).
 *
 * The read and the restores are not one instant: a call that ends in between has its line freed
 * in Redis (its end's release, after its statement) before the restore would bring it back. So the
 * calls restored are read once more afterwards, and those PostgreSQL has ended by then are released
 * again: an end whose release ran before the restore committed its statement before that second
 * read began. No line of an ended call stays counted, whatever order the two ran in.
 */
@Injectable()
export class LiveCallsRestorer implements LiveLinesSource, OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly capacity: CapacityService,
    private readonly lines: LinesService,
  ) {}

  onModuleInit(): void {
    this.lines.registerSource(this);
  }

  async restoreLiveLines(tenantId: string): Promise<void> {
    const live = await this.prisma.$queryRaw<
      {
        id: string;
        skill: string;
        status: string;
        agent_id: string | null;
        answered_at: Date | null;
        mode: string;
        placed_by: string | null;
      }[]
    >`
      SELECT c.id, c.skill, c.status::text AS status, c.agent_id, c.answered_at, a.mode::text AS mode, c.placed_by
      FROM contacts c JOIN autocalls a ON a.id = c.autocall_id
      WHERE c.tenant_id = ${tenantId}::uuid AND c.status <> 'ended'
      ORDER BY c.created_at`;
    const restored: string[] = [];
    for (const contact of live) {
      const wasRestored = await this.capacity.restore(tenantId, {
        id: contact.id,
        skill: contact.skill,
        status: contact.status,
        agentId: contact.agent_id,
        answeredAt: contact.answered_at,
        // A predictive dial with an agent reserved was placed progressively (its campaign at the
        // abandon cap): it is not among the pacer's dials in flight.
        predictive: contact.mode === 'predictive' && contact.agent_id === null,
        placedBy: contact.placed_by,
      });
      if (wasRestored) restored.push(contact.id);
    }
    if (!restored.length) return;
    const ended = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM contacts WHERE id = ANY(${restored}::uuid[]) AND status = 'ended'`;
    for (const { id } of ended) await this.capacity.release(tenantId, id);
  }
}

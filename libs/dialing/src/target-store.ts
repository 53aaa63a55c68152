import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@autocall/database';
import { FINISH_IF_DONE } from './contact-timeline';
import { isTerminal, sourcesOf, TargetStatus } from './target-status';

type Db = Prisma.TransactionClient;

export interface TargetMove {
  to: TargetStatus;
  reason?: string | null;
  contactId?: string | null;
  nextAttemptAt?: Date | null;
  /** Count one more dial attempt (when the target starts dialing). */
  newAttempt?: boolean;
}

/**
 * Target status changes in PostgreSQL, guarded by the state machine in the database itself: the
 * UPDATE only matches a target in a status that may lead to the new one, so concurrent writers
 * cannot make a target terminal twice. Every change is recorded in target_events.
 */
@Injectable()
export class TargetStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Returns the previous status, or null when the move was not allowed (already moved on). A
   * terminal move that ends the AutoCall's last open target finishes the AutoCall in the same
   * statement (the targets_count_open_ended trigger).
   */
  async move(db: Db, targetId: string, move: TargetMove): Promise<{ from: TargetStatus; autocallId: string } | null> {
    const sources = sourcesOf(move.to);
    const terminal = isTerminal(move.to);
    const rows = await db.$queryRaw<{ from_status: TargetStatus; autocall_id: string }[]>`
      UPDATE targets t SET
        status = ${move.to}::target_status,
        reason = ${move.reason ?? null},
        last_contact_id = COALESCE(${move.contactId ?? null}::uuid, t.last_contact_id),
        next_attempt_at = ${move.nextAttemptAt ?? null},
        attempts = t.attempts + ${move.newAttempt ? 1 : 0},
        updated_at = now(),
        completed_at = CASE WHEN ${terminal} THEN now() ELSE NULL END
      FROM (SELECT id, status FROM targets WHERE id = ${targetId}::uuid FOR UPDATE) old
      WHERE t.id = old.id AND old.status = ANY(${sources}::target_status[])
      RETURNING old.status AS from_status, t.autocall_id`;
    if (rows.length === 0) return null;
    const { from_status: from, autocall_id: autocallId } = rows[0];
    await db.$executeRaw`
      INSERT INTO target_events (target_id, from_status, to_status, reason, contact_id)
      VALUES (${targetId}::uuid, ${from}::target_status, ${move.to}::target_status, ${move.reason ?? null}, ${move.contactId ?? null}::uuid)`;
    return { from, autocallId };
  }

  /** Finishes an AutoCall whose targets were all stored terminal (see FINISH_IF_DONE). */
  async completeIfDone(db: Db, autocallId: string): Promise<boolean> {
    const updated = await db.$executeRawUnsafe(FINISH_IF_DONE, autocallId);
    return updated > 0;
  }

  get prismaClient() {
    return this.prisma;
  }
}

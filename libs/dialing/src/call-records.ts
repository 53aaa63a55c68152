import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ClientBase, Pool } from 'pg';
import { AppConfig } from '@autocall/config';
import type { Prisma } from '@autocall/database';
import { ContactStatus, contactSourcesOf } from './contact-lifecycle';
import { BoundRefusal, boundRefusalOf } from './dial-bounds';
import { isTerminal, sourcesOf, TargetStatus } from './target-status';

export interface TimelineStep {
  contactId: string;
  /** The contact moves only from a status the contact state machine allows (else nothing is written). */
  to: ContactStatus;
  at: Date;
  agentId?: string | null;
  answeredBy?: string | null;
  cause?: string | null;
  sipCode?: number | null;
  /** The contact no longer has an agent (a machine answered): the agent's assignment ends with the move. */
  releaseAgent?: boolean;
  /** The target's move that goes with it, if any (guarded by the target state machine). */
  target?: { to: TargetStatus; reason?: string | null; nextAttemptAt?: Date | null };
  /**
   * The worker writing as the call's holder: the move is refused (nothing written) unless the
   * contact's placing claim is still this worker's (fencing: see takeOver).
   */
  holder?: string;
}

export interface TimelineResult {
  contactMoved: boolean;
  targetMoved: boolean;
  autocallId: string | null;
}

/** Finishing an AutoCall: an active one becomes completed, a cancelled one keeps its status. */
export const FINISH = `status = CASE WHEN status = 'active' THEN 'completed'::autocall_status ELSE status END,
  completed_at = now()`;

/**
 * Finishes AutoCall $1 if it has no open target. The statement that ends an AutoCall's last open
 * target finishes it already (the targets_count_open_ended trigger); this is for an AutoCall whose
 * targets were all stored terminal (an immediate submission that could dial none).
 */
export const FINISH_IF_DONE = `UPDATE autocalls SET ${FINISH}
  WHERE id = $1::uuid AND completed_at IS NULL AND open_targets = 0`;

const AT_COLUMN: Partial<Record<ContactStatus, string>> = {
  ringing: 'ringing_at',
  answered: 'answered_at',
  connected: 'connected_at',
  ended: 'ended_at',
};

/** A transaction a write joins (the submission's, a cancel's). */
type Tx = Prisma.TransactionClient;

/** A connection of its own that a background write runs on (retention's), off the engine's pool. */
export type Queryable = Pick<ClientBase, 'query'>;

/** A target of a new list, as the submission planned it (dialing ones with their contact). */
export interface NewTarget {
  targetId: string;
  position: number;
  /** Null for a number erased on request (the target is stored skipped). */
  phoneNumber: string | null;
  reference: string | null;
  data: unknown;
  timeZone: string | null;
  status: TargetStatus;
  reason: string | null;
  contactId: string | null;
}

/**
 * The one repository of the call aggregate: every write to targets, contacts and their event
 * tables is a method here (a test keeps it so: call-records-ownership.spec.ts). Each is one SQL
 * statement, guarded by the state machines (a move the machine does not allow writes nothing), that
 * moves the row, records its event, and moves what goes with it, atomically; PostgreSQL's triggers
 * decide the bounds in the same statement (lines, agents, an AutoCall's end). On the hot path one
 * round trip per event instead of an interactive transaction of five: this is what bounds the dial
 * rate (see bench/RESULTS.md). The writes that belong to a larger transaction (a submission, a
 * cancel) take it as their first argument.
 */
@Injectable()
export class CallRecords implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    this.pool = new Pool({ connectionString: config.get('DATABASE_URL'), max: 10 });
    this.pool.on('error', () => undefined);
  }

  async record(step: TimelineStep): Promise<TimelineResult> {
    const atColumn = AT_COLUMN[step.to];
    const target = step.target;
    const terminal = target ? isTerminal(target.to) : false;
    const sql = `
      WITH c AS (
        UPDATE contacts SET status = $2::contact_status
          ${atColumn ? `, ${atColumn} = $3` : ''}
          , agent_id = CASE WHEN $9::boolean THEN NULL ELSE COALESCE($4, agent_id) END
          , answered_by = COALESCE($5, answered_by)
          , cause = COALESCE($6, cause)
          , sip_code = COALESCE($7, sip_code)
          , abandoned = abandoned OR $${target ? 16 : 11}::boolean
        WHERE id = $1::uuid AND status = ANY($8::contact_status[])
          AND ($${target ? 15 : 10}::text IS NULL OR placed_by = $${target ? 15 : 10})
        RETURNING id, target_id, autocall_id),
      ce AS (
        INSERT INTO contact_events (contact_id, status, cause, agent_id, at)
        SELECT id, $2::contact_status, $6, $4, $3 FROM c)
      ${
        target
          ? `, old AS (
        SELECT t.id, t.status FROM targets t JOIN c ON t.id = c.target_id FOR UPDATE OF t),
      t AS (
        UPDATE targets SET status = $10::target_status, reason = $11, last_contact_id = $1::uuid,
          next_attempt_at = $12, updated_at = now(), completed_at = CASE WHEN $13 THEN now() ELSE NULL END
        FROM old WHERE targets.id = old.id AND old.status = ANY($14::target_status[])
        RETURNING targets.id, old.status AS from_status),
      te AS (
        INSERT INTO target_events (target_id, from_status, to_status, reason, contact_id, at)
        SELECT id, from_status, $10::target_status, $11, $1::uuid, $3 FROM t)`
          : ''
      }
      SELECT (SELECT count(*) FROM c)::int AS contact_moved,
             ${target ? '(SELECT count(*) FROM t)::int' : '0'} AS target_moved,
             (SELECT autocall_id FROM c) AS autocall_id`;
    const params: unknown[] = [
      step.contactId,
      step.to,
      step.at,
      step.agentId ?? null,
      step.answeredBy ?? null,
      step.cause ?? null,
      step.sipCode ?? null,
      contactSourcesOf(step.to),
      step.releaseAgent ?? false,
    ];
    if (target) {
      params.push(target.to, target.reason ?? null, target.nextAttemptAt ?? null, terminal, sourcesOf(target.to));
    }
    params.push(step.holder ?? null);
    // A person answered and no agent took the call: the contact's own fact, with its end.
    params.push(target?.to === 'abandoned');
    // A target's terminal move finishes its AutoCall in the same statement when it was the last open
    // one (the targets_count_open_ended trigger).
    const { rows } = await this.pool.query(sql, params);
    const row = rows[0] as { contact_moved: number; target_moved: number; autocall_id: string | null };
    return {
      contactMoved: row.contact_moved > 0,
      targetMoved: row.target_moved > 0,
      autocallId: row.autocall_id,
    };
  }

  /**
   * Ends a target whose contact ended but whose own move was refused: the first of `choices` its
   * current status allows. Returns the status it took, or null (terminal already).
   */
  async settleTarget(
    targetId: string,
    contactId: string,
    reason: string,
    choices: TargetStatus[],
  ): Promise<TargetStatus | null> {
    for (const to of choices) {
      const { rows } = await this.pool.query(
        `WITH old AS (SELECT id, status FROM targets WHERE id = $1 FOR UPDATE),
         t AS (
           UPDATE targets SET status = $2::target_status, reason = $3, next_attempt_at = NULL, updated_at = now(),
             completed_at = now()
           FROM old WHERE targets.id = old.id AND old.status = ANY($4::target_status[])
           RETURNING targets.id, targets.autocall_id, old.status AS from_status),
         te AS (
           INSERT INTO target_events (target_id, from_status, to_status, reason, contact_id)
           SELECT id, from_status, $2::target_status, $3, $5::uuid FROM t)
         SELECT autocall_id FROM t`,
        [targetId, to, reason, sourcesOf(to), contactId],
      );
      if (rows.length) return to;
    }
    return null;
  }

  /**
   * A held target starts dialing: the target moves pending → dialing (only if still pending) and
   * its contact is created with its first event, in one statement. The contact takes its line (and
   * its agent, if one was reserved for it) in that same statement, or PostgreSQL refuses it (see
   * dial-bounds.ts): then nothing is written and the refusal is returned. 'gone' when the target had
   * moved on (cancelled, skipped) and nothing was written.
   */
  async startDial(dial: {
    contactId: string;
    tenantId: string;
    autocallId: string;
    targetId: string;
    attempt: number;
    skill: string;
    phoneNumber: string;
    callerId: string | null;
    agentId: string | null;
    /** The worker that will place the call (its placing claim, taken with the dial). */
    placedBy: string | null;
  }): Promise<'dialing' | 'gone' | BoundRefusal> {
    try {
      const { rows } = await this.pool.query(
        `WITH t AS (
           UPDATE targets SET status = 'dialing', reason = NULL, attempts = attempts + 1, last_contact_id = $1,
                  next_attempt_at = NULL, updated_at = now()
           WHERE id = $4 AND status = 'pending' RETURNING id),
         c AS (
           INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, caller_id, agent_id, placed_by)
           SELECT $1, $2, $3, id, $5, $6, $7, $8, $9, $10 FROM t RETURNING id),
         ce AS (INSERT INTO contact_events (contact_id, status, agent_id) SELECT id, 'dialing', $9 FROM c),
         te AS (INSERT INTO target_events (target_id, from_status, to_status, contact_id) SELECT id, 'pending', 'dialing', $1 FROM t)
         SELECT count(*)::int AS moved FROM t`,
        [
          dial.contactId,
          dial.tenantId,
          dial.autocallId,
          dial.targetId,
          dial.attempt,
          dial.skill,
          dial.phoneNumber,
          dial.callerId,
          dial.agentId,
          dial.placedBy,
        ],
      );
      return rows[0].moved > 0 ? 'dialing' : 'gone';
    } catch (error) {
      const refusal = boundRefusalOf(error);
      if (refusal) return refusal;
      throw error;
    }
  }

  /**
   * A new list's targets, their first events (for those not stored pending) and the contacts of
   * the ones dialed at once, in the submission's transaction; an AutoCall none of whose targets is
   * open is finished at once.
   */
  async insertList(
    tx: Tx,
    list: { tenantId: string; autocallId: string; skill: string; callerId: string | null; targets: NewTarget[] },
  ): Promise<void> {
    const { tenantId, autocallId, targets } = list;
    await tx.$executeRaw`
      INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, reference, data, time_zone, status,
                           reason, attempts, last_contact_id, completed_at)
      SELECT t.id, ${tenantId}::uuid, ${autocallId}::uuid, t.position, t.phone_number, t.reference, t.data,
             t.time_zone, t.status, t.reason, CASE WHEN t.status = 'dialing' THEN 1 ELSE 0 END, t.contact_id,
             CASE WHEN t.status IN ('skipped', 'not_dialed') THEN now() END
      FROM unnest(${targets.map((t) => t.targetId)}::uuid[], ${targets.map((t) => t.position)}::int[],
                  ${targets.map((t) => t.phoneNumber)}::varchar[], ${targets.map((t) => t.reference)}::varchar[],
                  ${targets.map((t) => (t.data === null ? null : JSON.stringify(t.data)))}::jsonb[],
                  ${targets.map((t) => t.timeZone)}::varchar[],
                  ${targets.map((t) => t.status)}::target_status[], ${targets.map((t) => t.reason)}::varchar[],
                  ${targets.map((t) => t.contactId)}::uuid[])
        AS t(id, position, phone_number, reference, data, time_zone, status, reason, contact_id)`;
    await tx.$executeRaw`
      INSERT INTO target_events (target_id, from_status, to_status, reason, contact_id)
      SELECT id, 'pending', status, reason, last_contact_id FROM targets
      WHERE autocall_id = ${autocallId}::uuid AND status <> 'pending'`;
    const dialing = targets.filter((t) => t.status === 'dialing');
    if (dialing.length) {
      await tx.$executeRaw`
        INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, caller_id)
        SELECT c.id, ${tenantId}::uuid, ${autocallId}::uuid, c.target_id, 1, ${list.skill}, c.phone_number,
               ${list.callerId}
        FROM unnest(${dialing.map((t) => t.contactId)}::uuid[], ${dialing.map((t) => t.targetId)}::uuid[],
                    ${dialing.map((t) => t.phoneNumber)}::varchar[]) AS c(id, target_id, phone_number)`;
      await tx.$executeRaw`
        INSERT INTO contact_events (contact_id, status) SELECT unnest(${dialing.map((t) => t.contactId)}::uuid[]), 'dialing'`;
    }
    await tx.$executeRawUnsafe(FINISH_IF_DONE, autocallId);
  }

  /** Every held (pending) target of an AutoCall is cancelled, in the cancel's transaction. */
  async cancelHeld(tx: Tx, autocallId: string): Promise<void> {
    await tx.$executeRaw`
      WITH cancelled AS (
        UPDATE targets SET status = 'cancelled', reason = 'autocall_cancelled', updated_at = now(), completed_at = now()
        WHERE autocall_id = ${autocallId}::uuid AND status = 'pending' RETURNING id)
      INSERT INTO target_events (target_id, from_status, to_status, reason)
      SELECT id, 'pending', 'cancelled', 'autocall_cancelled' FROM cancelled`;
  }

  /**
   * A callback's held target is cancelled with its AutoCall (its only target), in one statement of
   * the callback's transaction; the target's row lock orders it against the dispatcher's
   * pending → dialing. False when the target was no longer pending (nothing written).
   */
  async cancelCallbackTarget(tx: Tx, targetId: string): Promise<boolean> {
    const cancelled = await tx.$queryRaw<{ autocall_id: string }[]>`
      WITH t AS (
        UPDATE targets SET status = 'cancelled', reason = 'callback_cancelled', updated_at = now(), completed_at = now()
        WHERE id = ${targetId}::uuid AND status = 'pending' RETURNING id, autocall_id),
      te AS (
        INSERT INTO target_events (target_id, from_status, to_status, reason)
        SELECT id, 'pending', 'cancelled', 'callback_cancelled' FROM t),
      a AS (
        UPDATE autocalls SET status = 'cancelled', cancelled_at = now()
        WHERE id IN (SELECT autocall_id FROM t) AND completed_at IS NULL)
      SELECT autocall_id FROM t`;
    return cancelled.length > 0;
  }

  /** A held target the dispatcher will not dial (do-not-call, a window that never opens): skipped, once. */
  async skip(targetId: string, reason: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      `WITH t AS (
         UPDATE targets SET status = 'skipped', reason = $2, next_attempt_at = NULL, updated_at = now(), completed_at = now()
         WHERE id = $1 AND status = ANY($3::target_status[]) RETURNING id),
       te AS (INSERT INTO target_events (target_id, from_status, to_status, reason) SELECT id, 'pending', 'skipped', $2 FROM t)
       SELECT count(*)::int AS moved FROM t`,
      [targetId, reason, sourcesOf('skipped')],
    );
    return rows[0].moved > 0;
  }

  /** A held target waits for a compliance guard until `until`: the target says which and until when. */
  async holdUntil(targetId: string, guard: string, until: Date): Promise<void> {
    await this.pool.query(`UPDATE targets SET reason = $2, next_attempt_at = $3 WHERE id = $1 AND status = 'pending'`, [
      targetId,
      guard,
      until,
    ]);
  }

  /**
   * End a Contact, as a durable intent: written on the live contact (the first reason asked stays);
   * the worker holding the call acts on it. False when the contact is not live (nothing written).
   */
  async requestEnd(tenantId: string, contactId: string, reason: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE contacts SET end_requested = COALESCE(end_requested, $3)
       WHERE id = $1 AND tenant_id = $2 AND status <> 'ended'`,
      [contactId, tenantId, reason],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * A worker takes over a live contact whose holder is gone (its heartbeat expired) or that it
   * holds itself: the placing claim moves from `from` to `to` only if it is still `from`'s. From
   * then on every write of the old holder (`holder` in record, assignAgent, waitForAgent) is
   * refused: a worker thought dead that comes back cannot overwrite what its successor recorded.
   * False when another worker took it over first, or the contact has ended.
   */
  async takeOver(contactId: string, from: string | null, to: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE contacts SET placed_by = $3
       WHERE id = $1 AND status <> 'ended' AND placed_by IS NOT DISTINCT FROM $2`,
      [contactId, from, to],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * The placing claim of a dial not placed yet: the first worker to ask gets it (or a worker that
   * already holds it asks again); true only then. No loss of Redis can give it to a second worker.
   */
  async claimPlacing(contactId: string, worker: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE contacts SET placed_by = $2
       WHERE id = $1 AND status = 'dialing' AND (placed_by IS NULL OR placed_by = $2)`,
      [contactId, worker],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * The agent about to be connected to an answered contact becomes its agent, in one statement
   * that PostgreSQL refuses if the agent is not available or is another live contact's agent
   * ('agent_taken'); the statement returns the agent's endpoint, to ring. 'gone' when the contact
   * has ended. Idempotent: the contact's own agent again is 'assigned'.
   */
  async assignAgent(
    contactId: string,
    agentId: string,
    holder: string,
  ): Promise<{ result: 'assigned' | 'gone' | 'agent_taken'; endpoint: string | null }> {
    try {
      const { rows } = await this.pool.query(
        `UPDATE contacts c SET agent_id = $2
         WHERE c.id = $1 AND c.status = ANY($3::contact_status[]) AND c.placed_by = $4
         RETURNING (SELECT a.endpoint FROM agents a WHERE a.tenant_id = c.tenant_id AND a.id = $2) AS endpoint`,
        // Only a contact that may yet be connected takes an agent, and only from its holder.
        [contactId, agentId, contactSourcesOf('connected'), holder],
      );
      return rows.length ? { result: 'assigned', endpoint: rows[0].endpoint } : { result: 'gone', endpoint: null };
    } catch (error) {
      if (boundRefusalOf(error) === 'agent_taken') return { result: 'agent_taken', endpoint: null };
      throw error;
    }
  }

  /**
   * An answered contact waits for an agent: it moves to waiting (recorded once, from answered) and
   * has no agent any more (one whose phone did not pick up is let go), in one statement. Safe to
   * repeat. False when the contact is no longer answered or waiting.
   */
  async waitForAgent(contactId: string, at: Date, holder: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      `WITH old AS (SELECT id, status FROM contacts WHERE id = $1 AND placed_by = $4 FOR UPDATE),
       c AS (
         UPDATE contacts SET status = 'waiting', agent_id = NULL
         FROM old WHERE contacts.id = old.id AND old.status = ANY($3::contact_status[])
         RETURNING contacts.id, old.status AS from_status),
       ce AS (INSERT INTO contact_events (contact_id, status, at) SELECT id, 'waiting', $2 FROM c WHERE from_status <> 'waiting')
       SELECT count(*)::int AS moved FROM c`,
      // From answered, or again from waiting (its agent did not pick up).
      [contactId, at, [...contactSourcesOf('waiting'), 'waiting'], holder],
    );
    return rows[0].moved > 0;
  }

  /**
   * Erasure on request, in the erasure's transaction: the number's targets not dialed yet end
   * `skipped` (`do_not_call`) without it; its live contacts are asked to end (`erased`, acted on by
   * the worker holding the call); then every target and contact of the tenant loses it (a target
   * its data too, and its reference any copy of the number; a target that mentions the number only
   * in its reference or data loses that copy). The rows stay: counts and abandon rates keep their
   * figures. Safe to repeat.
   */
  async eraseNumber(
    tx: Tx,
    tenantId: string,
    phoneNumber: string,
  ): Promise<{ targetsSkipped: number; liveContacts: string[]; targets: number; contacts: number }> {
    const [skipped] = await tx.$queryRaw<{ moved: number }[]>`
      WITH t AS (
        UPDATE targets SET status = 'skipped', reason = 'do_not_call', next_attempt_at = NULL, updated_at = now(),
                           completed_at = now(), phone_number = NULL, data = NULL,
                           reference = erase_number_in(reference, ${phoneNumber})
        WHERE tenant_id = ${tenantId}::uuid AND phone_number = ${phoneNumber}
          AND status = ANY(${sourcesOf('skipped')}::target_status[])
        RETURNING id),
      te AS (INSERT INTO target_events (target_id, from_status, to_status, reason)
             SELECT id, 'pending', 'skipped', 'do_not_call' FROM t)
      SELECT count(*)::int AS moved FROM t`;
    const live = await tx.$queryRaw<{ id: string }[]>`
      UPDATE contacts SET end_requested = COALESCE(end_requested, 'erased'), phone_number = NULL
      WHERE tenant_id = ${tenantId}::uuid AND phone_number = ${phoneNumber} AND status <> 'ended'
      RETURNING id`;
    const contacts = await tx.$executeRaw`
      UPDATE contacts SET phone_number = NULL WHERE tenant_id = ${tenantId}::uuid AND phone_number = ${phoneNumber}`;
    const targets = await tx.$executeRaw`
      UPDATE targets SET phone_number = NULL, data = NULL, reference = erase_number_in(reference, ${phoneNumber})
      WHERE tenant_id = ${tenantId}::uuid AND phone_number = ${phoneNumber}`;
    const digits = `%${phoneNumber.slice(1)}%`;
    const mentions = await tx.$executeRaw`
      UPDATE targets SET reference = erase_number_in(reference, ${phoneNumber}),
                         data = erase_number_in(data::text, ${phoneNumber})::jsonb
      WHERE tenant_id = ${tenantId}::uuid AND (reference LIKE ${digits} OR data::text LIKE ${digits})`;
    return {
      targetsSkipped: skipped.moved,
      liveContacts: live.map((row) => row.id),
      targets: skipped.moved + targets + mentions,
      contacts: live.length + contacts,
    };
  }

  /**
   * Retention: deletes up to `limit` of the tenant's contacts (with their events) that ended more
   * than `days` days ago by PostgreSQL's clock; a live contact is never taken, nor one another
   * statement holds. What GET /v1/autocalls/{id} counts of them (answered by a person, abandoned:
   * the predicates of PacingStats.ofAutoCall) moves to their AutoCall's row in the same statement,
   * so an AutoCall's figures never change. `db` is retention's own connection, not the engine's
   * pool. Returns how many were deleted; safe to repeat.
   */
  async removeEndedContacts(db: Queryable, tenantId: string, days: number, limit: number): Promise<number> {
    const { rows } = await db.query(
      `WITH doomed AS (
         SELECT id FROM contacts
         WHERE tenant_id = $1::uuid AND created_at < now() - make_interval(days => $2::int)
           AND status = 'ended' AND ended_at < now() - make_interval(days => $2::int)
         ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED),
       gone AS (
         DELETE FROM contacts c USING doomed WHERE c.id = doomed.id
         RETURNING c.autocall_id, c.answered_by = 'human' AS answered,
                   c.answered_by = 'human' AND c.connected_at IS NULL AND c.status = 'ended' AS abandoned),
       counted AS (
         UPDATE autocalls a SET removed_answered = a.removed_answered + g.answered,
                                removed_abandoned = a.removed_abandoned + g.abandoned
         FROM (SELECT autocall_id, count(*) FILTER (WHERE answered)::int AS answered,
                      count(*) FILTER (WHERE abandoned)::int AS abandoned
               FROM gone GROUP BY autocall_id) g
         WHERE a.id = g.autocall_id AND g.answered > 0)
       SELECT count(*)::int AS removed FROM gone`,
      [tenantId, days, limit],
    );
    return rows[0].removed;
  }

  /**
   * Retention: removes the number, reference and data of up to `limit` targets of a finished
   * AutoCall that completed more than `days` days ago (an AutoCall still active keeps them all).
   * Returns how many; safe to repeat.
   */
  async anonymiseCompletedTargets(db: Queryable, autocallId: string, days: number, limit: number): Promise<number> {
    const { rowCount } = await db.query(
      `WITH doomed AS (
         SELECT t.id FROM targets t
         WHERE t.autocall_id = $1::uuid
           AND EXISTS (SELECT 1 FROM autocalls a WHERE a.id = $1::uuid AND a.completed_at IS NOT NULL)
           AND COALESCE(t.completed_at, t.updated_at) < now() - make_interval(days => $2::int)
           AND (t.phone_number IS NOT NULL OR t.reference IS NOT NULL OR t.data IS NOT NULL)
         LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE targets t SET phone_number = NULL, reference = NULL, data = NULL FROM doomed WHERE t.id = doomed.id`,
      [autocallId, days, limit],
    );
    return rowCount ?? 0;
  }

  /**
   * Retention: an AutoCall that finished more than `days` days ago and none of whose targets keeps
   * a number, a reference or data is marked, and never looked at again. False when it is not yet.
   */
  async markAnonymised(db: Queryable, autocallId: string, days: number): Promise<boolean> {
    const { rowCount } = await db.query(
      `UPDATE autocalls a SET anonymised_at = now()
       WHERE a.id = $1::uuid AND a.anonymised_at IS NULL AND a.completed_at < now() - make_interval(days => $2::int)
         AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.autocall_id = a.id
                         AND (t.phone_number IS NOT NULL OR t.reference IS NOT NULL OR t.data IS NOT NULL))`,
      [autocallId, days],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Safety net: finishes every unfinished AutoCall with no open target (see FINISH_IF_DONE). */
  async completeAllDone(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE autocalls SET ${FINISH} WHERE completed_at IS NULL AND open_targets = 0`,
    );
    return rowCount ?? 0;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

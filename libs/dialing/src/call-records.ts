import { createHash } from 'node:crypto';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ClientBase, Pool, QueryResult, QueryResultRow } from 'pg';
import {
  AgentRow,
  EngineAgentMove,
  EngineMoveResult,
  EngineMoveSqlValues,
  engineMoveParams,
  engineMovePlaceholders,
  engineMoveResultOf,
  engineMoveSql,
  OffCallMoves,
} from '@autocall/agents';
import { AppConfig } from '@autocall/config';
import type { Prisma } from '@autocall/database';
import { ContactStatus, contactSourcesOf } from './contact-lifecycle';
import type { AutoCallView } from './autocalls.service';
import { RecentCall } from './compliance/compliance';
import { ABANDONED_AT_SQL } from './compliance/compliance.service';
import { BoundRefusal, boundRefusalOf } from './dial-bounds';
import { GroupCommit } from './group-commit';
import { canMove, isTerminal, sourcesOf, TargetStatus } from './target-status';

export interface TimelineStep {
  contactId: string;
  /** The contact moves only from a status the contact state machine allows (else nothing is written). */
  to: ContactStatus;
  at: Date;
  agentId?: string | null;
  answeredBy?: string | null;
  /** Answering-machine detection's result on the answer, or `pending` (a result follows). */
  detection?: string | null;
  cause?: string | null;
  sipCode?: number | null;
  /** The contact no longer has an agent (a machine answered): the agent's assignment ends with the move. */
  releaseAgent?: boolean;
  /** The target's move that goes with it, if any (guarded by the target state machine). */
  target?: {
    to: TargetStatus;
    reason?: string | null;
    /**
     * Another attempt is due at this instant: the target goes back to pending instead of `to` if
     * its AutoCall is still active, decided by this statement under the AutoCall's row lock (a
     * cancel commits before it, and this sees it, or after it, and cancels the pending target).
     */
    retryAt?: Date | null;
  };
  /**
   * The worker writing as the call's holder: the move is refused (nothing written) unless the
   * contact's placing claim is still this worker's (fencing: see takeOver).
   */
  holder?: string;
  /**
   * A connected call's end: if the tenant has a default disposition code (decided by this
   * statement), the contact awaits its disposition, its wrap-up lasting the tenant's wrapUpSeconds
   * (divided by `timeScale`, the simulator's) from now by PostgreSQL's clock
   * (contacts.wrap_up_until), and its target does not move (the disposition decides it).
   */
  awaitDisposition?: { defaultWrapUpSeconds: number; timeScale: number } | null;
  /**
   * The agent's move that goes with the contact's (an agent put on the call as it connects): made by
   * this statement only if the contact moved, its SQL the agents module's (engineMoveSql).
   */
  agentMove?: EngineAgentMove;
  /**
   * A connected call's end: its agent is taken off the call by this statement too (only if the
   * contact moved), by the move its own decision calls for (awaiting a disposition or not).
   */
  agentOffCall?: OffCallMoves;
}

export interface TimelineResult {
  contactMoved: boolean;
  targetMoved: boolean;
  /**
   * The status the target moved to; on a repeat of the step that moved it (the contact had moved
   * already), its status now if this contact was its last; else null.
   */
  targetStatus: TargetStatus | null;
  autocallId: string | null;
  /**
   * The contact ended awaiting its disposition (see TimelineStep.awaitDisposition), for this many
   * real seconds of wrap-up; null when it awaits none. A repeat of the end (its first try committed)
   * reads it back from the contact, with the seconds left, so a retried step waits as the first did.
   */
  awaitingDisposition: { wrapUpSeconds: number } | null;
  /**
   * At an answer: the agent the contact holds after it (the one reserved for the dial, if it still
   * is: an agent who left availability meanwhile lost it), with the endpoint to ring.
   */
  agent: { id: string; endpoint: string } | null;
  /** With `agentMove` or `agentOffCall`: the agent after the statement, moved by it or as it was. */
  agentMoved: EngineMoveResult | null;
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

/**
 * Row locks in the order every end of a call takes them: its connection's stripe of the tenant's
 * ends (line_frees: its release by the contacts_free_line trigger), then the AutoCall's (its count
 * of open targets). A statement that reads whether its AutoCall still dials under the AutoCall's
 * lock adds `LINE_ROW_OF_C` to its CTEs (`c`: the contact it ends) and `LINE_ROW_FIRST` to the
 * WHERE of the query that locks the AutoCall: a one-time filter, run before that query's rows are
 * locked. The other order deadlocked with plain ends of the same AutoCall. (Dials take the
 * line_settings row, which no end takes before its AutoCall's.)
 */
const LINE_ROW_OF_C = `lines AS (
        SELECT f.tenant_id FROM line_frees f JOIN c ON f.tenant_id = c.tenant_id AND f.stripe = line_frees_stripe()
        FOR UPDATE OF f)`;
const LINE_ROW_FIRST = '(SELECT count(*) FROM lines) >= 0';

const AT_COLUMN: Partial<Record<ContactStatus, string>> = {
  ringing: 'ringing_at',
  answered: 'answered_at',
  connected: 'connected_at',
  ended: 'ended_at',
};

/**
 * A ringing step that carries nothing but the move (and its target's move to ringing) and its
 * time: the one move every dial makes. Such steps of many calls are written together
 * (recordRinging); every other step carries what only `record`'s own statement writes.
 */
function isPlainRinging(step: TimelineStep): boolean {
  const target = step.target;
  return (
    step.to === 'ringing' &&
    !step.agentId &&
    !step.answeredBy &&
    !step.detection &&
    !step.cause &&
    step.sipCode == null &&
    !step.releaseAgent &&
    !step.awaitDisposition &&
    (!target || (target.to === 'ringing' && !target.reason && !target.retryAt))
  );
}

/**
 * What a dial needs to know about a held target, read in one statement right before it: the target,
 * its AutoCall, whether its number is on the tenant's call stops, and (when a guard needs them) the
 * number's recent calls.
 */
export interface DialCandidate {
  targetId: string;
  autocallId: string;
  status: TargetStatus;
  /** Null once erased on request. */
  phoneNumber: string | null;
  timeZone: string | null;
  reference: string | null;
  attempts: number;
  /** Its AutoCall's fields a dial uses, as the API shows them (AutoCallView). */
  autocall: Pick<
    AutoCallView,
    | 'mode'
    | 'priority'
    | 'checks'
    | 'callerId'
    | 'ringTimeoutSeconds'
    | 'callingWindow'
    | 'retry'
    | 'machine'
    | 'machineMessage'
    | 'detectionWaitSeconds'
  > & { status: 'active' | 'completed' | 'cancelled' };
  /** On the tenant's call stops (an entry not expired by PostgreSQL's clock). */
  stopped: boolean;
  /** The number's calls of the last `historySeconds` (null when none were asked for). */
  recentCalls: RecentCall[] | null;
}

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

/** More statement texts than CallRecords has shapes: a sign of text built per call, not prepared. */
const MAX_PREPARED_STATEMENTS = 200;

/** A held target's dial, asked for with its read (CallRecords.readAndDial). */
export interface HeldTargetDial {
  contactId: string;
  autocallId: string;
  skill: string;
  agentId: string | null;
  placedBy: string | null;
}

/** A held target to read, with its dial when its guards were judged before the read. */
export interface HeldTargetAsk {
  targetId: string;
  historySeconds: number;
  dial: HeldTargetDial | null;
}

/** A held target as read, and its dial's result when one was asked for and the read allowed it. */
export interface HeldTargetRead {
  candidate: DialCandidate | null;
  dialed: { result: 'dialing'; trunkId: string | null; attempt: number } | { result: BoundRefusal } | null;
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
  /** Plain ringing steps (see isPlainRinging) of many calls, written together. */
  private readonly ringing = new GroupCommit((steps: TimelineStep[]) => this.recordRinging(steps));

  /** Each statement text's name (see prepared). */
  private readonly statementNames = new Map<string, string>();

  constructor(config: AppConfig) {
    this.pool = new Pool({ connectionString: config.get('DATABASE_URL'), max: 10 });
    this.pool.on('error', () => undefined);
  }

  /**
   * Runs a statement prepared once per connection: named by its text (each method's text is one of
   * a few shapes), so that PostgreSQL parses and plans it once, and each execution sends only its
   * values, not kilobytes of SQL (writing the text was a sixth of a worker's CPU per call).
   */
  private prepared<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<QueryResult<R>> {
    let name = this.statementNames.get(text);
    if (!name) {
      // Shapes are few; a text that is not one of them (should one appear) runs unnamed.
      if (this.statementNames.size >= MAX_PREPARED_STATEMENTS) return this.pool.query<R>(text, values);
      name = `cr_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.statementNames.set(text, name);
    }
    return this.pool.query<R>({ name, text, values });
  }

  async record(step: TimelineStep): Promise<TimelineResult> {
    if (isPlainRinging(step)) return this.ringing.write(step);
    const atColumn = AT_COLUMN[step.to];
    const target = step.target;
    const terminal = target ? isTerminal(target.to) : false;
    const w = target ? 17 : 12;
    // The agent's move's values follow the others: one move's, or the three an end chooses from.
    const agentMove = this.agentMoveSql(step, w + 3);
    const sql = `
      WITH d AS (${
        step.awaitDisposition
          ? `
        -- Whether the call awaits its disposition: only asked at a connected call's end.
        SELECT EXISTS (
                 SELECT 1 FROM disposition_codes dc JOIN contacts cc ON cc.tenant_id = dc.tenant_id
                 WHERE cc.id = $1::uuid AND dc.is_default) AS awaited,
               COALESCE((SELECT (s.settings ->> 'wrapUpSeconds')::float8 FROM tenant_settings s
                         JOIN contacts cc ON cc.tenant_id = s.tenant_id WHERE cc.id = $1::uuid),
                        $${w + 1}::float8) / $${w}::float8 AS seconds`
          : `SELECT false AS awaited, $${w + 1}::float8 / $${w}::float8 AS seconds`
      }),
      c AS (
        UPDATE contacts SET status = $2::contact_status
          ${atColumn ? `, ${atColumn} = $3` : ''}
          , agent_id = CASE WHEN $9::boolean THEN NULL ELSE COALESCE($4, agent_id) END
          , answered_by = COALESCE($5, answered_by)
          , detection = COALESCE($${w + 2}::text, detection)
          , detected_at = CASE WHEN $${w + 2}::text IN ('human', 'machine', 'unknown') THEN $3
                               ELSE detected_at END
          , cause = COALESCE($6, cause)
          , sip_code = COALESCE($7, sip_code)
          , abandoned = abandoned OR $${target ? 16 : 11}::boolean
          , wrap_up_until = CASE WHEN (SELECT awaited FROM d) THEN now() + (SELECT seconds FROM d) * interval '1 second'
                                 ELSE wrap_up_until END
        WHERE id = $1::uuid AND status = ANY($8::contact_status[])
          AND ($${target ? 15 : 10}::text IS NULL OR placed_by = $${target ? 15 : 10})
        RETURNING id, target_id, autocall_id, tenant_id, agent_id, disposition),${
          step.awaitDisposition
            ? `
      -- A repeat of this end (its first try committed, its answer was lost) reads the decision back:
      -- the call awaits its disposition while it has a wrap-up deadline, for the time left.
      r AS (
        SELECT status, wrap_up_until FROM contacts
        WHERE id = $1::uuid AND ($${target ? 15 : 10}::text IS NULL OR placed_by = $${target ? 15 : 10})),`
            : ''
        }
      ce AS (
        INSERT INTO contact_events (contact_id, status, cause, agent_id, at)
        SELECT id, $2::contact_status, $6, $4, $3 FROM c)
      ${
        target
          ? `, ${
              target.retryAt
                ? `
      -- Whether the AutoCall still dials, read under its lock, the line row's first (LINE_ROW_FIRST).
      ${LINE_ROW_OF_C},
      old AS (
        SELECT t.id, t.status,
               CASE WHEN a.status = 'active' THEN 'pending' ELSE $10 END::target_status AS next
        FROM targets t JOIN c ON t.id = c.target_id JOIN autocalls a ON a.id = t.autocall_id
        WHERE ${LINE_ROW_FIRST}
        FOR UPDATE OF t FOR NO KEY UPDATE OF a)`
                : `old AS (
        SELECT t.id, t.status, $10::target_status AS next FROM targets t JOIN c ON t.id = c.target_id FOR UPDATE OF t)`
            },
      t AS (
        UPDATE targets SET status = old.next, reason = $11, last_contact_id = $1::uuid,
          next_attempt_at = CASE WHEN old.next = 'pending' THEN $12::timestamptz END, updated_at = now(),
          completed_at = CASE WHEN $13 AND old.next <> 'pending' THEN now() ELSE NULL END
        FROM old WHERE targets.id = old.id AND old.status = ANY($14::target_status[])
          AND NOT (SELECT awaited FROM d)
        RETURNING targets.id, old.status AS from_status, old.next),
      te AS (
        INSERT INTO target_events (target_id, from_status, to_status, reason, contact_id, at)
        SELECT id, from_status, next, $11, $1::uuid, $3 FROM t)`
          : ''
      }${agentMove ? `, ${agentMove.ctes}` : ''}
      SELECT (SELECT count(*) FROM c)::int AS contact_moved,
             ${target ? '(SELECT count(*) FROM t)::int' : '0'} AS target_moved,
             ${
               target
                 ? `COALESCE((SELECT next::text FROM t),
                      -- A repeat (its first try committed): the target as this contact left it.
                      (SELECT tt.status::text FROM targets tt JOIN contacts cc ON tt.id = cc.target_id
                       WHERE cc.id = $1::uuid AND tt.last_contact_id = $1::uuid AND NOT EXISTS (SELECT 1 FROM c)))`
                 : 'NULL'
             } AS target_status,
             (SELECT autocall_id FROM c) AS autocall_id,
             ${
               step.awaitDisposition
                 ? `CASE WHEN EXISTS (SELECT 1 FROM c) THEN (SELECT awaited FROM d)
                         ELSE (SELECT r.status = 'ended' AND r.wrap_up_until IS NOT NULL FROM r) END AS awaiting,
             CASE WHEN EXISTS (SELECT 1 FROM c) THEN (SELECT seconds FROM d)
                  ELSE (SELECT GREATEST(0, extract(epoch FROM r.wrap_up_until - now()))::float8 FROM r) END AS wrap_up_seconds,`
                 : `false AS awaiting, NULL::float8 AS wrap_up_seconds,`
             }
             ${
               step.to === 'answered'
                 ? `(SELECT c.agent_id FROM c) AS agent_id,
             (SELECT a.endpoint FROM agents a JOIN c ON a.tenant_id = c.tenant_id AND a.id = c.agent_id) AS agent_endpoint`
                 : 'NULL AS agent_id, NULL AS agent_endpoint'
             },
             ${agentMove ? `(SELECT to_jsonb(x) FROM (${agentMove.agentAfter}) x LIMIT 1)` : 'NULL'} AS agent_after`;
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
      // A retry may take either move: from where both may start.
      const sources = target.retryAt
        ? sourcesOf(target.to).filter((from) => canMove(from, 'pending'))
        : sourcesOf(target.to);
      params.push(target.to, target.reason ?? null, target.retryAt ?? null, terminal, sources);
    }
    params.push(step.holder ?? null);
    // A person answered and no agent took the call: the contact's own fact, with its end.
    params.push(target?.to === 'abandoned');
    params.push(step.awaitDisposition?.timeScale ?? null, step.awaitDisposition?.defaultWrapUpSeconds ?? null);
    params.push(step.detection ?? null);
    if (step.agentMove) params.push(...engineMoveParams(step.agentMove));
    if (step.agentOffCall) {
      const { awaiting, disposed, otherwise } = step.agentOffCall;
      params.push(...engineMoveParams(awaiting), ...engineMoveParams(disposed), ...engineMoveParams(otherwise));
    }
    // A target's terminal move finishes its AutoCall in the same statement when it was the last open
    // one (the targets_count_open_ended trigger).
    const { rows } = await this.prepared(sql, params);
    const row = rows[0] as {
      contact_moved: number;
      target_moved: number;
      target_status: TargetStatus | null;
      autocall_id: string | null;
      awaiting: boolean;
      wrap_up_seconds: number | null;
      agent_id: string | null;
      agent_endpoint: string | null;
      agent_after: AgentRow | null;
    };
    return {
      contactMoved: row.contact_moved > 0,
      targetMoved: row.target_moved > 0,
      targetStatus: row.target_status,
      autocallId: row.autocall_id,
      awaitingDisposition: row.awaiting === true ? { wrapUpSeconds: row.wrap_up_seconds ?? 0 } : null,
      agent: row.agent_id && row.agent_endpoint ? { id: row.agent_id, endpoint: row.agent_endpoint } : null,
      agentMoved: row.agent_after ? engineMoveResultOf(row.agent_after) : null,
    };
  }

  /**
   * The SQL of the agent's move a step carries (agentMove, or the choice of agentOffCall's moves),
   * its values from placeholder `first` on; made only if the contact moved.
   */
  private agentMoveSql(step: TimelineStep, first: number): { ctes: string; agentAfter: string } | null {
    const when = 'EXISTS (SELECT 1 FROM c)';
    if (step.agentMove) return engineMoveSql(engineMovePlaceholders(first), when);
    if (!step.agentOffCall) return null;
    // Awaiting a disposition (decided above, in d) with none set during the call; awaiting one set
    // already; awaiting none.
    const [awaiting, disposed, otherwise] = [0, 6, 12].map((offset) => engineMovePlaceholders(first + offset));
    const choose = (field: keyof EngineMoveSqlValues) =>
      `CASE WHEN (SELECT awaited FROM d) AND (SELECT disposition FROM c) IS NULL THEN ${awaiting[field]}
            WHEN (SELECT awaited FROM d) THEN ${disposed[field]} ELSE ${otherwise[field]} END`;
    const fields: (keyof EngineMoveSqlValues)[] = ['tenant', 'agent', 'to', 'sources', 'reason', 'required'];
    return engineMoveSql(Object.fromEntries(fields.map((f) => [f, choose(f)])) as unknown as EngineMoveSqlValues, when);
  }

  /**
   * The ringing of many calls (one per dial) in one statement: the same guarded moves, events and
   * target moves as `record` writes for each, row by row. Group commit (see GroupCommit): each
   * call's step is answered once this statement has returned.
   */
  private async recordRinging(steps: TimelineStep[]): Promise<TimelineResult[]> {
    const { rows } = await this.prepared<{ id: string; autocall_id: string; target_moved: boolean }>(
      `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::boolean[]) AS v(id, at, holder, with_target)),
       c AS (
         UPDATE contacts SET status = 'ringing', ringing_at = v.at
         FROM v
         WHERE contacts.id = v.id AND contacts.status = ANY($5::contact_status[])
           AND (v.holder IS NULL OR contacts.placed_by = v.holder)
         RETURNING contacts.id, contacts.target_id, contacts.autocall_id, v.at, v.with_target),
       ce AS (
         INSERT INTO contact_events (contact_id, status, at) SELECT id, 'ringing', at FROM c),
       old AS (
         SELECT t.id, t.status, c.id AS contact_id, c.at FROM targets t JOIN c ON t.id = c.target_id
         WHERE c.with_target FOR UPDATE OF t),
       t AS (
         UPDATE targets SET status = 'ringing', reason = NULL, last_contact_id = old.contact_id,
           next_attempt_at = NULL, updated_at = now(), completed_at = NULL
         FROM old WHERE targets.id = old.id AND old.status = ANY($6::target_status[])
         RETURNING targets.id, old.status AS from_status, old.contact_id, old.at),
       te AS (
         INSERT INTO target_events (target_id, from_status, to_status, contact_id, at)
         SELECT id, from_status, 'ringing', contact_id, at FROM t)
       SELECT c.id, c.autocall_id, EXISTS (SELECT 1 FROM t WHERE t.contact_id = c.id) AS target_moved FROM c`,
      [
        steps.map((s) => s.contactId),
        steps.map((s) => s.at),
        steps.map((s) => s.holder ?? null),
        steps.map((s) => s.target !== undefined),
        contactSourcesOf('ringing'),
        sourcesOf('ringing'),
      ],
    );
    const moved = new Map(rows.map((row) => [row.id, row]));
    return steps.map((step) => {
      const row = moved.get(step.contactId);
      return {
        contactMoved: row !== undefined,
        targetMoved: row?.target_moved === true,
        targetStatus: row?.target_moved === true ? 'ringing' : null,
        autocallId: row?.autocall_id ?? null,
        awaitingDisposition: null,
        agent: null,
        agentMoved: null,
      };
    });
  }

  /** An AutoCall's submission number (it names the AutoCall in its held jobs); null if it is gone. */
  async autocallSeq(autocallId: string): Promise<bigint | null> {
    const { rows } = await this.prepared<{ seq: string }>(`SELECT seq FROM autocalls WHERE id = $1`, [autocallId]);
    return rows.length ? BigInt(rows[0].seq) : null;
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
      const { rows } = await this.prepared(
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
   * The held target and what its dial depends on, in one read; and, with `dial` (its guards were
   * judged before, from the zones its held job carries), its dial in the same statement, as
   * startDial writes it, if the read finds it dialable: pending, its AutoCall the one its job named
   * and active, its number not erased and on no call stop. The contact takes its line (and agent)
   * in that statement or PostgreSQL refuses it (dial-bounds.ts): then nothing is written, the
   * refusal is returned, and no candidate (the refusal's handling needs none). Otherwise
   * `dialed` is null when the statement did not dial: the caller decides from the candidate, as
   * after any read (skip it, hold it, drop it, or dial it with startDial).
   */
  async readAndDial(targetId: string, historySeconds: number, dial: HeldTargetDial | null): Promise<HeldTargetRead> {
    try {
      return (await this.readAndDialInOrder([{ targetId, historySeconds, dial }]))[0];
    } catch (error) {
      const refusal = dial ? boundRefusalOf(error) : null;
      if (refusal) return { candidate: null, dialed: { result: refusal } };
      throw error;
    }
  }

  /**
   * Several held targets read, and those with a dial dialed, in one statement, as readAndDial does
   * for one: their contacts are inserted in the order given, each taking its line (and agent) after
   * the ones before it. The statement is one decision: if PostgreSQL refuses any of its dials, it
   * throws (boundRefusalOf names the refusal) and nothing of it is written; the caller then dials
   * them one by one, in the same order, to learn which. Answers in the order of `reads`.
   */
  async readAndDialInOrder(reads: readonly HeldTargetAsk[]): Promise<HeldTargetRead[]> {
    const { rows } = await this.prepared(
      `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[])
           WITH ORDINALITY AS v(target_id, history_seconds, contact_id, dial_autocall_id, skill, agent_id, placed_by, ord)),
       cand AS (
         SELECT v.ord, v.contact_id AS dial_contact_id, v.dial_autocall_id, v.skill AS dial_skill,
                v.agent_id AS dial_agent_id, v.placed_by AS dial_placed_by,
                t.id, t.tenant_id, t.autocall_id, t.status, t.phone_number, t.time_zone, t.reference, t.attempts,
                a.status AS autocall_status, a.mode, a.priority, a.checks, a.caller_id, a.ring_timeout_seconds,
                a.calling_window, a.retry, a.machine, a.machine_message, a.detection_wait_seconds,
                t.phone_number IS NOT NULL AND EXISTS (
                  SELECT 1 FROM call_stops s WHERE s.tenant_id = t.tenant_id AND s.phone_number = t.phone_number
                    AND (s.expires_at IS NULL OR s.expires_at > now())) AS stopped,
                CASE WHEN v.history_seconds > 0 AND t.phone_number IS NOT NULL THEN (
                  SELECT coalesce(json_agg(json_build_array(c.created_at, ${ABANDONED_AT_SQL})), '[]'::json)
                  FROM contacts c
                  WHERE c.tenant_id = t.tenant_id AND c.phone_number = t.phone_number
                    AND c.created_at > now() - v.history_seconds * interval '1 second') END AS recent_calls
         FROM v JOIN targets t ON t.id = v.target_id JOIN autocalls a ON a.id = t.autocall_id),
       -- Only with a dial, and only what the read found dialable. The target's own status and
       -- number are checked on the row the update sees (a concurrent move or erasure is seen).
       t AS (
         UPDATE targets SET status = 'dialing', reason = NULL, attempts = targets.attempts + 1,
                last_contact_id = cand.dial_contact_id, next_attempt_at = NULL, updated_at = now()
         FROM cand
         WHERE cand.dial_contact_id IS NOT NULL AND targets.id = cand.id AND targets.status = 'pending'
           AND targets.phone_number IS NOT NULL AND cand.autocall_id = cand.dial_autocall_id
           AND cand.autocall_status = 'active' AND NOT cand.stopped
         RETURNING targets.id, targets.attempts, targets.phone_number),
       -- In the order given: each contact's line is taken after the earlier ones'.
       c AS (
         INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, caller_id, agent_id, placed_by)
         SELECT cand.dial_contact_id, cand.tenant_id, cand.autocall_id, t.id, t.attempts, cand.dial_skill, t.phone_number,
                cand.caller_id, cand.dial_agent_id, cand.dial_placed_by
         FROM t JOIN cand ON cand.id = t.id ORDER BY cand.ord RETURNING id, trunk_id, attempt, agent_id),
       ce AS (INSERT INTO contact_events (contact_id, status, agent_id) SELECT id, 'dialing', agent_id FROM c),
       te AS (
         INSERT INTO target_events (target_id, from_status, to_status, contact_id)
         SELECT cand.id, 'pending', 'dialing', cand.dial_contact_id FROM t JOIN cand ON cand.id = t.id)
       SELECT v.ord, cand.*, c.id IS NOT NULL AS dialed, c.trunk_id, c.attempt AS dialed_attempt
       FROM v LEFT JOIN cand ON cand.ord = v.ord LEFT JOIN c ON c.id = cand.dial_contact_id
       ORDER BY v.ord`,
      [
        reads.map((r) => r.targetId),
        reads.map((r) => r.historySeconds),
        reads.map((r) => r.dial?.contactId ?? null),
        reads.map((r) => r.dial?.autocallId ?? null),
        reads.map((r) => r.dial?.skill ?? null),
        reads.map((r) => r.dial?.agentId ?? null),
        reads.map((r) => r.dial?.placedBy ?? null),
      ],
    );
    if (rows.length !== reads.length) throw new Error(`readAndDialInOrder: ${rows.length} rows for ${reads.length}`);
    return rows.map((row) => {
      if (row.id === null) return { candidate: null, dialed: null };
      const candidate = candidateOf(row);
      if (!row.dialed) return { candidate, dialed: null };
      return {
        candidate,
        dialed: { result: 'dialing', trunkId: row.trunk_id as string | null, attempt: row.dialed_attempt as number },
      };
    });
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
  }): Promise<{ result: 'dialing'; trunkId: string | null } | { result: 'gone' | BoundRefusal }> {
    try {
      const { rows } = await this.prepared(
        `WITH t AS (
           UPDATE targets SET status = 'dialing', reason = NULL, attempts = attempts + 1, last_contact_id = $1,
                  next_attempt_at = NULL, updated_at = now()
           WHERE id = $4 AND status = 'pending' RETURNING id),
         c AS (
           INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, caller_id, agent_id, placed_by)
           SELECT $1, $2, $3, id, $5, $6, $7, $8, $9, $10 FROM t RETURNING id, trunk_id),
         ce AS (INSERT INTO contact_events (contact_id, status, agent_id) SELECT id, 'dialing', $9 FROM c),
         te AS (INSERT INTO target_events (target_id, from_status, to_status, contact_id) SELECT id, 'pending', 'dialing', $1 FROM t)
         SELECT count(*)::int AS moved, (SELECT trunk_id FROM c) AS trunk_id FROM t`,
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
      return rows[0].moved > 0 ? { result: 'dialing', trunkId: rows[0].trunk_id } : { result: 'gone' };
    } catch (error) {
      const refusal = boundRefusalOf(error);
      if (refusal) return { result: refusal };
      throw error;
    }
  }

  /**
   * The trunk sent the call back (it answered 503, or nothing at all answered the INVITE): the
   * number was never reached, so in one statement the contact ends (trunk_returned, its attempt
   * not charged), its target goes back to pending with its attempts as they were, or, after the
   * tenant's maxTrunkReturns, ends failed (trunk_unavailable); the trunk (or the tenant's default
   * trunk) pauses for `pauseSeconds` or its own overload pause, by PostgreSQL's clock, so the next
   * dials take the next trunk. Returns what the target became (null: the contact had moved on, or
   * the holder is not `holder`: nothing written).
   */
  async returnToTrunk(step: {
    contactId: string;
    at: Date;
    sipCode: number;
    pauseSeconds: number | null;
    holder: string;
    defaultMaxReturns: number;
  }): Promise<{ target: 'pending' | 'failed' | 'cancelled' | null; trunkId: string | null; attempts: number }> {
    const { rows } = await this.prepared(
      `WITH c AS (
         UPDATE contacts SET status = 'ended', ended_at = $2, cause = 'trunk_overloaded', sip_code = $3,
                             trunk_returned = true
         WHERE id = $1::uuid AND status = ANY($4::contact_status[]) AND placed_by = $5
         RETURNING id, target_id, tenant_id, trunk_id),
       ce AS (INSERT INTO contact_events (contact_id, status, cause, at) SELECT id, 'ended', 'trunk_overloaded', $2 FROM c),
       bound AS (
         SELECT COALESCE((SELECT (s.settings ->> 'maxTrunkReturns')::int FROM tenant_settings s, c
                          WHERE s.tenant_id = c.tenant_id), $7::int) AS max_returns),
       -- The tenant's row of ends before its AutoCall's and its trunk's, as the line's release at
       -- the end of this statement takes them (LINE_ROW_FIRST): whether the AutoCall still dials is
       -- read under its lock (a cancel is seen, or cancels the pending target after).
       ${LINE_ROW_OF_C},
       old AS (
         SELECT t.id, t.status,
                CASE WHEN a.status <> 'active' THEN 'cancelled'
                     WHEN t.trunk_returns + 1 >= (SELECT max_returns FROM bound) THEN 'failed'
                     ELSE 'pending' END AS next
         FROM targets t JOIN c ON t.id = c.target_id JOIN autocalls a ON a.id = t.autocall_id
         WHERE ${LINE_ROW_FIRST}
         FOR UPDATE OF t FOR NO KEY UPDATE OF a),
       t AS (
         UPDATE targets SET
           status = old.next::target_status,
           reason = CASE old.next WHEN 'cancelled' THEN 'autocall_cancelled' WHEN 'failed' THEN 'trunk_unavailable'
                    ELSE 'trunk_busy' END,
           attempts = GREATEST(0, targets.attempts - 1), trunk_returns = targets.trunk_returns + 1,
           last_contact_id = $1::uuid,
           -- Due again at once: the janitor holds it again if its job is lost (a crash before it).
           next_attempt_at = CASE WHEN old.next = 'pending' THEN now() END,
           updated_at = now(),
           completed_at = CASE WHEN old.next <> 'pending' THEN now() END
         FROM old WHERE targets.id = old.id AND old.status = 'dialing'
         RETURNING targets.id, targets.status, targets.reason, targets.attempts),
       te AS (
         INSERT INTO target_events (target_id, from_status, to_status, reason, contact_id, at)
         SELECT id, 'dialing', status, reason, $1::uuid, $2 FROM t),
       tr AS (
         UPDATE trunks SET overloads = overloads + 1,
           paused_until = GREATEST(COALESCE(paused_until, '-infinity'),
                                   clock_timestamp() + COALESCE($6::float8, overload_pause_seconds) * interval '1 second')
         FROM c LEFT JOIN lines ON lines.tenant_id = c.tenant_id WHERE trunks.id = c.trunk_id),
       dflt AS (
         UPDATE line_settings SET default_trunk_paused_until =
           GREATEST(COALESCE(default_trunk_paused_until, '-infinity'), clock_timestamp() + COALESCE($6::float8, 2) * interval '1 second')
         FROM c WHERE line_settings.tenant_id = c.tenant_id AND c.trunk_id IS NULL)
       SELECT (SELECT status::text FROM t) AS target, (SELECT trunk_id FROM c) AS trunk_id,
              (SELECT attempts FROM t) AS attempts`,
      [
        step.contactId,
        step.at,
        step.sipCode,
        contactSourcesOf('ended'),
        step.holder,
        step.pauseSeconds,
        step.defaultMaxReturns,
      ],
    );
    const row = rows[0] as {
      target: 'pending' | 'failed' | 'cancelled' | null;
      trunk_id: string | null;
      attempts: number | null;
    };
    return { target: row.target, trunkId: row.trunk_id, attempts: row.attempts ?? 0 };
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
    const { rows } = await this.prepared(
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
    await this.prepared(`UPDATE targets SET reason = $2, next_attempt_at = $3 WHERE id = $1 AND status = 'pending'`, [
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
    const { rowCount } = await this.prepared(
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
    const { rowCount } = await this.prepared(
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
    const { rowCount } = await this.prepared(
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
      const { rows } = await this.prepared(
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
   * Answering-machine detection's result (or, `result` null, the engine's decision without one) on
   * an answered contact whose detection is pending, in one statement: its detection fact, who the
   * callee is treated as (only if not decided before: the abandon accounting counts what the
   * engine did), and a machine's agent let go. Safe to repeat; false when nothing was pending.
   */
  async recordDetection(step: {
    contactId: string;
    result: string | null;
    at: Date;
    answeredBy: string | null;
    releaseAgent: boolean;
    holder: string;
  }): Promise<boolean> {
    const { rows } = await this.prepared(
      `UPDATE contacts SET
         detection = COALESCE($2::text, detection),
         detected_at = CASE WHEN $2::text IS NULL THEN detected_at ELSE $3 END,
         answered_by = COALESCE(answered_by, $4::text),
         agent_id = CASE WHEN $5::boolean THEN NULL ELSE agent_id END
       WHERE id = $1::uuid AND placed_by = $6 AND detection = 'pending' AND status <> 'ended'
       RETURNING id`,
      [step.contactId, step.result, step.at, step.answeredBy, step.releaseAgent, step.holder],
    );
    return rows.length > 0;
  }

  /**
   * An answered contact waits for an agent: it moves to waiting (recorded once, from answered) and
   * has no agent any more (one whose phone did not pick up is let go), in one statement. Safe to
   * repeat. False when the contact is no longer answered or waiting.
   */
  async waitForAgent(contactId: string, at: Date, holder: string): Promise<boolean> {
    const { rows } = await this.prepared(
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
    // The SIP dialogs of its calls hold it in their URIs: forgotten (a live call's worker hangs up
    // from memory; should it die, no other worker can).
    await tx.$executeRaw`
      DELETE FROM sip_dialogs d USING contacts c
      WHERE c.id = d.contact_id AND c.tenant_id = ${tenantId}::uuid AND c.phone_number = ${phoneNumber}`;
    const live = await tx.$queryRaw<{ id: string }[]>`
      UPDATE contacts SET end_requested = COALESCE(end_requested, 'erased'), phone_number = NULL,
                          disposition_notes = NULL
      WHERE tenant_id = ${tenantId}::uuid AND phone_number = ${phoneNumber} AND status <> 'ended'
      RETURNING id`;
    // A disposition's notes are the agent's free text about the person: they go with the number
    // (as a target's data does), and any copy of the number in another contact's notes goes too.
    const contacts = await tx.$executeRaw`
      UPDATE contacts SET phone_number = NULL, disposition_notes = NULL
      WHERE tenant_id = ${tenantId}::uuid AND phone_number = ${phoneNumber}`;
    await tx.$executeRaw`
      UPDATE contacts SET disposition_notes = erase_number_in(disposition_notes, ${phoneNumber})
      WHERE tenant_id = ${tenantId}::uuid AND disposition_notes LIKE ${`%${phoneNumber.slice(1)}%`}`;
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

  /**
   * A contact's disposition, set once: null when it had one already (nothing written; the
   * contacts_disposition_once trigger refuses a change whatever the path). In the caller's
   * transaction, which holds the contact's row lock.
   */
  async recordDisposition(
    tx: Tx,
    disposition: { contactId: string; code: string; notes: string | null; by: string },
  ): Promise<{ dispositionAt: Date } | null> {
    const [row] = await tx.$queryRaw<{ at: Date }[]>`
      UPDATE contacts SET disposition = ${disposition.code}, disposition_notes = ${disposition.notes},
                          disposition_by = ${disposition.by}, disposition_at = now()
      WHERE id = ${disposition.contactId}::uuid AND disposition IS NULL
      RETURNING disposition_at AS at`;
    return row ? { dispositionAt: row.at } : null;
  }

  /**
   * A disposition decides the outcome of its contact's target, once: the target moves from
   * connected (only if this contact is its last: guarded) to completed, or back to pending for a
   * `retry` code; it carries the code; the contact's wait for its disposition ends (wrap_up_until
   * null, wrap_up_ended_at now). One statement in the caller's transaction. False when there was
   * nothing to apply (applied already, or the contact awaits nothing). A contact with no code (its
   * tenant removed its default code meanwhile) completes its target without one.
   */
  async applyDisposition(
    tx: Tx,
    contactId: string,
    move: { to: 'completed' | 'pending'; reason: string; nextAttemptAt: Date | null },
  ): Promise<boolean> {
    const [row] = await tx.$queryRaw<{ applied: number }[]>`
      WITH c AS (
        UPDATE contacts SET wrap_up_until = NULL, wrap_up_ended_at = now()
        WHERE id = ${contactId}::uuid AND wrap_up_until IS NOT NULL
        RETURNING id, target_id, disposition),
      old AS (
        SELECT t.id, t.status FROM targets t JOIN c ON t.id = c.target_id AND t.last_contact_id = c.id FOR UPDATE OF t),
      t AS (
        UPDATE targets SET status = ${move.to}::target_status, reason = ${move.reason}, disposition = c.disposition,
          next_attempt_at = ${move.nextAttemptAt}, updated_at = now(),
          completed_at = CASE WHEN ${move.to} = 'completed' THEN now() ELSE NULL END
        FROM old, c WHERE targets.id = old.id AND old.status = 'connected'
        RETURNING targets.id),
      te AS (
        INSERT INTO target_events (target_id, from_status, to_status, reason, contact_id)
        SELECT id, 'connected', ${move.to}::target_status, ${move.reason}, ${contactId}::uuid FROM t)
      SELECT (SELECT count(*) FROM c)::int AS applied`;
    return (row?.applied ?? 0) > 0;
  }

  /** Safety net: finishes every unfinished AutoCall with no open target (see FINISH_IF_DONE). */
  async completeAllDone(): Promise<number> {
    const { rowCount } = await this.prepared(
      `UPDATE autocalls SET ${FINISH} WHERE completed_at IS NULL AND open_targets = 0`,
    );
    return rowCount ?? 0;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

/** A held target as readAndDial's read returns it. */
function candidateOf(row: Record<string, unknown>): DialCandidate {
  const recent = row.recent_calls as [string, string | null][] | null;
  return {
    targetId: row.id as string,
    autocallId: row.autocall_id as string,
    status: row.status as TargetStatus,
    phoneNumber: row.phone_number as string | null,
    timeZone: row.time_zone as string | null,
    reference: row.reference as string | null,
    attempts: row.attempts as number,
    autocall: {
      status: row.autocall_status as DialCandidate['autocall']['status'],
      mode: row.mode as string,
      priority: row.priority as number,
      checks: row.checks as AutoCallView['checks'],
      callerId: row.caller_id as string | null,
      ringTimeoutSeconds: row.ring_timeout_seconds as number,
      callingWindow: row.calling_window,
      retry: row.retry,
      machine: row.machine as string,
      machineMessage: row.machine_message as string | null,
      detectionWaitSeconds: row.detection_wait_seconds as number,
    },
    stopped: row.stopped as boolean,
    recentCalls: recent
      ? recent.map(([createdAt, abandonedAt]) => ({
          createdAt: new Date(createdAt),
          abandonedAt: abandonedAt === null ? null : new Date(abandonedAt),
        }))
      : null,
  };
}

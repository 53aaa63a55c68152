import { Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@autocall/config';
import type { RemovedCounts } from './retention-policy';

/** One pass at a time across every worker: a session-level lock, gone with its connection. */
const PASS_LOCK = `hashtextextended('autocall/retention-pass', 0)`;

/**
 * Retention's connection to PostgreSQL for one pass: its own (never the engine's pools), holding
 * the pass lock while the pass runs; every statement of the pass runs on it, one at a time. A
 * worker that dies mid-pass loses the connection, and the lock with it. The removals outside the
 * call aggregate (callbacks, webhook events and answers, idempotent answers) are here; those of
 * contacts and targets are CallRecords' (its one repository), run on this connection.
 */
export class RetentionSession {
  constructor(readonly db: Client) {}

  /** True once no pass finished within the interval (PostgreSQL's clock). */
  async due(intervalMinutes: number): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT NOT EXISTS (SELECT 1 FROM retention_passes
                          WHERE finished_at > now() - make_interval(mins => $1::int)) AS due`,
      [intervalMinutes],
    );
    return rows[0].due;
  }

  async begin(): Promise<string> {
    const { rows } = await this.db.query(`INSERT INTO retention_passes DEFAULT VALUES RETURNING id::text`);
    return rows[0].id;
  }

  /** Records the pass as finished, and forgets passes older than a year. */
  async finish(passId: string, removed: RemovedCounts): Promise<void> {
    await this.db.query(`UPDATE retention_passes SET finished_at = now(), removed = $2 WHERE id = $1::bigint`, [
      passId,
      JSON.stringify(removed),
    ]);
    await this.db.query(`DELETE FROM retention_passes WHERE started_at < now() - interval '1 year'`);
  }

  /**
   * The tenant's finished AutoCalls created before the period whose targets may still hold
   * personal fields (the partial index autocalls_targets_to_anonymise_idx keeps this short).
   */
  async finishedAutoCalls(tenantId: string, days: number): Promise<string[]> {
    const { rows } = await this.db.query(
      `SELECT id FROM autocalls
       WHERE tenant_id = $1::uuid AND completed_at IS NOT NULL AND anonymised_at IS NULL
         AND created_at < now() - make_interval(days => $2::int)
       ORDER BY completed_at`,
      [tenantId, days],
    );
    return rows.map((row: { id: string }) => row.id);
  }

  /** Callbacks that ended before the period lose their number and data; returns how many. */
  async anonymiseEndedCallbacks(tenantId: string, days: number, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `WITH doomed AS (
         SELECT id FROM callbacks
         WHERE tenant_id = $1::uuid AND status IN ('completed', 'failed', 'cancelled')
           AND ended_at < now() - make_interval(days => $2::int)
           AND (phone_number IS NOT NULL OR data IS NOT NULL)
         LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE callbacks c SET phone_number = NULL, data = NULL FROM doomed WHERE c.id = doomed.id`,
      [tenantId, days, limit],
    );
    return rowCount ?? 0;
  }

  /**
   * Webhook events created before the period none of whose deliveries is pending (every one was
   * delivered or failed): deleted with their deliveries and attempts; returns how many events.
   */
  async removeSettledWebhookEvents(tenantId: string, days: number, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `WITH doomed AS (
         SELECT e.id FROM webhook_events e
         WHERE e.tenant_id = $1::uuid AND e.created_at < now() - make_interval(days => $2::int)
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
         ORDER BY e.created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       DELETE FROM webhook_events e USING doomed WHERE e.id = doomed.id`,
      [tenantId, days, limit],
    );
    return rowCount ?? 0;
  }

  /**
   * The receivers' answers to attempts made before the period, of events still kept (a delivery
   * still pending): removed, the attempts kept; returns how many.
   */
  async removeWebhookResponses(tenantId: string, days: number, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `WITH doomed AS (
         SELECT a.id FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
         WHERE d.tenant_id = $1::uuid AND d.created_at < now() - make_interval(days => $2::int)
           AND a.started_at < now() - make_interval(days => $2::int) AND a.response_excerpt IS NOT NULL
         LIMIT $3 FOR UPDATE OF a SKIP LOCKED)
       UPDATE webhook_delivery_attempts a SET response_excerpt = NULL FROM doomed WHERE a.id = doomed.id`,
      [tenantId, days, limit],
    );
    return rowCount ?? 0;
  }

  /**
   * Stored answers of Idempotency-Keys older than the period: deleted. The engine's keeper deletes
   * them after 24 hours already (IdempotentRequests.forgetExpired); this holds even if it never ran.
   */
  async removeIdempotentAnswers(tenantId: string, days: number, limit: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM idempotent_requests WHERE (tenant_id, operation, key) IN (
         SELECT tenant_id, operation, key FROM idempotent_requests
         WHERE tenant_id = $1::uuid AND created_at < now() - make_interval(days => $2::int)
         LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [tenantId, days, limit],
    );
    return rowCount ?? 0;
  }
}

@Injectable()
export class RetentionStore {
  constructor(private readonly config: AppConfig) {}

  /**
   * A session holding the pass lock: waiting for a pass in progress elsewhere to end ('wait'), or
   * null at once when one is ('try'). The caller closes it.
   */
  async open(mode: 'wait' | 'try'): Promise<RetentionSession | null> {
    const db = new Client({
      connectionString: this.config.get('DATABASE_URL'),
      application_name: 'autocall-retention',
    });
    db.on('error', () => undefined);
    await db.connect();
    try {
      const { rows } = await db.query(
        mode === 'wait'
          ? `SELECT pg_advisory_lock(${PASS_LOCK}), true AS locked`
          : `SELECT pg_try_advisory_lock(${PASS_LOCK}) AS locked`,
      );
      if (!rows[0].locked) {
        await db.end();
        return null;
      }
      // A batch never queues for long behind the engine's row locks (it skips the rows themselves,
      // but may wait for an AutoCall's row): it fails, and the next pass takes it up again.
      await db.query(`SET lock_timeout = '5s'`);
      return new RetentionSession(db);
    } catch (error) {
      await db.end().catch(() => undefined);
      throw error;
    }
  }

  /** Ends the session: the lock goes with the connection. */
  async close(session: RetentionSession): Promise<void> {
    await session.db.end().catch(() => undefined);
  }
}

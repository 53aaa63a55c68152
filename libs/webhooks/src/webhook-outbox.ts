import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@autocall/config';
import { AttemptVerdict } from './delivery-outcome';
import { WebhookEnvelope } from './event-types';
import { SentAttempt } from './webhook-sender';

/** A delivery to hand to BullMQ: its next attempt, due at `dueAt`. */
export interface DueDelivery {
  deliveryId: string;
  tenantId: string;
  attempt: number;
  dueAt: Date;
}

/** What an attempt needs, read in one query. */
export interface DeliveryToAttempt {
  deliveryId: string;
  tenantId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** Attempts made before the last retry by hand (the schedule counts from there). */
  retryBase: number;
  endpointId: string;
  url: string;
  enabled: boolean;
  secrets: string[];
  envelope: WebhookEnvelope;
  autocallId: string | null;
  eventCreatedAt: Date;
}

export const WEBHOOK_NOTIFY_CHANNEL = 'autocall_webhook_deliveries';

/**
 * The worker's side of the outbox, on plain `pg` (the delivery hot path: one query to read an
 * attempt, one statement to record it). PostgreSQL is the truth of every delivery; BullMQ only
 * carries "attempt n of delivery d is due", and the relay re-creates lost jobs from here.
 */
@Injectable()
export class WebhookOutbox implements OnModuleDestroy {
  readonly pool: Pool;

  constructor(config: AppConfig) {
    this.pool = new Pool({ connectionString: config.get('DATABASE_URL'), max: 10 });
    this.pool.on('error', () => undefined);
  }

  /** New deliveries, marked as handed over (SKIP LOCKED: replicas share the work). */
  async claimNew(limit: number): Promise<DueDelivery[]> {
    const { rows } = await this.pool.query(
      `UPDATE webhook_deliveries d SET enqueued_at = now()
       FROM (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND enqueued_at IS NULL
             ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED) picked
       WHERE d.id = picked.id
       RETURNING d.id, d.tenant_id, d.attempts, d.next_attempt_at`,
      [limit],
    );
    return rows.map(toDue);
  }

  /**
   * Deliveries whose attempt is overdue by more than `graceMs`: their job was lost (a Redis loss,
   * a crash between the commit and the enqueue). Re-adding is safe: job ids name the attempt.
   */
  async overdue(graceMs: number, limit: number): Promise<DueDelivery[]> {
    const { rows } = await this.pool.query(
      `SELECT id, tenant_id, attempts, next_attempt_at FROM webhook_deliveries
       WHERE status = 'pending' AND enqueued_at IS NOT NULL AND next_attempt_at < now() - $1 * interval '1 millisecond'
       ORDER BY next_attempt_at LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map(toDue);
  }

  async load(deliveryId: string): Promise<DeliveryToAttempt | null> {
    const { rows } = await this.pool.query(
      `SELECT d.id, d.tenant_id, d.status, d.attempts, d.retry_base, d.endpoint_id, ep.url, ep.enabled, ep.secret,
              CASE WHEN ep.previous_secret_expires_at > now() THEN ep.previous_secret END AS previous_secret,
              e.id AS event_id, e.type, e.data, e.created_at, e.autocall_id
       FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
       JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
       WHERE d.id = $1`,
      [deliveryId],
    );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      deliveryId: r.id,
      tenantId: r.tenant_id,
      status: r.status,
      attempts: r.attempts,
      retryBase: r.retry_base,
      endpointId: r.endpoint_id,
      url: r.url,
      enabled: r.enabled,
      secrets: [r.secret, ...(r.previous_secret ? [r.previous_secret] : [])],
      envelope: {
        id: r.event_id,
        type: r.type,
        createdAt: (r.created_at as Date).toISOString(),
        tenantId: r.tenant_id,
        data: r.data,
      },
      autocallId: r.autocall_id,
      eventCreatedAt: r.created_at,
    };
  }

  /**
   * autocall.completed is sent last for its AutoCall: true while an earlier event of the same
   * AutoCall still waits for delivery to the same endpoint.
   */
  async hasEarlierPending(delivery: DeliveryToAttempt): Promise<boolean> {
    const { rows } = await this.pool.query(
      `SELECT 1 FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
       WHERE d.endpoint_id = $1 AND d.status = 'pending' AND d.id <> $2
         AND e.autocall_id = $3 AND e.created_at <= $4 AND e.type <> 'autocall.completed'
       LIMIT 1`,
      [delivery.endpointId, delivery.deliveryId, delivery.autocallId, delivery.eventCreatedAt],
    );
    return rows.length > 0;
  }

  /**
   * Records attempt `attempt` and its verdict in one statement. Only the attempt the delivery is
   * waiting for is recorded (a duplicate job of an attempt already recorded changes nothing).
   * Returns false when it was stale.
   */
  async record(
    delivery: { deliveryId: string; endpointId: string },
    attempt: number,
    startedAt: Date,
    sent: SentAttempt,
    verdict: AttemptVerdict,
  ): Promise<boolean> {
    const status = verdict.kind === 'delivered' ? 'delivered' : verdict.kind === 'retry' ? 'pending' : 'failed';
    const nextAttemptAt = verdict.kind === 'retry' ? new Date(Date.now() + verdict.delayMs) : null;
    const lastError =
      verdict.kind === 'failed' ? verdict.reason : verdict.kind === 'gone' ? 'endpoint_gone' : sent.error;
    const { rows } = await this.pool.query(
      `WITH d AS (
         UPDATE webhook_deliveries SET attempts = $2, status = $3::webhook_delivery_status,
           next_attempt_at = COALESCE($4, next_attempt_at), last_status = $5, last_error = $6,
           delivered_at = CASE WHEN $3 = 'delivered' THEN now() END,
           failed_at = CASE WHEN $3 = 'failed' THEN now() END
         WHERE id = $1 AND status = 'pending' AND attempts = $2 - 1
         RETURNING id),
       a AS (
         INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
         SELECT id, $2, $7, $8, $5, $9, $10 FROM d),
       gone AS (
         UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'gone', updated_at = now()
         WHERE id = $11 AND $12 AND EXISTS (SELECT 1 FROM d))
       SELECT count(*)::int AS recorded FROM d`,
      [
        delivery.deliveryId,
        attempt,
        status,
        nextAttemptAt,
        sent.statusCode,
        lastError?.slice(0, 200) ?? null,
        startedAt,
        sent.durationMs,
        sent.error?.slice(0, 200) ?? null,
        sent.excerpt,
        delivery.endpointId,
        verdict.kind === 'gone',
      ],
    );
    return rows[0].recorded > 0;
  }

  /** A delivery that cannot be attempted (its endpoint was disabled) fails without an attempt. */
  async failUnattempted(deliveryId: string, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries SET status = 'failed', failed_at = now(), last_error = $2
       WHERE id = $1 AND status = 'pending'`,
      [deliveryId, reason],
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

function toDue(r: { id: string; tenant_id: string; attempts: number; next_attempt_at: Date }): DueDelivery {
  return { deliveryId: r.id, tenantId: r.tenant_id, attempt: r.attempts + 1, dueAt: r.next_attempt_at };
}

import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@autocall/config';
import { SecretBox } from '@autocall/secrets';
import { AttemptVerdict } from './delivery-outcome';
import { WebhookEnvelope } from './event-types';
import { batchJobId, DELIVERY_BATCH, deliveryJobId } from './webhook-jobs';
import { SentAttempt } from './webhook-sender';

/** A job to add: attempts of deliveries to one endpoint, due at `dueAt`. */
export interface DueBatch {
  jobId: string;
  tenantId: string;
  deliveries: { deliveryId: string; attempt: number }[];
  dueAt: Date;
}

/** A delivery whose attempt is overdue, and the job that should carry it. */
export interface OverdueDelivery {
  deliveryId: string;
  tenantId: string;
  attempt: number;
  jobId: string | null;
}

/** What an attempt needs, read in one query for a whole batch. */
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

/** One attempt's result, to record. */
export interface RecordedAttempt {
  delivery: { deliveryId: string; endpointId: string };
  attempt: number;
  startedAt: Date;
  sent: SentAttempt;
  verdict: AttemptVerdict;
}

export const WEBHOOK_NOTIFY_CHANNEL = 'autocall_webhook_deliveries';

/**
 * The worker's side of the outbox, on plain `pg` (the delivery hot path: one query reads a batch
 * of attempts, one statement records them). PostgreSQL is the truth of every delivery; BullMQ only
 * carries "these attempts are due", and the relay re-creates lost jobs from here.
 */
@Injectable()
export class WebhookOutbox implements OnApplicationShutdown {
  readonly pool: Pool;

  constructor(
    config: AppConfig,
    private readonly box: SecretBox,
  ) {
    this.pool = new Pool({ connectionString: config.get('DATABASE_URL'), max: 10 });
    this.pool.on('error', () => undefined);
  }

  /**
   * Claims new deliveries (SKIP LOCKED: replicas share the work), groups them per endpoint into
   * jobs of at most DELIVERY_BATCH, and records each delivery's job before the jobs exist: the
   * sweep then knows which job to look for.
   */
  async claimNew(limit: number): Promise<DueBatch[]> {
    const client = await this.pool.connect();
    // A connection cut between two of the statements below is told as an 'error' event with no
    // query to fail: without a listener it would end the process.
    let lost: Error | undefined;
    const onLost = (error: Error) => (lost = error);
    client.on('error', onLost);
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        `SELECT id, tenant_id, endpoint_id, attempts, next_attempt_at FROM webhook_deliveries
         WHERE status = 'pending' AND enqueued_at IS NULL
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      const byEndpoint = new Map<string, typeof rows>();
      for (const row of rows) byEndpoint.set(row.endpoint_id, [...(byEndpoint.get(row.endpoint_id) ?? []), row]);
      const batches: DueBatch[] = [];
      for (const group of byEndpoint.values()) {
        for (let i = 0; i < group.length; i += DELIVERY_BATCH) {
          const chunk = group.slice(i, i + DELIVERY_BATCH);
          batches.push({
            jobId: batchJobId(chunk[0].id, chunk[0].attempts + 1),
            tenantId: chunk[0].tenant_id,
            deliveries: chunk.map((r) => ({ deliveryId: r.id, attempt: r.attempts + 1 })),
            dueAt: chunk[0].next_attempt_at,
          });
        }
      }
      if (batches.length) {
        await client.query(
          `UPDATE webhook_deliveries d SET enqueued_at = now(), job_id = j.job_id
           FROM unnest($1::uuid[], $2::varchar[]) AS j(id, job_id) WHERE d.id = j.id`,
          [
            batches.flatMap((b) => b.deliveries.map((d) => d.deliveryId)),
            batches.flatMap((b) => b.deliveries.map(() => b.jobId)),
          ],
        );
      }
      await client.query('COMMIT');
      return batches;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      lost ??= error as Error;
      throw error;
    } finally {
      client.removeListener('error', onLost);
      // A connection that failed is closed rather than given back to the pool.
      client.release(lost);
    }
  }

  /** Deliveries whose attempt is overdue by more than `graceMs` (their job may be lost). */
  async overdue(graceMs: number, limit: number): Promise<OverdueDelivery[]> {
    const { rows } = await this.pool.query(
      `SELECT id, tenant_id, attempts, job_id FROM webhook_deliveries
       WHERE status = 'pending' AND enqueued_at IS NOT NULL AND next_attempt_at < now() - $1 * interval '1 millisecond'
       ORDER BY next_attempt_at LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map((r) => ({ deliveryId: r.id, tenantId: r.tenant_id, attempt: r.attempts + 1, jobId: r.job_id }));
  }

  /** The delivery's next attempt now travels in this job, due at `dueAt`. */
  async assignJob(deliveryId: string, attempt: number, jobId: string, dueAt: Date): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries SET job_id = $3, next_attempt_at = $4
       WHERE id = $1 AND status = 'pending' AND attempts = $2 - 1`,
      [deliveryId, attempt, jobId, dueAt],
    );
  }

  async load(deliveryIds: string[]): Promise<DeliveryToAttempt[]> {
    const { rows } = await this.pool.query(
      `SELECT d.id, d.tenant_id, d.status, d.attempts, d.retry_base, d.endpoint_id, ep.url, ep.enabled, ep.secret,
              CASE WHEN ep.previous_secret_expires_at > now() THEN ep.previous_secret END AS previous_secret,
              e.id AS event_id, e.type, e.data, e.created_at, e.autocall_id
       FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
       JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
       WHERE d.id = ANY($1::uuid[])`,
      [deliveryIds],
    );
    return rows.map((r) => ({
      deliveryId: r.id,
      tenantId: r.tenant_id,
      status: r.status,
      attempts: r.attempts,
      retryBase: r.retry_base,
      endpointId: r.endpoint_id,
      url: r.url,
      enabled: r.enabled,
      // Opened here only, to sign. One that cannot be opened (its key left SECRETS_KEYS) fails the
      // job: the deliveries wait, pending, rather than go out unsigned or with fewer signatures.
      secrets: [r.secret, ...(r.previous_secret ? [r.previous_secret] : [])].map((s: string) => this.box.open(s)),
      envelope: {
        id: r.event_id,
        type: r.type,
        createdAt: (r.created_at as Date).toISOString(),
        tenantId: r.tenant_id,
        data: r.data,
      },
      autocallId: r.autocall_id,
      eventCreatedAt: r.created_at,
    }));
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
   * Records attempts and their verdicts in one statement. Only the attempt a delivery is waiting
   * for is recorded (a duplicate job of an attempt already recorded changes nothing). A retry
   * names the job of its next attempt. Returns the ids recorded.
   */
  async record(attempts: RecordedAttempt[]): Promise<Set<string>> {
    if (!attempts.length) return new Set();
    const now = Date.now();
    const column = <T>(pick: (a: RecordedAttempt) => T) => attempts.map(pick);
    const statusOf = (v: AttemptVerdict) =>
      v.kind === 'delivered' ? 'delivered' : v.kind === 'retry' ? 'pending' : 'failed';
    const { rows } = await this.pool.query(
      `WITH i AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::varchar[],
                              $7::timestamptz[], $8::int[], $9::varchar[], $10::varchar[], $11::uuid[], $12::bool[],
                              $13::varchar[])
           AS i(id, attempt, status, next_at, status_code, last_error, started_at, duration, error, excerpt,
                endpoint_id, gone, job_id)),
       d AS (
         UPDATE webhook_deliveries w SET attempts = i.attempt, status = i.status::webhook_delivery_status,
           next_attempt_at = COALESCE(i.next_at, w.next_attempt_at), last_status = i.status_code,
           last_error = i.last_error, job_id = COALESCE(i.job_id, w.job_id),
           delivered_at = CASE WHEN i.status = 'delivered' THEN now() END,
           failed_at = CASE WHEN i.status = 'failed' THEN now() END
         FROM i WHERE w.id = i.id AND w.status = 'pending' AND w.attempts = i.attempt - 1
         RETURNING w.id),
       a AS (
         INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
         SELECT i.id, i.attempt, i.started_at, i.duration, i.status_code, i.error, i.excerpt FROM i JOIN d ON d.id = i.id),
       gone AS (
         UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'gone', updated_at = now()
         WHERE id IN (SELECT i.endpoint_id FROM i JOIN d ON d.id = i.id WHERE i.gone))
       SELECT id FROM d`,
      [
        column((a) => a.delivery.deliveryId),
        column((a) => a.attempt),
        column((a) => statusOf(a.verdict)),
        column((a) => (a.verdict.kind === 'retry' ? new Date(now + a.verdict.delayMs) : null)),
        column((a) => a.sent.statusCode),
        column((a) => lastError(a)),
        column((a) => a.startedAt),
        column((a) => a.sent.durationMs),
        column((a) => a.sent.error?.slice(0, 200) ?? null),
        column((a) => a.sent.excerpt),
        column((a) => a.delivery.endpointId),
        column((a) => a.verdict.kind === 'gone'),
        column((a) => (a.verdict.kind === 'retry' ? deliveryJobId(a.delivery.deliveryId, a.attempt + 1) : null)),
      ],
    );
    return new Set(rows.map((r) => r.id as string));
  }

  /** A delivery that cannot be attempted (its endpoint was disabled) fails without an attempt. */
  async failUnattempted(deliveryIds: string[], reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries SET status = 'failed', failed_at = now(), last_error = $2
       WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [deliveryIds, reason],
    );
  }

  /** After the relay and the sender have stopped (they stop when modules are destroyed). */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

function lastError(a: RecordedAttempt): string | null {
  const v = a.verdict;
  const text = v.kind === 'failed' ? v.reason : v.kind === 'gone' ? 'endpoint_gone' : a.sent.error;
  return text?.slice(0, 200) ?? null;
}

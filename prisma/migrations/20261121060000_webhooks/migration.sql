-- Webhook notifications: endpoints, the outbox (events and their deliveries), and the attempt log.

-- CreateEnum
CREATE TYPE "webhook_delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "description" VARCHAR(500),
    "event_types" VARCHAR(64)[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" VARCHAR(64),
    "secret" VARCHAR(100) NOT NULL,
    "previous_secret" VARCHAR(100),
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "type" VARCHAR(64) NOT NULL,
    "autocall_id" UUID,
    "data" JSON NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "retry_base" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enqueued_at" TIMESTAMPTZ(3),
    "job_id" VARCHAR(100),
    "last_status" INTEGER,
    "last_error" VARCHAR(200),
    "delivered_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" VARCHAR(200),
    "response_excerpt" VARCHAR(1000),

    CONSTRAINT "webhook_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_endpoints_tenant_id_created_at_idx" ON "webhook_endpoints"("tenant_id", "created_at");
CREATE INDEX "webhook_events_tenant_id_created_at_idx" ON "webhook_events"("tenant_id", "created_at");
CREATE INDEX "webhook_deliveries_tenant_id_created_at_idx" ON "webhook_deliveries"("tenant_id", "created_at");
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");
CREATE INDEX "webhook_deliveries_endpoint_id_status_idx" ON "webhook_deliveries"("endpoint_id", "status");
CREATE INDEX "webhook_deliveries_event_id_idx" ON "webhook_deliveries"("event_id");
CREATE INDEX "webhook_delivery_attempts_delivery_id_attempt_idx" ON "webhook_delivery_attempts"("delivery_id", "attempt");

-- AddForeignKey
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ── The outbox ───────────────────────────────────────────────────────────────────────────────
-- Events are written by triggers on the transition logs, so that every path that changes a
-- target, a contact, an AutoCall or an agent session (API, engine, janitor) emits its event in
-- the same transaction, with no extra round trip on the dialing hot path. An event is only
-- written when an enabled endpoint of the tenant subscribes to its type.

-- UUID version 7 (time-ordered), as the application's ids (PostgreSQL 15 has no uuidv7()).
CREATE FUNCTION autocall_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;

-- Timestamps in payloads as the API writes them: ISO 8601 UTC with milliseconds.
CREATE FUNCTION autocall_iso(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE FUNCTION webhook_subscribed(tenant uuid, event_type text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.tenant_id = tenant AND e.enabled
                 AND (cardinality(e.event_types) IS NULL OR cardinality(e.event_types) = 0
                      OR event_type = ANY(e.event_types)))
$$;

-- One delivery per subscribed endpoint, and a wake-up for the relay (sent at commit).
CREATE FUNCTION webhook_events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fanned integer;
BEGIN
  INSERT INTO webhook_deliveries (id, tenant_id, event_id, endpoint_id)
  SELECT autocall_uuid_v7(), ev.tenant_id, ev.id, ep.id
  FROM inserted ev
  JOIN webhook_endpoints ep ON ep.tenant_id = ev.tenant_id AND ep.enabled
   AND (cardinality(ep.event_types) IS NULL OR cardinality(ep.event_types) = 0 OR ev.type = ANY(ep.event_types));
  GET DIAGNOSTICS fanned = ROW_COUNT;
  IF fanned > 0 THEN
    PERFORM pg_notify('autocall_webhook_deliveries', '');
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_events_fan_out AFTER INSERT ON webhook_events
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION webhook_events_fan_out();

-- A contact's timeline, as payloads carry it.
CREATE FUNCTION webhook_contact_json(contact uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'contactId', c.id, 'attempt', c.attempt, 'status', c.status, 'agentId', c.agent_id,
    'answeredBy', c.answered_by, 'cause', c.cause, 'sipCode', c.sip_code, 'callerId', c.caller_id,
    'createdAt', autocall_iso(c.created_at), 'ringingAt', autocall_iso(c.ringing_at),
    'answeredAt', autocall_iso(c.answered_at), 'connectedAt', autocall_iso(c.connected_at),
    'endedAt', autocall_iso(c.ended_at),
    'timeline', COALESCE((SELECT json_agg(json_build_object('status', ce.status, 'at', autocall_iso(ce.at),
                                                              'cause', ce.cause, 'agentId', ce.agent_id) ORDER BY ce.id)
                          FROM contact_events ce WHERE ce.contact_id = c.id), '[]'::json))
  FROM contacts c WHERE c.id = contact
$$;

-- autocall.target.completed: a target reached a terminal status.
CREATE FUNCTION webhook_on_target_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), t.tenant_id, 'autocall.target.completed', t.autocall_id,
    json_build_object(
      'autocallId', t.autocall_id, 'targetId', t.id, 'reference', t.reference, 'position', t.position,
      'phoneNumber', t.phone_number, 'status', ev.to_status, 'reason', ev.reason, 'attempts', t.attempts,
      'data', t.data, 'completedAt', autocall_iso(ev.at),
      'contact', CASE WHEN t.last_contact_id IS NULL THEN NULL ELSE webhook_contact_json(t.last_contact_id) END),
    ev.at
  FROM inserted ev JOIN targets t ON t.id = ev.target_id
  WHERE ev.to_status IN ('completed', 'no_answer', 'busy', 'failed', 'abandoned', 'machine', 'skipped',
                         'not_dialed', 'cancelled', 'expired')
    AND webhook_subscribed(t.tenant_id, 'autocall.target.completed')
  ORDER BY ev.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_on_target_events AFTER INSERT ON target_events
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION webhook_on_target_events();

-- contact.status_changed: dialing, ringing, answered, waiting, connected, then ended (or
-- abandoned, when the call was answered and no agent took it).
CREATE FUNCTION webhook_on_contact_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), c.tenant_id, 'contact.status_changed', c.autocall_id,
    json_build_object(
      'contactId', c.id, 'autocallId', c.autocall_id, 'targetId', c.target_id, 'reference', t.reference,
      'phoneNumber', c.phone_number, 'attempt', c.attempt, 'skill', c.skill,
      'status', CASE WHEN ce.status = 'ended' AND t.last_contact_id = c.id AND t.status = 'abandoned'
                     THEN 'abandoned' ELSE ce.status::text END,
      'sequence', ce.id, 'at', autocall_iso(ce.at), 'cause', ce.cause,
      'agentId', COALESCE(ce.agent_id, c.agent_id), 'answeredBy', c.answered_by,
      'sipCode', CASE WHEN ce.status = 'ended' THEN c.sip_code END,
      'target', CASE WHEN ce.status = 'ended' AND t.last_contact_id = c.id
                     THEN json_build_object('status', t.status, 'reason', t.reason, 'attempts', t.attempts,
                                             'nextAttemptAt', autocall_iso(t.next_attempt_at)) END),
    ce.at
  FROM inserted ce JOIN contacts c ON c.id = ce.contact_id JOIN targets t ON t.id = c.target_id
  WHERE webhook_subscribed(c.tenant_id, 'contact.status_changed')
  ORDER BY ce.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_on_contact_events AFTER INSERT ON contact_events
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION webhook_on_contact_events();

-- autocall.completed: every target is terminal (completed_at is set then, also for a cancelled
-- AutoCall, whose live contacts may end after the cancel).
CREATE FUNCTION webhook_on_autocalls() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), n.tenant_id, 'autocall.completed', n.id,
    json_build_object(
      'autocallId', n.id, 'status', n.status, 'mode', n.mode, 'skill', n.skill, 'priority', n.priority,
      'targetCount', n.target_count,
      'counts', COALESCE((SELECT json_object_agg(s.status, s.n) FROM
                          (SELECT status, count(*) AS n FROM targets WHERE autocall_id = n.id GROUP BY status) s),
                         '{}'::json),
      'createdAt', autocall_iso(n.created_at), 'cancelledAt', autocall_iso(n.cancelled_at),
      'completedAt', autocall_iso(n.completed_at)),
    n.completed_at
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE o.completed_at IS NULL AND n.completed_at IS NOT NULL
    AND webhook_subscribed(n.tenant_id, 'autocall.completed');
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_on_autocalls AFTER UPDATE ON autocalls
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_on_autocalls();

-- agent.session_terminated: a supervisor ended an agent's session (Terminate Agent Session).
CREATE FUNCTION webhook_on_agent_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), n.tenant_id, 'agent.session_terminated', NULL,
    json_build_object(
      'agentId', n.agent_id, 'agentName', a.name, 'sessionId', n.id, 'startedAt', autocall_iso(n.started_at),
      'terminatedAt', autocall_iso(n.ended_at), 'terminatedByKeyId', n.ended_by_key_id),
    n.ended_at
  FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN agents a ON a.tenant_id = n.tenant_id AND a.id = n.agent_id
  WHERE o.ended_at IS NULL AND n.ended_at IS NOT NULL AND n.end_reason = 'terminated'
    AND webhook_subscribed(n.tenant_id, 'agent.session_terminated');
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_on_agent_sessions AFTER UPDATE ON agent_sessions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_on_agent_sessions();

-- Scheduled callbacks: a callback becomes a one-target sequential AutoCall when due.

-- CreateEnum
CREATE TYPE "callback_status" AS ENUM ('scheduled', 'waiting', 'queued', 'completed', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "callbacks" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "status" "callback_status" NOT NULL DEFAULT 'scheduled',
    "phone_number" VARCHAR(16) NOT NULL,
    "contact_id" UUID,
    "skill" VARCHAR(64) NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "time_zone" VARCHAR(64),
    "owner_agent_id" VARCHAR(64),
    "owner_until" TIMESTAMPTZ(3),
    "caller_id" VARCHAR(32),
    "caller_name" VARCHAR(100),
    "data" JSONB,
    "version" INTEGER NOT NULL DEFAULT 1,
    "autocall_id" UUID,
    "target_id" UUID,
    "outcome" VARCHAR(32),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "due_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "callbacks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "callbacks_tenant_id_scheduled_at_idx" ON "callbacks"("tenant_id", "scheduled_at");
CREATE INDEX "callbacks_status_scheduled_at_idx" ON "callbacks"("status", "scheduled_at");
CREATE INDEX "callbacks_contact_id_idx" ON "callbacks"("contact_id");
CREATE INDEX "callbacks_target_id_idx" ON "callbacks"("target_id");

-- AddForeignKey
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A callback ends with its target, on every path that ends a target (the engine, a cancel, the
-- janitor): completed when the target completed, cancelled when it was cancelled, else failed
-- with the target's outcome.
CREATE FUNCTION callbacks_follow_targets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE callbacks c SET
    status = CASE ev.to_status WHEN 'completed' THEN 'completed'::callback_status
                               WHEN 'cancelled' THEN 'cancelled'::callback_status
                               ELSE 'failed'::callback_status END,
    outcome = ev.to_status::text, ended_at = ev.at, updated_at = now()
  FROM inserted ev
  WHERE c.target_id = ev.target_id AND c.status = 'queued'
    AND ev.to_status IN ('completed', 'no_answer', 'busy', 'failed', 'abandoned', 'machine', 'skipped',
                         'not_dialed', 'cancelled', 'expired');
  RETURN NULL;
END
$$;
CREATE TRIGGER callbacks_follow_targets AFTER INSERT ON target_events
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION callbacks_follow_targets();

CREATE FUNCTION webhook_callback_json(callback uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'callbackId', c.id, 'status', c.status, 'phoneNumber', c.phone_number, 'skill', c.skill,
    'scheduledAt', autocall_iso(c.scheduled_at), 'timeZone', c.time_zone, 'ownerAgentId', c.owner_agent_id,
    'ownerUntil', autocall_iso(c.owner_until), 'callerId', c.caller_id, 'callerName', c.caller_name,
    'data', c.data, 'contactId', c.contact_id, 'autocallId', c.autocall_id, 'targetId', c.target_id,
    'outcome', c.outcome, 'createdAt', autocall_iso(c.created_at), 'dueAt', autocall_iso(c.due_at),
    'endedAt', autocall_iso(c.ended_at))
  FROM callbacks c WHERE c.id = callback
$$;

-- callback.scheduled (created, or rescheduled), callback.due, callback.completed (completed or
-- failed: see status and outcome), callback.cancelled.
CREATE FUNCTION webhook_on_callbacks_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), n.tenant_id, 'callback.scheduled', NULL, webhook_callback_json(n.id), n.created_at
  FROM new_rows n WHERE webhook_subscribed(n.tenant_id, 'callback.scheduled');
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_on_callbacks_insert AFTER INSERT ON callbacks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_on_callbacks_insert();

CREATE FUNCTION webhook_on_callbacks_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), n.tenant_id, e.type, n.autocall_id, webhook_callback_json(n.id), now()
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  CROSS JOIN LATERAL (SELECT CASE
      WHEN n.status = 'cancelled' AND o.status <> 'cancelled' THEN 'callback.cancelled'
      WHEN n.status IN ('completed', 'failed') AND o.status NOT IN ('completed', 'failed') THEN 'callback.completed'
      WHEN o.status = 'scheduled' AND n.status IN ('waiting', 'queued') THEN 'callback.due'
      WHEN n.status = 'scheduled' AND n.version <> o.version THEN 'callback.scheduled'
    END AS type) e
  WHERE e.type IS NOT NULL AND webhook_subscribed(n.tenant_id, e.type);
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_on_callbacks_update AFTER UPDATE ON callbacks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION webhook_on_callbacks_update();

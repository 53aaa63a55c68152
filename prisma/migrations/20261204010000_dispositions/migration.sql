-- Dispositions: what the agent concluded on a connected call (final, retry, callback, do_not_call),
-- chosen from the tenant's own codes. A connected call of a tenant with codes ends with its target
-- still `connected`: the disposition (the agent's, or the default one at the end of the wrap-up)
-- decides its outcome, in the transaction that applies it.

CREATE TYPE "disposition_kind" AS ENUM ('final', 'retry', 'callback', 'do_not_call');

CREATE TABLE "disposition_codes" (
    "tenant_id" UUID NOT NULL,
    "code" VARCHAR(64) NOT NULL,
    "label" VARCHAR(200) NOT NULL,
    "kind" "disposition_kind" NOT NULL,
    "retry_delay_seconds" INTEGER,
    "retry_max_attempts" INTEGER,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "disposition_codes_pkey" PRIMARY KEY ("tenant_id", "code"),
    -- A retry code says after how long and up to how many attempts; no other kind does.
    CONSTRAINT "disposition_codes_retry_rule" CHECK (
      ("kind" = 'retry') = ("retry_delay_seconds" IS NOT NULL AND "retry_max_attempts" IS NOT NULL)
      AND ("retry_delay_seconds" IS NULL OR "retry_delay_seconds" BETWEEN 0 AND 2592000)
      AND ("retry_max_attempts" IS NULL OR "retry_max_attempts" BETWEEN 1 AND 100)),
    -- The default code is applied when nobody dispositions: it cannot schedule a callback (when?).
    CONSTRAINT "disposition_codes_default_not_callback" CHECK (NOT ("is_default" AND "kind" = 'callback'))
);

ALTER TABLE "disposition_codes" ADD CONSTRAINT "disposition_codes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- At most one default code per tenant.
CREATE UNIQUE INDEX "disposition_codes_one_default" ON "disposition_codes"("tenant_id") WHERE "is_default";

-- The contact's disposition: the code (a copy: a code deleted later leaves history as it was), the
-- agent's notes (personal data: erased and retained with the contact), who set it (agent,
-- supervisor, integrator, admin, or default when nobody did), and when.
ALTER TABLE "contacts" ADD COLUMN "disposition" VARCHAR(64),
  ADD COLUMN "disposition_notes" VARCHAR(2000),
  ADD COLUMN "disposition_by" VARCHAR(16),
  ADD COLUMN "disposition_at" TIMESTAMPTZ(3),
  -- Set by the statement that ends a connected call awaiting its disposition (PostgreSQL's clock):
  -- the end of the wrap-up, after which the default code applies. Null again once the disposition
  -- has decided the target's outcome: non-null is the durable intent the keeper acts on.
  ADD COLUMN "wrap_up_until" TIMESTAMPTZ(3),
  -- When the disposition was applied to the target (the end of the agent's handling of the call).
  ADD COLUMN "wrap_up_ended_at" TIMESTAMPTZ(3);

-- A disposition is set once: never changed nor removed (erasure may only blank its notes).
CREATE FUNCTION contacts_disposition_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.disposition IS NOT NULL AND NEW.disposition IS DISTINCT FROM OLD.disposition THEN
    RAISE EXCEPTION 'contact % has a disposition already', OLD.id USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER contacts_disposition_once BEFORE UPDATE OF disposition ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_disposition_once();

CREATE INDEX "contacts_awaiting_disposition_idx" ON "contacts"("wrap_up_until") WHERE "wrap_up_until" IS NOT NULL;

ALTER TABLE "targets" ADD COLUMN "disposition" VARCHAR(64);

-- A connected target goes back to pending when its disposition asks for another attempt.
-- (The target state machine, libs/dialing/src/target-status.ts, allows connected → pending.)

-- contact.disposition_set: a contact's disposition was set (by someone, or the default). A row
-- trigger on the column: the engine's statements, which never set it, do not even fire it.
CREATE FUNCTION webhook_on_contact_disposition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT webhook_subscribed(NEW.tenant_id, 'contact.disposition_set') THEN
    RETURN NULL;
  END IF;
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), NEW.tenant_id, 'contact.disposition_set', NEW.autocall_id,
    json_build_object(
      'contactId', NEW.id, 'autocallId', NEW.autocall_id, 'targetId', NEW.target_id, 'reference', t.reference,
      'phoneNumber', NEW.phone_number, 'attempt', NEW.attempt, 'skill', NEW.skill, 'agentId', NEW.agent_id,
      'disposition', json_build_object('code', NEW.disposition, 'label', d.label, 'kind', d.kind,
                                       'notes', NEW.disposition_notes, 'by', NEW.disposition_by,
                                       'at', autocall_iso(NEW.disposition_at))),
    NEW.disposition_at
  FROM targets t
  LEFT JOIN disposition_codes d ON d.tenant_id = NEW.tenant_id AND d.code = NEW.disposition
  WHERE t.id = NEW.target_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_on_contact_disposition AFTER UPDATE OF disposition ON contacts
  FOR EACH ROW WHEN (OLD.disposition IS NULL AND NEW.disposition IS NOT NULL)
  EXECUTE FUNCTION webhook_on_contact_disposition();

-- autocall.target.completed carries the target's disposition.
CREATE OR REPLACE FUNCTION webhook_on_target_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), t.tenant_id, 'autocall.target.completed', t.autocall_id,
    json_build_object(
      'autocallId', t.autocall_id, 'targetId', t.id, 'reference', t.reference, 'position', t.position,
      'phoneNumber', t.phone_number, 'status', ev.to_status, 'reason', ev.reason, 'attempts', t.attempts,
      'disposition', t.disposition,
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

-- The contact a payload carries says its disposition code too.
CREATE OR REPLACE FUNCTION webhook_contact_json(contact uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'contactId', c.id, 'attempt', c.attempt,
    'status', CASE WHEN c.status = 'ended' AND c.abandoned THEN 'abandoned' ELSE c.status::text END,
    'agentId', c.agent_id,
    'answeredBy', c.answered_by, 'cause', c.cause, 'sipCode', c.sip_code, 'callerId', c.caller_id,
    'disposition', c.disposition,
    'createdAt', autocall_iso(c.created_at), 'ringingAt', autocall_iso(c.ringing_at),
    'answeredAt', autocall_iso(c.answered_at), 'connectedAt', autocall_iso(c.connected_at),
    'endedAt', autocall_iso(c.ended_at),
    'timeline', COALESCE((SELECT json_agg(json_build_object(
                            'status', CASE WHEN ce.status = 'ended' AND c.abandoned THEN 'abandoned' ELSE ce.status::text END,
                            'at', autocall_iso(ce.at),
                                                              'cause', ce.cause, 'agentId', ce.agent_id) ORDER BY ce.id)
                          FROM contact_events ce WHERE ce.contact_id = c.id), '[]'::json))
  FROM contacts c WHERE c.id = contact
$$;

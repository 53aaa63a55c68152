-- Answering-machine detection by signalling: an SBC or carrier says who answered (human, machine,
-- unknown) in a header of the 200 OK or in an INFO/NOTIFY after it. Each AutoCall says what a
-- machine gets (hang up, or its message through the announcement server, then hang up) and how
-- long its calls wait after the answer for a result signalled later.

ALTER TABLE "autocalls" ADD COLUMN "machine" VARCHAR(16) NOT NULL DEFAULT 'hangup',
  ADD COLUMN "machine_message" VARCHAR(500),
  ADD COLUMN "detection_wait_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
  ADD CONSTRAINT "autocalls_machine_policy" CHECK ("machine" IN ('hangup', 'message')
    AND "detection_wait_seconds" BETWEEN 0 AND 10);

-- The contact's detection: `pending` from the answer until its result (or none came), then the
-- result; null when no detection ran. answered_by stays who the engine treated the callee as
-- (null only while it waits for the result), which is what the abandon accounting counts.
ALTER TABLE "contacts" ADD COLUMN "detection" VARCHAR(16),
  ADD COLUMN "detected_at" TIMESTAMPTZ(3),
  ADD CONSTRAINT "contacts_detection" CHECK ("detection" IN ('pending', 'human', 'machine', 'unknown'));

-- The contact a payload carries says what detection said.
CREATE OR REPLACE FUNCTION webhook_contact_json(contact uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'contactId', c.id, 'attempt', c.attempt,
    'status', CASE WHEN c.status = 'ended' AND c.abandoned THEN 'abandoned' ELSE c.status::text END,
    'agentId', c.agent_id,
    'answeredBy', c.answered_by, 'detection', c.detection,
    'cause', c.cause, 'sipCode', c.sip_code, 'callerId', c.caller_id,
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

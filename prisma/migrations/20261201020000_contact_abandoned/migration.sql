-- One status vocabulary for contacts (DESIGN §3): `abandoned` (a person answered and no agent took
-- the call) is a terminal status of its own in the API, its filters and webhooks. The lifecycle's
-- stored state stays `ended` (every bound that frees a line or an agent keys on it); whether the
-- call was abandoned is a fact of the contact, written by the statement that ends it.
ALTER TABLE "contacts" ADD COLUMN "abandoned" BOOLEAN NOT NULL DEFAULT false;

-- Contacts ended before this migration: abandoned when their target ended abandoned with them (an
-- abandoned target is terminal, so its last contact is the abandoned one).
UPDATE "contacts" c SET "abandoned" = true
FROM "targets" t
WHERE t.last_contact_id = c.id AND t.status = 'abandoned' AND c.status = 'ended';

-- contact.status_changed says `abandoned` from the contact's own fact.
CREATE OR REPLACE FUNCTION webhook_on_contact_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), c.tenant_id, 'contact.status_changed', c.autocall_id,
    json_build_object(
      'contactId', c.id, 'autocallId', c.autocall_id, 'targetId', c.target_id, 'reference', t.reference,
      'phoneNumber', c.phone_number, 'attempt', c.attempt, 'skill', c.skill,
      'status', CASE WHEN ce.status = 'ended' AND c.abandoned THEN 'abandoned' ELSE ce.status::text END,
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

-- The contact a payload carries (autocall.target.completed): its status and timeline say the same.
CREATE OR REPLACE FUNCTION webhook_contact_json(contact uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'contactId', c.id, 'attempt', c.attempt,
    'status', CASE WHEN c.status = 'ended' AND c.abandoned THEN 'abandoned' ELSE c.status::text END,
    'agentId', c.agent_id,
    'answeredBy', c.answered_by, 'cause', c.cause, 'sipCode', c.sip_code, 'callerId', c.caller_id,
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

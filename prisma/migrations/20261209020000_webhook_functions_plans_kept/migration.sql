-- The webhook triggers' helper functions were SQL functions whose bodies PostgreSQL cannot inline
-- (a subquery, or a FROM): such a function's body is parsed, analysed and planned again for every
-- statement that calls it. webhook_wanted is the WHEN of five statement triggers, so every
-- statement of the hot path that inserts events or ends an AutoCall's target paid for it, even with
-- no endpoint anywhere (34 µs a firing against 7.5 µs as PL/pgSQL, which keeps its plans for the
-- connection's life; bench/RESULTS.md, session 20). Same bodies, same answers, as PL/pgSQL.
CREATE OR REPLACE FUNCTION webhook_wanted(event_types text[]) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.enabled
                 AND (cardinality(e.event_types) IS NULL OR cardinality(e.event_types) = 0
                      OR e.event_types::text[] && webhook_wanted.event_types));
END $$;

CREATE OR REPLACE FUNCTION webhook_subscribed(tenant uuid, event_type text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.tenant_id = webhook_subscribed.tenant AND e.enabled
                 AND (cardinality(e.event_types) IS NULL OR cardinality(e.event_types) = 0
                      OR webhook_subscribed.event_type = ANY(e.event_types)));
END $$;

CREATE OR REPLACE FUNCTION webhook_callback_json(callback uuid) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT json_build_object(
    'callbackId', c.id, 'status', c.status, 'phoneNumber', c.phone_number, 'skill', c.skill,
    'scheduledAt', autocall_iso(c.scheduled_at), 'timeZone', c.time_zone, 'ownerAgentId', c.owner_agent_id,
    'ownerUntil', autocall_iso(c.owner_until), 'callerId', c.caller_id, 'callerName', c.caller_name,
    'data', c.data, 'contactId', c.contact_id, 'autocallId', c.autocall_id, 'targetId', c.target_id,
    'outcome', c.outcome, 'createdAt', autocall_iso(c.created_at), 'dueAt', autocall_iso(c.due_at),
    'endedAt', autocall_iso(c.ended_at))
  FROM callbacks c WHERE c.id = webhook_callback_json.callback);
END $$;

CREATE OR REPLACE FUNCTION webhook_contact_json(contact uuid) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT json_build_object(
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
  FROM contacts c WHERE c.id = webhook_contact_json.contact);
END $$;

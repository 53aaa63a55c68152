-- contact.status_changed says what answering-machine detection said (`pending` from the answer
-- until its result, then `human`, `machine` or `unknown`; null when none ran), as the contact API
-- and the contact in autocall.target.completed already do: an integrator following a call by its
-- events learns a machine without reading the contact.
CREATE OR REPLACE FUNCTION webhook_on_contact_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events (id, tenant_id, type, autocall_id, data, created_at)
  SELECT autocall_uuid_v7(), c.tenant_id, 'contact.status_changed', c.autocall_id,
    json_build_object(
      'contactId', c.id, 'autocallId', c.autocall_id, 'targetId', c.target_id, 'reference', t.reference,
      'phoneNumber', c.phone_number, 'attempt', c.attempt, 'skill', c.skill,
      'status', CASE WHEN ce.status = 'ended' AND c.abandoned THEN 'abandoned' ELSE ce.status::text END,
      'sequence', ce.id, 'at', autocall_iso(ce.at), 'cause', ce.cause,
      'agentId', COALESCE(ce.agent_id, c.agent_id), 'answeredBy', c.answered_by, 'detection', c.detection,
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

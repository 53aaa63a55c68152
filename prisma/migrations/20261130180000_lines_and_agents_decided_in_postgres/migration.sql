-- Lines and agent assignments are decided by PostgreSQL, in the statement that records the dial or
-- the bridge; Redis keeps an admission cache of them that may be lost or wrong at any moment.
--
-- Lines: each live (not ended) contact holds one line of its tenant's trunk. The tenant's
-- line_settings row counts them (outbound_in_use) and holds the inbound calls its PBX or SBC
-- reported, until PostgreSQL's own clock passes inbound_until. A contact is inserted only if its
-- line fits: capacity - outbound - inbound - the AutoCall's line reserve >= 1, decided under the
-- row lock of the tenant's line_settings (the UPDATE re-checks its condition on the newest row), so
-- no interleaving of API replicas and workers can dial past the bound. The line is given back by
-- the statement that ends the contact (or deletes it). A later issue keys the row by trunk.
ALTER TABLE "line_settings"
  ADD COLUMN "outbound_in_use" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "inbound_in_use" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "inbound_until" TIMESTAMPTZ(3),
  ADD CONSTRAINT "line_settings_outbound_in_use_check" CHECK ("outbound_in_use" >= 0),
  ADD CONSTRAINT "line_settings_inbound_in_use_check" CHECK ("inbound_in_use" >= 0);

UPDATE line_settings ls SET outbound_in_use = live.n
FROM (SELECT tenant_id, count(*)::int AS n FROM contacts WHERE status <> 'ended' GROUP BY tenant_id) live
WHERE live.tenant_id = ls.tenant_id;

CREATE FUNCTION contacts_take_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  line_reserve integer;
BEGIN
  IF NEW.status = 'ended' THEN RETURN NULL; END IF;
  SELECT COALESCE((checks -> 'freeLines' ->> 'reserve')::integer, 0) INTO line_reserve
  FROM autocalls WHERE id = NEW.autocall_id;
  UPDATE line_settings SET outbound_in_use = outbound_in_use + 1
  WHERE tenant_id = NEW.tenant_id
    AND capacity - outbound_in_use
        - CASE WHEN inbound_until > now() THEN inbound_in_use ELSE 0 END
        - COALESCE(line_reserve, 0) >= 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no free line for contact %', NEW.id USING ERRCODE = 'AC001';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION contacts_free_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE line_settings SET outbound_in_use = outbound_in_use - 1 WHERE tenant_id = OLD.tenant_id;
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_take_line AFTER INSERT ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_take_line();
CREATE TRIGGER contacts_free_line AFTER UPDATE OF status ON contacts
  FOR EACH ROW WHEN (OLD.status <> 'ended' AND NEW.status = 'ended') EXECUTE FUNCTION contacts_free_line();
CREATE TRIGGER contacts_free_line_on_delete AFTER DELETE ON contacts
  FOR EACH ROW WHEN (OLD.status <> 'ended') EXECUTE FUNCTION contacts_free_line();

-- Agents: a contact's agent_id is the agent reserved for its dial or being connected to it, or on
-- it. An agent is the agent of at most one live contact (this index), and becomes a contact's
-- agent only while available, decided under a share lock of the agent's row (the trigger below),
-- so an agent is never put on two calls, whatever Redis's view says. The agent's own state change
-- (agent-sessions) takes the row lock for update, so the two are ordered.
-- Older live contacts that name the same agent twice keep only the newest's claim.
UPDATE contacts c SET agent_id = NULL
WHERE c.status <> 'ended' AND c.agent_id IS NOT NULL AND EXISTS (
  SELECT 1 FROM contacts o WHERE o.tenant_id = c.tenant_id AND o.agent_id = c.agent_id
    AND o.status <> 'ended' AND o.id > c.id);

CREATE UNIQUE INDEX "contacts_one_live_contact_per_agent" ON "contacts" ("tenant_id", "agent_id")
  WHERE agent_id IS NOT NULL AND status <> 'ended';

CREATE FUNCTION contacts_assign_agent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  current_state agent_state;
BEGIN
  IF NEW.agent_id IS NULL OR NEW.status = 'ended' THEN RETURN NEW; END IF;
  IF TG_OP = 'UPDATE' AND NEW.agent_id IS NOT DISTINCT FROM OLD.agent_id THEN RETURN NEW; END IF;
  SELECT state INTO current_state FROM agents
  WHERE tenant_id = NEW.tenant_id AND id = NEW.agent_id FOR SHARE;
  IF current_state IS DISTINCT FROM 'available' THEN
    RAISE EXCEPTION 'agent % is not available for contact %', NEW.agent_id, NEW.id USING ERRCODE = 'AC002';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER contacts_assign_agent BEFORE INSERT OR UPDATE OF agent_id ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_assign_agent();

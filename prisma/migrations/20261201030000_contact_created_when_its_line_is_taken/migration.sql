-- A contact's created_at is the moment it took its line, by PostgreSQL's clock after the line's row
-- lock is held (clock_timestamp()), no longer the start of the statement that inserted it. An
-- insert that waited for a line freed by another contact's end was stamped before that end, so the
-- history of a tenant's calls (created_at to ended_at) could show more calls at once than lines
-- while PostgreSQL never held more: taken and freed lines are now ordered as the lock orders them.
-- The line is taken BEFORE the row is stored (so that the row can carry the time); a statement
-- that fails later rolls the line back with it, as before.
DROP TRIGGER contacts_take_line ON contacts;

CREATE OR REPLACE FUNCTION contacts_take_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  line_reserve integer;
BEGIN
  IF NEW.status = 'ended' THEN RETURN NEW; END IF;
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
  NEW.created_at := clock_timestamp();
  RETURN NEW;
END $$;

CREATE TRIGGER contacts_take_line BEFORE INSERT ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_take_line();

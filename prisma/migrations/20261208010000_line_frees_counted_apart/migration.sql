-- A tenant's lines in use were one count on its line_settings row: every dial raised it and every
-- end lowered it, each holding the row until its commit, and a commit waits for its WAL flush. So
-- one tenant's dials and ends took turns on one row, one flush at a time (bench/RESULTS.md,
-- session 18: a quarter of one tenant's dial rate). Now the ends are counted on a row of their own:
--
--   lines in use = line_settings.outbound_taken (every dial ever) − line_frees.outbound_freed
--                  (every end ever)
--
-- A dial still decides under the line_settings row lock, in the statement that stores it: it reads
-- outbound_taken as the last holder committed it, and outbound_freed as of its statement's
-- snapshot, which counts only ends committed before it began. An end committed since is simply not
-- counted yet: the count can only be too high, never too low, so nothing is ever dialed past the
-- lines, whatever the interleaving. Ends take turns among themselves on line_frees, and no longer
-- with dials. A dial's created_at (clock_timestamp() under the lock) still comes after every end
-- its decision counted, so the recorded history never shows more calls at once than lines.
--
-- Lock order: a dial takes its target's row, the line_settings row, then a trunk's; an end takes its
-- contact's and target's rows, then (its release, at the end of its statement) line_frees, its
-- trunk's and its AutoCall's (the open count); an end that reads whether its AutoCall still dials
-- takes line_frees first, then the AutoCall's (CallRecords' LINE_ROW_OF_C), and a trunk's return
-- on the default trunk writes its pause on line_settings last. No statement takes line_frees after
-- line_settings, a trunk's or an AutoCall's row.
ALTER TABLE line_settings DROP CONSTRAINT line_settings_outbound_in_use_check;
ALTER TABLE line_settings RENAME COLUMN outbound_in_use TO outbound_taken;
ALTER TABLE line_settings ALTER COLUMN outbound_taken TYPE BIGINT;

CREATE TABLE line_frees (
  tenant_id UUID NOT NULL,
  outbound_freed BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT line_frees_pkey PRIMARY KEY (tenant_id),
  CONSTRAINT line_frees_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO line_frees (tenant_id) SELECT tenant_id FROM line_settings;

-- Every tenant with lines has its row of ends from the start.
CREATE FUNCTION line_settings_add_frees() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO line_frees (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER line_settings_add_frees AFTER INSERT ON line_settings
  FOR EACH ROW EXECUTE FUNCTION line_settings_add_frees();

-- Lines held by live outbound contacts, as a reader sees them (tests, operators' queries).
CREATE FUNCTION outbound_in_use(tenant UUID) RETURNS BIGINT LANGUAGE sql STABLE AS $$
  SELECT ls.outbound_taken - COALESCE(f.outbound_freed, 0)
  FROM line_settings ls LEFT JOIN line_frees f ON f.tenant_id = ls.tenant_id
  WHERE ls.tenant_id = tenant
$$;

CREATE OR REPLACE FUNCTION contacts_take_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  line_reserve integer;
BEGIN
  IF NEW.status = 'ended' THEN RETURN NEW; END IF;
  SELECT COALESCE((checks -> 'freeLines' ->> 'reserve')::integer, 0) INTO line_reserve
  FROM autocalls WHERE id = NEW.autocall_id;
  UPDATE line_settings SET outbound_taken = outbound_taken + 1
  WHERE tenant_id = NEW.tenant_id
    AND capacity
        - (outbound_taken - COALESCE((SELECT outbound_freed FROM line_frees f WHERE f.tenant_id = NEW.tenant_id), 0))
        - CASE WHEN inbound_until > now() THEN inbound_in_use ELSE 0 END
        - COALESCE(line_reserve, 0) >= 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no free line for contact %', NEW.id USING ERRCODE = 'AC001';
  END IF;
  -- Then a trunk with a free channel and a call-rate token (or the default trunk). The contact's
  -- created_at is its INVITE start as the trunk recorded it (under the trunk's row lock, after the
  -- line's): the contacts of a trunk show its call rate exactly.
  NEW.trunk_id := take_trunk(NEW.tenant_id, NEW.caller_id);
  IF NEW.trunk_id IS NULL THEN
    NEW.created_at := clock_timestamp();
  ELSE
    SELECT recent_starts[cardinality(recent_starts)] INTO NEW.created_at FROM trunks WHERE id = NEW.trunk_id;
  END IF;
  RETURN NEW;
END $$;

-- An end takes the tenant's row of ends (then its trunk's, as a dial takes the line's then the
-- trunk's: the same order for every statement, so no two can deadlock).
CREATE OR REPLACE FUNCTION contacts_free_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE line_frees SET outbound_freed = outbound_freed + 1 WHERE tenant_id = OLD.tenant_id;
  IF OLD.trunk_id IS NOT NULL THEN
    UPDATE trunks SET channels_in_use = channels_in_use - 1 WHERE id = OLD.trunk_id;
  END IF;
  RETURN NULL;
END $$;

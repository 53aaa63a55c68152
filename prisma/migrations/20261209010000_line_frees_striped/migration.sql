-- A tenant's ends were counted on one row (line_frees, migration line_frees_counted_apart): each
-- end held it until its commit, and a commit waits for its WAL flush, so one tenant's ends passed
-- it one at a time (bench/RESULTS.md, session 19: an end's statement waited 1.9 of its 3.0 ms
-- there). Now the ends are counted on 16 stripes, one per database connection (its backend pid
-- modulo 16): ends on different connections no longer wait for each other's commits.
--
--   lines in use = line_settings.outbound_taken − Σ line_frees.outbound_freed (over the stripes)
--
-- Nothing else changes: a dial still decides under the line_settings row lock, reading the ends as
-- of its statement's snapshot, which can only over-count the lines in use. A statement takes at
-- most one stripe (its own connection's, the same for the whole statement), so stripes add no lock
-- order: an end takes its stripe where it took the row of ends before (before its trunk's and its
-- AutoCall's rows).
ALTER TABLE line_frees ADD COLUMN stripe SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE line_frees DROP CONSTRAINT line_frees_pkey;
ALTER TABLE line_frees ADD CONSTRAINT line_frees_pkey PRIMARY KEY (tenant_id, stripe);
ALTER TABLE line_frees ADD CONSTRAINT line_frees_stripe_check CHECK (stripe BETWEEN 0 AND 15);
ALTER TABLE line_frees ALTER COLUMN stripe DROP DEFAULT;
INSERT INTO line_frees (tenant_id, stripe, outbound_freed)
  SELECT f.tenant_id, s, 0 FROM line_frees f CROSS JOIN generate_series(1, 15) s;

-- The stripe of this connection's ends.
CREATE FUNCTION line_frees_stripe() RETURNS SMALLINT LANGUAGE sql STABLE PARALLEL RESTRICTED AS $$
  SELECT (pg_backend_pid() % 16)::smallint
$$;

CREATE OR REPLACE FUNCTION line_settings_add_frees() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO line_frees (tenant_id, stripe)
    SELECT NEW.tenant_id, s FROM generate_series(0, 15) s
  ON CONFLICT (tenant_id, stripe) DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION outbound_in_use(tenant UUID) RETURNS BIGINT LANGUAGE sql STABLE AS $$
  SELECT ls.outbound_taken - COALESCE((SELECT sum(f.outbound_freed) FROM line_frees f WHERE f.tenant_id = tenant), 0)
  FROM line_settings ls
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
        - (outbound_taken - COALESCE((SELECT sum(outbound_freed) FROM line_frees f WHERE f.tenant_id = NEW.tenant_id), 0))
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

-- An end takes its connection's stripe of the tenant's ends (then its trunk's, as a dial takes the
-- line's then the trunk's: the same order for every statement, so no two can deadlock).
CREATE OR REPLACE FUNCTION contacts_free_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE line_frees SET outbound_freed = outbound_freed + 1
  WHERE tenant_id = OLD.tenant_id AND stripe = line_frees_stripe();
  IF OLD.trunk_id IS NOT NULL THEN
    UPDATE trunks SET channels_in_use = channels_in_use - 1 WHERE id = OLD.trunk_id;
  END IF;
  RETURN NULL;
END $$;

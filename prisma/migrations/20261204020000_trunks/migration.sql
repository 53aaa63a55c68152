-- Trunks: a tenant's carriers or trunks, each with its own channels and call rate, decided by
-- PostgreSQL in the statement that inserts a contact, by PostgreSQL's own clock.
--
-- The tenant's line capacity (line_settings) stays its overall cap: contacts_take_line takes the
-- line first (under the tenant's line_settings row lock), then a trunk: the first by priority whose
-- row, locked FOR UPDATE, has a free channel, is not paused, allows the dial's caller id, and has a
-- call-rate token: fewer than calls_per_second INVITE starts in the last TRUNK_RATE_WINDOW. The
-- instant is read with clock_timestamp() once the row lock is held, so the starts a trunk records
-- are in the order of its lock, and at most calls_per_second of them fall in any window of that
-- length, whatever the number of workers or API replicas (one clock: PostgreSQL's). The window is
-- 1.5 s rather than 1 s: an INVITE reaches the carrier some time after its start is recorded
-- (commit, the worker's placing, the proxy), and that time varies: 6 to about 220 ms at the 99th
-- percentile between two workers, Kamailio and SIPp on a loaded 2-core machine
-- (test/sip/sip-trunks); a window of 1.25 s still let SIPp see 6 INVITEs in one second in a CI
-- run. The half second absorbs that spread, so the carrier does not see more than
-- calls_per_second new INVITEs in any sliding second of its own.
--
-- A tenant with no trunk row dials through the default trunk (the worker's SIP_* settings): the
-- contact's trunk_id stays NULL, only the line bound applies, as before trunks; the default trunk
-- can be paused too (line_settings.default_trunk_paused_until).
CREATE TABLE "trunks" (
  "id" UUID NOT NULL,
  "tenant_id" UUID NOT NULL,
  "name" VARCHAR(64) NOT NULL,
  -- host[:port] of the carrier, SBC or proxy the trunk's INVITEs go to.
  "target" VARCHAR(255) NOT NULL,
  "transport" VARCHAR(8) NOT NULL DEFAULT 'udp',
  "username" VARCHAR(128),
  -- Sealed by the SecretBox (libs/secrets): never stored nor returned in clear.
  "password" TEXT,
  "channels" INTEGER NOT NULL,
  "calls_per_second" INTEGER NOT NULL,
  "priority" INTEGER NOT NULL DEFAULT 0,
  -- Caller ids the trunk may present; empty: any.
  "caller_ids" VARCHAR(32)[] DEFAULT '{}',
  -- How long the trunk pauses after an overload answer without Retry-After (seconds).
  "overload_pause_seconds" INTEGER NOT NULL DEFAULT 2,
  "channels_in_use" INTEGER NOT NULL DEFAULT 0,
  -- The INVITE starts of the last window, oldest first (kept short: older ones are dropped).
  "recent_starts" TIMESTAMPTZ(3)[] DEFAULT '{}',
  "paused_until" TIMESTAMPTZ(3),
  "overloads" INTEGER NOT NULL DEFAULT 0,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "trunks_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "trunks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE,
  CONSTRAINT "trunks_transport_check" CHECK ("transport" IN ('udp', 'tcp', 'tls')),
  CONSTRAINT "trunks_channels_check" CHECK ("channels" >= 0),
  CONSTRAINT "trunks_calls_per_second_check" CHECK ("calls_per_second" >= 1),
  CONSTRAINT "trunks_channels_in_use_check" CHECK ("channels_in_use" >= 0),
  CONSTRAINT "trunks_overload_pause_seconds_check" CHECK ("overload_pause_seconds" BETWEEN 1 AND 3600)
);
CREATE UNIQUE INDEX "trunks_tenant_id_name_key" ON "trunks" ("tenant_id", "name");
CREATE INDEX "trunks_tenant_id_priority_idx" ON "trunks" ("tenant_id", "priority");

ALTER TABLE "line_settings" ADD COLUMN "default_trunk_paused_until" TIMESTAMPTZ(3);

-- The trunk a live contact holds a channel of (NULL: the default trunk). A contact the trunk sent
-- back (overload: 503, or no answer at all) is trunk_returned: its attempt was not charged, and
-- the target's next contact reuses its attempt number.
ALTER TABLE "contacts"
  ADD COLUMN "trunk_id" UUID,
  ADD COLUMN "trunk_returned" BOOLEAN NOT NULL DEFAULT false,
  ADD CONSTRAINT "contacts_trunk_id_fkey" FOREIGN KEY ("trunk_id") REFERENCES "trunks"("id") ON DELETE SET NULL;
DROP INDEX "contacts_target_id_attempt_key";
CREATE UNIQUE INDEX "contacts_target_id_attempt_key" ON "contacts" ("target_id", "attempt") WHERE NOT trunk_returned;

-- How many times a trunk sent the target back (bounded by the tenant's maxTrunkReturns).
ALTER TABLE "targets" ADD COLUMN "trunk_returns" INTEGER NOT NULL DEFAULT 0;

-- The first trunk of the tenant with room for one more dial now, taken (a channel and a call-rate
-- token); NULL when the tenant has no trunk (the default trunk); raises AC003 when it has trunks
-- and none has room.
CREATE FUNCTION take_trunk(tenant uuid, caller varchar) RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  candidate uuid;
  trunk trunks%ROWTYPE;
  at timestamptz;
  recent integer;
  any_trunk boolean := false;
BEGIN
  FOR candidate IN SELECT id FROM trunks WHERE tenant_id = tenant ORDER BY priority, created_at, id LOOP
    any_trunk := true;
    SELECT * INTO trunk FROM trunks WHERE id = candidate FOR UPDATE;
    IF NOT FOUND THEN CONTINUE; END IF;
    at := clock_timestamp();
    IF trunk.channels_in_use >= trunk.channels THEN CONTINUE; END IF;
    IF trunk.paused_until IS NOT NULL AND trunk.paused_until > at THEN CONTINUE; END IF;
    IF COALESCE(cardinality(trunk.caller_ids), 0) > 0 AND caller IS NOT NULL AND NOT (caller = ANY(trunk.caller_ids)) THEN
      CONTINUE;
    END IF;
    SELECT count(*) INTO recent FROM unnest(trunk.recent_starts) s WHERE s > at - interval '1.5 seconds';
    IF recent >= trunk.calls_per_second THEN CONTINUE; END IF;
    UPDATE trunks SET channels_in_use = channels_in_use + 1,
      recent_starts = ARRAY(SELECT s FROM unnest(trunk.recent_starts) s WHERE s > at - interval '1.5 seconds' ORDER BY s)
                      || at
    WHERE id = candidate;
    RETURN candidate;
  END LOOP;
  IF any_trunk THEN
    RAISE EXCEPTION 'no free trunk for tenant %', tenant USING ERRCODE = 'AC003';
  END IF;
  IF EXISTS (SELECT 1 FROM line_settings WHERE tenant_id = tenant AND default_trunk_paused_until > clock_timestamp()) THEN
    RAISE EXCEPTION 'the default trunk of tenant % is paused', tenant USING ERRCODE = 'AC003';
  END IF;
  RETURN NULL;
END $$;

-- How many dials with this caller id the tenant's trunks can start now (NULL: no trunk, only the
-- line bound applies); read under the trunks' row locks by a submission that dials at once.
CREATE FUNCTION trunk_room(tenant uuid, caller varchar) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  trunk trunks%ROWTYPE;
  at timestamptz;
  recent integer;
  room integer := 0;
  any_trunk boolean := false;
BEGIN
  FOR trunk IN SELECT * FROM trunks WHERE tenant_id = tenant ORDER BY priority, created_at, id FOR UPDATE LOOP
    any_trunk := true;
    at := clock_timestamp();
    IF trunk.paused_until IS NOT NULL AND trunk.paused_until > at THEN CONTINUE; END IF;
    IF COALESCE(cardinality(trunk.caller_ids), 0) > 0 AND caller IS NOT NULL AND NOT (caller = ANY(trunk.caller_ids)) THEN
      CONTINUE;
    END IF;
    SELECT count(*) INTO recent FROM unnest(trunk.recent_starts) s WHERE s > at - interval '1.5 seconds';
    room := room + GREATEST(0, LEAST(trunk.channels - trunk.channels_in_use, trunk.calls_per_second - recent));
  END LOOP;
  IF NOT any_trunk THEN
    IF EXISTS (SELECT 1 FROM line_settings WHERE tenant_id = tenant AND default_trunk_paused_until > clock_timestamp()) THEN
      RETURN 0;
    END IF;
    RETURN NULL;
  END IF;
  RETURN room;
END $$;

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

CREATE OR REPLACE FUNCTION contacts_free_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE line_settings SET outbound_in_use = outbound_in_use - 1 WHERE tenant_id = OLD.tenant_id;
  IF OLD.trunk_id IS NOT NULL THEN
    UPDATE trunks SET channels_in_use = channels_in_use - 1 WHERE id = OLD.trunk_id;
  END IF;
  RETURN NULL;
END $$;

-- In how many milliseconds (by PostgreSQL's clock) one of the tenant's trunks may have room again
-- for a dial: the end of a pause, or a call-rate token coming back; NULL when only a call's end
-- can make room (every channel is busy: the end wakes the tenant's pools) or nothing is waited for.
-- A dispatcher refused with AC003 sleeps that long instead of trying again and again.
CREATE FUNCTION trunk_room_in_ms(tenant uuid) RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
  trunk trunks%ROWTYPE;
  at timestamptz := clock_timestamp();
  starts timestamptz[];
  candidate timestamptz;
  best timestamptz;
  any_trunk boolean := false;
BEGIN
  FOR trunk IN SELECT * FROM trunks WHERE tenant_id = tenant LOOP
    any_trunk := true;
    IF trunk.channels_in_use >= trunk.channels THEN CONTINUE; END IF;
    candidate := GREATEST(at, COALESCE(trunk.paused_until, at));
    starts := ARRAY(SELECT s FROM unnest(trunk.recent_starts) s WHERE s > at - interval '1.5 seconds' ORDER BY s);
    IF cardinality(starts) >= trunk.calls_per_second THEN
      candidate := GREATEST(candidate, starts[cardinality(starts) - trunk.calls_per_second + 1] + interval '1.5 seconds');
    END IF;
    best := LEAST(COALESCE(best, candidate), candidate);
  END LOOP;
  IF NOT any_trunk THEN
    SELECT default_trunk_paused_until INTO best FROM line_settings
    WHERE tenant_id = tenant AND default_trunk_paused_until > at;
  END IF;
  RETURN EXTRACT(EPOCH FROM best - at) * 1000;
END $$;

-- An AutoCall is finished in the statement that ends its last open target, not by a query run
-- after the commit: each AutoCall counts its open targets (pending, dialing, ringing, answered,
-- connected), the statements that insert or end targets keep the count, and the one that takes it
-- to zero finishes the AutoCall (active → completed; a cancelled one keeps its status; both get
-- completed_at, and so their autocall.completed event). The count's row lock orders two targets
-- ending at once: exactly one of them sees zero. This replaces a transaction per ended call.
ALTER TABLE autocalls ADD COLUMN open_targets integer NOT NULL DEFAULT 0;
ALTER TABLE autocalls ADD CONSTRAINT autocalls_open_targets_not_negative CHECK (open_targets >= 0);

UPDATE autocalls a SET open_targets = s.n
FROM (SELECT autocall_id, count(*)::int AS n FROM targets
      WHERE status IN ('pending', 'dialing', 'ringing', 'answered', 'connected') GROUP BY autocall_id) s
WHERE s.autocall_id = a.id;

CREATE FUNCTION targets_count_open_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE autocalls a SET open_targets = a.open_targets + s.n
  FROM (SELECT autocall_id, count(*)::int AS n FROM inserted
        WHERE status IN ('pending', 'dialing', 'ringing', 'answered', 'connected') GROUP BY autocall_id) s
  WHERE a.id = s.autocall_id;
  RETURN NULL;
END $$;
CREATE TRIGGER targets_count_open_inserted AFTER INSERT ON targets
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION targets_count_open_inserted();

CREATE FUNCTION targets_count_open_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE autocalls a SET
    open_targets = a.open_targets - s.n,
    status = CASE WHEN a.open_targets = s.n AND a.status = 'active' THEN 'completed'::autocall_status ELSE a.status END,
    completed_at = CASE WHEN a.open_targets = s.n THEN COALESCE(a.completed_at, now()) ELSE a.completed_at END
  FROM (SELECT n.autocall_id, count(*)::int AS n
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE o.status IN ('pending', 'dialing', 'ringing', 'answered', 'connected')
          AND n.status NOT IN ('pending', 'dialing', 'ringing', 'answered', 'connected')
        GROUP BY n.autocall_id) s
  WHERE a.id = s.autocall_id;
  RETURN NULL;
END $$;
CREATE TRIGGER targets_count_open_ended AFTER UPDATE ON targets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION targets_count_open_ended();

-- A callback follows its target's end. The trigger ran a statement joining every target_events
-- statement's rows with callbacks, and that UPDATE fired the callbacks' webhook trigger even when it
-- changed no row (statement triggers fire on every UPDATE): about 0.7 ms of PostgreSQL's time per
-- call that has no callback (cost bench, pg_stat_statements). It is now a row trigger on the events
-- that end a target alone, one indexed UPDATE each; and the callbacks' webhook triggers fire only
-- while some enabled endpoint wants a callback event (webhook_wanted).
CREATE OR REPLACE FUNCTION callbacks_follow_targets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE callbacks SET
    status = CASE NEW.to_status WHEN 'completed' THEN 'completed'::callback_status
                                WHEN 'cancelled' THEN 'cancelled'::callback_status
                                ELSE 'failed'::callback_status END,
    outcome = NEW.to_status::text, ended_at = NEW.at, updated_at = now()
  WHERE target_id = NEW.target_id AND status = 'queued';
  RETURN NULL;
END
$$;

DROP TRIGGER callbacks_follow_targets ON target_events;
CREATE TRIGGER callbacks_follow_targets AFTER INSERT ON target_events FOR EACH ROW
  WHEN (NEW.to_status IN ('completed', 'no_answer', 'busy', 'failed', 'abandoned', 'machine', 'skipped',
                          'not_dialed', 'cancelled', 'expired'))
  EXECUTE FUNCTION callbacks_follow_targets();

DROP TRIGGER webhook_on_callbacks_insert ON callbacks;
CREATE TRIGGER webhook_on_callbacks_insert AFTER INSERT ON callbacks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  WHEN (webhook_wanted(ARRAY['callback.scheduled']))
  EXECUTE FUNCTION webhook_on_callbacks_insert();

DROP TRIGGER webhook_on_callbacks_update ON callbacks;
CREATE TRIGGER webhook_on_callbacks_update AFTER UPDATE ON callbacks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  WHEN (webhook_wanted(ARRAY['callback.scheduled', 'callback.due', 'callback.completed', 'callback.cancelled']))
  EXECUTE FUNCTION webhook_on_callbacks_update();

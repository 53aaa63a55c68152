-- An agent who leaves availability (unavailable, logged out) is no longer reserved for a dial not
-- yet answered: decided in the statement that records the agent's new state, not by a second write
-- of the agents' service to contacts (the call aggregate's rows are written by its repository or by
-- the database itself). A call already being connected to the agent keeps them (their phone is
-- ringing: the contact is answered or waiting). Contacts are assigned agents only under a share
-- lock of the agent's row (contacts_assign_agent), so this orders with every assignment.
CREATE FUNCTION agents_leaving_free_dial_reservations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contacts SET agent_id = NULL
  WHERE tenant_id = NEW.tenant_id AND agent_id = NEW.id AND status IN ('dialing', 'ringing');
  RETURN NULL;
END $$;
CREATE TRIGGER agents_leaving_free_dial_reservations AFTER UPDATE OF state ON agents
  FOR EACH ROW WHEN (OLD.state = 'available' AND NEW.state IN ('unavailable', 'logged_out'))
  EXECUTE FUNCTION agents_leaving_free_dial_reservations();

-- End a Contact is a durable intent: the request is written on the contact (why it was asked to
-- end) by the statement that accepts it, and the worker holding the call acts on it from there.
-- The pub/sub message that follows only makes it quick; a lost message delays the end by one
-- keeper pass at most.
ALTER TABLE "contacts" ADD COLUMN "end_requested" VARCHAR(64);

-- The worker that places a contact's call, claimed once in PostgreSQL: by the dispatcher in the
-- statement that stores the dial, or by the first worker to take a queued dial (an UPDATE that
-- finds it unclaimed). A second worker can never place the same call again, whatever Redis lost
-- (its placing key and the carrier ledger are only caches of this now).
ALTER TABLE "contacts" ADD COLUMN "placed_by" VARCHAR(100);

-- Each worker looks for the live contacts it claimed but does not hold (a placing that failed
-- half-way), at every keeper pass.
CREATE INDEX "contacts_live_by_placer_idx" ON "contacts" ("placed_by") WHERE status <> 'ended';

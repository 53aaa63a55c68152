-- Retention: past a tenant's retention period (tenant settings' retentionDays, never below what its
-- compliance windows read) a scheduled pass deletes contacts and their events, webhook events with
-- their deliveries, and stored idempotent answers, and removes the personal fields of targets and
-- callbacks, in small batches (libs/retention).
--
-- GET /v1/autocalls/{id} counts an AutoCall's contacts answered by a person and abandoned. The
-- statement that deletes contacts adds theirs to these two columns of their AutoCall, so the
-- AutoCall's figures never change when its contacts go.
ALTER TABLE "autocalls"
  ADD COLUMN "removed_answered" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "removed_abandoned" INTEGER NOT NULL DEFAULT 0,
  -- Set once the AutoCall finished before the period and none of its targets keeps a number, a
  -- reference or data: retention never looks at it again.
  ADD COLUMN "anonymised_at" TIMESTAMPTZ(3);

-- The finished AutoCalls whose targets retention still has to look at (the ones finished within
-- the period, and a few older ones): small, whatever the history's length.
CREATE INDEX "autocalls_targets_to_anonymise_idx" ON "autocalls" ("tenant_id", "completed_at")
  WHERE completed_at IS NOT NULL AND anonymised_at IS NULL;

-- Ended callbacks that still hold a number or data, by end.
CREATE INDEX "callbacks_to_anonymise_idx" ON "callbacks" ("tenant_id", "ended_at")
  WHERE phone_number IS NOT NULL OR data IS NOT NULL;

-- One row per retention pass: the worker that finds no pass finished within RETENTION_INTERVAL_MINUTES
-- (PostgreSQL's clock) runs one, under an advisory lock, so that one pass runs at a time across the
-- workers and restarts do not reset the schedule. `removed` counts what it removed, by kind.
CREATE TABLE "retention_passes" (
    "id" BIGSERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "removed" JSONB,

    CONSTRAINT "retention_passes_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "retention_passes_finished_at_idx" ON "retention_passes" ("finished_at");

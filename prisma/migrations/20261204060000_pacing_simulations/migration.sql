-- What-if pacing simulations (POST /v1/pacing/simulations): the tenant's request, its state and,
-- once done, its result. A worker claims a queued row (status and attempts in one conditional
-- UPDATE), runs it off the dialing event loop and records the result under that same claim, so a
-- job delivered twice (a stalled worker) runs it again but never records two results. Figures
-- only: no phone number or personal data.
CREATE TABLE "pacing_simulations" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "skill" VARCHAR(64) NOT NULL,
    "status" VARCHAR(16) NOT NULL DEFAULT 'queued',
    "request" JSONB NOT NULL,
    "result" JSONB,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "pacing_simulations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pacing_simulations_status_check" CHECK ("status" IN ('queued', 'running', 'done', 'failed')),
    -- A result exactly when done, an error exactly when failed.
    CONSTRAINT "pacing_simulations_outcome_check" CHECK (
        ("result" IS NOT NULL) = ("status" = 'done') AND ("error" IS NOT NULL) = ("status" = 'failed'))
);

-- A tenant's simulations, newest first (the dashboard's last one; the open ones a tenant may have).
CREATE INDEX "pacing_simulations_tenant_id_created_at_idx" ON "pacing_simulations"("tenant_id", "created_at");

ALTER TABLE "pacing_simulations" ADD CONSTRAINT "pacing_simulations_tenant_id_fkey"
    FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

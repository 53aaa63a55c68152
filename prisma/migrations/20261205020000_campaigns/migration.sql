-- Campaigns for compliance accounting (issue 21, item 3). The abandon rate the law caps is per
-- campaign: a CRM may split one campaign over many AutoCalls (`campaign`, a stable id the tenant
-- chooses); an AutoCall without one is its own campaign (its id).
ALTER TABLE "autocalls" ADD COLUMN "campaign" VARCHAR(64);

-- A tenant's AutoCalls of one campaign: the campaign's abandon rate, its API, the list filter.
CREATE INDEX "autocalls_tenant_id_campaign_idx" ON "autocalls"("tenant_id", "campaign");

-- A campaign's answers by a person over the regime's window, AutoCall by AutoCall (one range scan
-- per AutoCall of the campaign); and the tenant's, when the tenant is one campaign (abandonScope
-- 'tenant': the UK's "per call centre"). The columns that say abandoned are included, so that the
-- count is an index-only scan (no heap page per answer: 30,000 answers over 30 days spread over 20
-- AutoCalls are counted in about 30 ms, against 180 ms reading the heap).
CREATE INDEX "contacts_human_answers_by_autocall_idx" ON "contacts"("autocall_id", "answered_at")
    INCLUDE ("connected_at", "status") WHERE "answered_by" = 'human';
CREATE INDEX "contacts_human_answers_by_tenant_idx" ON "contacts"("tenant_id", "answered_at")
    INCLUDE ("connected_at", "status") WHERE "answered_by" = 'human';

-- A campaign's compliance state, as the pacing leader last measured it: answered and abandoned
-- over the window, and since when its predictive AutoCalls dial progressively (null: predictive).
-- The state is decided in the statement that records it (the counts are read in that statement):
-- progressive from the cap until back under the target. `campaign` is '*' for the tenant as a
-- whole (abandonScope 'tenant'); a tenant's campaign names cannot contain '*'.
CREATE TABLE "campaign_compliance" (
    "tenant_id" UUID NOT NULL,
    "campaign" VARCHAR(64) NOT NULL,
    "answered" INTEGER NOT NULL DEFAULT 0,
    "abandoned" INTEGER NOT NULL DEFAULT 0,
    "window_seconds" INTEGER NOT NULL,
    "progressive_since" TIMESTAMPTZ(3),
    "measured_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_compliance_pkey" PRIMARY KEY ("tenant_id", "campaign")
);

ALTER TABLE "campaign_compliance" ADD CONSTRAINT "campaign_compliance_tenant_id_fkey"
    FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

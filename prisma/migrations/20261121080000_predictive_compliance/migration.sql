-- Predictive mode, and the compliance guards every mode keeps.
ALTER TYPE "autocall_mode" ADD VALUE 'predictive';

-- An AutoCall's own calling window (applies together with the tenant's): {start, end, days}.
ALTER TABLE "autocalls" ADD COLUMN "calling_window" JSONB;

-- The called party's time zone when the number alone does not say it (overrides the number).
ALTER TABLE "targets" ADD COLUMN "time_zone" VARCHAR(64);

-- The redial and attempts-per-day guards read a number's recent calls.
CREATE INDEX "contacts_tenant_id_phone_number_created_at_idx" ON "contacts" ("tenant_id", "phone_number", "created_at");

-- An AutoCall's abandon rate (and its live contacts) are read by AutoCall.
CREATE INDEX "contacts_autocall_id_idx" ON "contacts" ("autocall_id");

-- The pacer's abandon rates (over 30 days in US mode) read a pool's calls answered by a person.
CREATE INDEX "contacts_human_answers_idx" ON "contacts" ("tenant_id", "skill", "answered_at") WHERE "answered_by" = 'human';

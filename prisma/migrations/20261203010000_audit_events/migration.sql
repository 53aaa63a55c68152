-- The audit trail (issue "Data protection", item 4): one row per successful mutating /v1 request,
-- written by the API after the handler succeeded. Who (key, role, an agent key's agent), what
-- (action, route template, resource type and id), when (PostgreSQL's clock: the id and `at`),
-- the request id and the status. No phone number, secret or body is ever stored, so erasing a
-- data subject leaves these rows whole. Keys are revoked, never deleted: key_id needs no foreign
-- key, and the rows outlive anything but their tenant.
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL DEFAULT autocall_uuid_v7(),
    "tenant_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_id" VARCHAR(100) NOT NULL,
    "key_id" UUID NOT NULL,
    "role" "api_key_role" NOT NULL,
    "agent_id" VARCHAR(64),
    "action" VARCHAR(100) NOT NULL,
    "method" VARCHAR(10) NOT NULL,
    "route" VARCHAR(200) NOT NULL,
    "resource_type" VARCHAR(64) NOT NULL,
    "resource_id" VARCHAR(64),
    "status" INTEGER NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- GET /v1/audit-events: a tenant's events, newest first, within a time range.
CREATE INDEX "audit_events_tenant_id_at_id_idx" ON "audit_events"("tenant_id", "at", "id");

ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_fkey"
    FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

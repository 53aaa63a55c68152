-- Idempotency-Key as integrators know it (Stripe's semantics): the first answer of a keyed request
-- is stored in the transaction that does its work and replayed exactly for 24 hours; then the key
-- is forgotten. Replaces the AutoCall's unique key, which could only rebuild an answer from rows
-- that had changed since.
CREATE TABLE "idempotent_requests" (
    "tenant_id" UUID NOT NULL,
    "operation" VARCHAR(40) NOT NULL,
    "key" VARCHAR(200) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "status_code" INTEGER NOT NULL,
    "answer" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotent_requests_pkey" PRIMARY KEY ("tenant_id","operation","key")
);

CREATE INDEX "idempotent_requests_created_at_idx" ON "idempotent_requests"("created_at");

ALTER TABLE "idempotent_requests" ADD CONSTRAINT "idempotent_requests_tenant_id_fkey"
    FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An AutoCall still records the key it was submitted with, but a key forgotten after 24 hours may
-- submit another.
DROP INDEX "autocalls_tenant_id_idempotency_key_key";

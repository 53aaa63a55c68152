-- CreateEnum
CREATE TYPE "autocall_mode" AS ENUM ('immediate', 'sequential');

-- CreateEnum
CREATE TYPE "autocall_status" AS ENUM ('active', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "target_status" AS ENUM ('pending', 'dialing', 'ringing', 'answered', 'connected', 'completed', 'no_answer', 'busy', 'failed', 'abandoned', 'machine', 'skipped', 'not_dialed', 'cancelled', 'expired');

-- CreateEnum
CREATE TYPE "contact_status" AS ENUM ('dialing', 'ringing', 'answered', 'waiting', 'connected', 'ended');

-- CreateTable
CREATE TABLE "autocalls" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "mode" "autocall_mode" NOT NULL,
    "skill" VARCHAR(64) NOT NULL,
    "status" "autocall_status" NOT NULL DEFAULT 'active',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "checks" JSONB NOT NULL,
    "caller_id" VARCHAR(32),
    "ring_timeout_seconds" INTEGER NOT NULL,
    "retry" JSONB NOT NULL,
    "idempotency_key" VARCHAR(200),
    "request_hash" CHAR(64),
    "target_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "autocalls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "targets" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "autocall_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "phone_number" VARCHAR(16) NOT NULL,
    "reference" VARCHAR(200),
    "data" JSONB,
    "status" "target_status" NOT NULL DEFAULT 'pending',
    "reason" VARCHAR(64),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_contact_id" UUID,
    "next_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "targets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "target_events" (
    "id" BIGSERIAL NOT NULL,
    "target_id" UUID NOT NULL,
    "from_status" "target_status" NOT NULL,
    "to_status" "target_status" NOT NULL,
    "reason" VARCHAR(64),
    "contact_id" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "target_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contacts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "autocall_id" UUID NOT NULL,
    "target_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "skill" VARCHAR(64) NOT NULL,
    "phone_number" VARCHAR(16) NOT NULL,
    "caller_id" VARCHAR(32),
    "status" "contact_status" NOT NULL DEFAULT 'dialing',
    "agent_id" VARCHAR(64),
    "answered_by" VARCHAR(16),
    "cause" VARCHAR(32),
    "sip_code" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ringing_at" TIMESTAMPTZ(3),
    "answered_at" TIMESTAMPTZ(3),
    "connected_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact_events" (
    "id" BIGSERIAL NOT NULL,
    "contact_id" UUID NOT NULL,
    "status" "contact_status" NOT NULL,
    "cause" VARCHAR(32),
    "agent_id" VARCHAR(64),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contact_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "call_stops" (
    "tenant_id" UUID NOT NULL,
    "phone_number" VARCHAR(16) NOT NULL,
    "reason" VARCHAR(200),
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "call_stops_pkey" PRIMARY KEY ("tenant_id","phone_number")
);

-- CreateIndex
CREATE INDEX "autocalls_tenant_id_created_at_idx" ON "autocalls"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "autocalls_tenant_id_idempotency_key_key" ON "autocalls"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "targets_autocall_id_status_idx" ON "targets"("autocall_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "targets_autocall_id_position_key" ON "targets"("autocall_id", "position");

-- CreateIndex
CREATE INDEX "target_events_target_id_at_idx" ON "target_events"("target_id", "at");

-- CreateIndex
CREATE INDEX "contacts_tenant_id_status_idx" ON "contacts"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "contacts_tenant_id_created_at_idx" ON "contacts"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "contacts_target_id_attempt_key" ON "contacts"("target_id", "attempt");

-- CreateIndex
CREATE INDEX "contact_events_contact_id_at_idx" ON "contact_events"("contact_id", "at");

-- AddForeignKey
ALTER TABLE "autocalls" ADD CONSTRAINT "autocalls_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "targets" ADD CONSTRAINT "targets_autocall_id_fkey" FOREIGN KEY ("autocall_id") REFERENCES "autocalls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "target_events" ADD CONSTRAINT "target_events_target_id_fkey" FOREIGN KEY ("target_id") REFERENCES "targets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_autocall_id_fkey" FOREIGN KEY ("autocall_id") REFERENCES "autocalls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact_events" ADD CONSTRAINT "contact_events_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "call_stops" ADD CONSTRAINT "call_stops_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

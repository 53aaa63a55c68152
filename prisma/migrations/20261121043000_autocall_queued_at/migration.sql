-- AlterTable
ALTER TABLE "autocalls" ADD COLUMN     "queued_at" TIMESTAMPTZ(3);

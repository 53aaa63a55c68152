-- The line capacity's revision: a counter PostgreSQL increments in the statement that changes the
-- capacity, so the live view in Redis can refuse an older value whatever the order the writes
-- arrive in (it was the application's clock, updated_at, before).
ALTER TABLE "line_settings" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 1;

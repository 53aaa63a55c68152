-- A held target's job names its AutoCall by its submission number (a few characters instead of a
-- 22-character id): the dispatcher finds the AutoCall by it.
CREATE UNIQUE INDEX "autocalls_seq_key" ON "autocalls"("seq");

-- A phone number can be removed from the rows that keep the history of its calls: past the
-- tenant's retention period (targets' personal fields) or when its subject asks for erasure
-- (targets, contacts, callbacks). The rows stay, so AutoCalls' counts and the abandon-rate
-- windows the law asks for keep their figures; the number becomes NULL.
ALTER TABLE "targets" ALTER COLUMN "phone_number" DROP NOT NULL;
ALTER TABLE "contacts" ALTER COLUMN "phone_number" DROP NOT NULL;
ALTER TABLE "callbacks" ALTER COLUMN "phone_number" DROP NOT NULL;

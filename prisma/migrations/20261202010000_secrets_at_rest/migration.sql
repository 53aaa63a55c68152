-- Webhook signing secrets are stored sealed by the SecretBox (AES-256-GCM under SECRETS_KEYS):
-- enc:v1:<key id>:<iv>:<tag>:<ciphertext>, about 130 characters for a whsec_ secret, more than
-- the 100 the columns held. A migration has no key, so it cannot encrypt the secrets already
-- stored in clear: they keep working as they are (read as legacy values) until
-- `npm run cli -- secrets:rotate` seals them. The call-stop check secret lives in the tenant
-- settings' JSON document, which needs no change.
ALTER TABLE "webhook_endpoints"
  ALTER COLUMN "secret" TYPE VARCHAR(400),
  ALTER COLUMN "previous_secret" TYPE VARCHAR(400);

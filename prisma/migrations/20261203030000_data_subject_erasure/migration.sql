-- Erasure on request (POST /v1/data-subjects/erase): the number is removed from every row that
-- holds it, and only a keyed hash of it is kept (HMAC-SHA256 under ERASURE_HASH_KEY), so that it
-- is never dialed again: a later submission of it ends `skipped` (`do_not_call`) without storing it.
CREATE TABLE "erased_numbers" (
  "tenant_id"   UUID NOT NULL,
  "number_hash" CHAR(64) NOT NULL,
  "erased_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "erased_numbers_pkey" PRIMARY KEY ("tenant_id", "number_hash"),
  CONSTRAINT "erased_numbers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- An erasure finds a number's targets and callbacks without reading every row of the tenant.
CREATE INDEX "targets_tenant_id_phone_number_idx" ON "targets" ("tenant_id", "phone_number");
CREATE INDEX "callbacks_tenant_id_phone_number_idx" ON "callbacks" ("tenant_id", "phone_number");

-- The text (or JSON as text) with an E.164 number taken out: a JSON value that is the number
-- (string "+4420…" or "4420…", or the JSON number 4420…) becomes null, and the number anywhere else
-- inside a string ("call +4420… after six") becomes [erased]; longer digit runs that merely contain
-- it are left alone. The result of JSON text is still valid JSON.
CREATE FUNCTION erase_number_in(value text, e164 text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT regexp_replace(
           regexp_replace(
             regexp_replace(
               regexp_replace(value, ':(\s*)"\+?' || digits || '"', ':\1null', 'g'),
               ':(\s*)' || digits || '(?![0-9.eE])', ':\1null', 'g'),
             '([\[,]\s*)' || digits || '(\s*[,\]])', '\1null\2', 'g'),
           '(?<![0-9])\+?' || digits || '(?![0-9])', '[erased]', 'g')
  FROM (SELECT substr(e164, 2) AS digits) AS d
$$;

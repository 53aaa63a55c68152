import { z } from 'zod';
import { ROLES } from './roles';
import { callStopCheckSchema, tenantSettingsSchema } from './tenant-settings';

// Answers about API keys and settings, as the API sends them (instants as ISO 8601 strings): they
// document the responses in OpenAPI and check real responses in the tests.

const instant = z.iso.datetime({ offset: true });

/** An API key as GET /v1/api-keys lists it (ApiKeyView): never the key itself. */
export const apiKeyAnswerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(ROLES),
  /** For role `agent`: the one agent the key acts for. */
  agentId: z.string().nullable(),
  keyPrefix: z.string(),
  createdAt: instant,
  lastUsedAt: instant.nullable(),
  revokedAt: instant.nullable(),
});

/** 200 to GET /v1/api-keys. */
export const apiKeyListSchema = z.object({ items: z.array(apiKeyAnswerSchema) });

/** 201 to POST /v1/api-keys: the key itself is in this answer only. */
export const createdApiKeySchema = apiKeyAnswerSchema.extend({ key: z.string() });

/** The call-stop check as shown (publicTenantSettings): its secret replaced by whether one is set. */
export const publicCallStopCheckSchema = callStopCheckSchema.omit({ secret: true }).extend({ hasSecret: z.boolean() });

/** 200 to GET and PUT /v1/settings: every setting, defaults included, secrets hidden. */
export const tenantSettingsAnswerSchema = tenantSettingsSchema.extend({
  callStopCheck: publicCallStopCheckSchema.nullable(),
});

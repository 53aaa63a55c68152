import { z } from 'zod';
import { AGENT_STATES, REQUESTABLE_STATES } from './agent-state';

export const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SKILL_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export const skillNameSchema = z
  .string()
  .regex(SKILL_NAME, 'must be 1 to 64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');

export const agentIdSchema = z
  .string()
  .regex(AGENT_ID, 'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** PUT /v1/agents/{agentId} */
export const agentDefinitionSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    skills: z.array(skillNameSchema).min(1).max(50),
    endpoint: z
      .string()
      .max(500)
      .regex(/^sips?:[^\s@]+@[^\s]+$|^sips?:[^\s]+$/, 'must be a SIP URI such as sip:agent-7@pbx.example.com'),
  })
  .strict();

/** POST /v1/agents/{agentId}/session */
export const logInSchema = z
  .object({
    state: z.enum(REQUESTABLE_STATES).default('unavailable'),
    reason: z.string().max(200).optional(),
  })
  .strict();

/** PUT /v1/agents/{agentId}/state */
export const requestStateSchema = z
  .object({
    state: z.enum(REQUESTABLE_STATES),
    reason: z.string().max(200).optional(),
  })
  .strict();

/** DELETE /v1/agents/{agentId}/session (the body is optional) */
export const endSessionSchema = z
  .object({ reason: z.string().max(200).optional() })
  .strict()
  .default({});

/** GET /v1/agents */
export const agentListQuerySchema = z
  .object({
    skill: skillNameSchema.optional(),
    state: z.enum(AGENT_STATES).optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

// Answers: what the API sends back, as JSON (instants as ISO 8601 strings). The same schemas
// document the responses in OpenAPI and check real responses in the tests.

const instant = z.iso.datetime({ offset: true });

/** An agent with its current state: PUT and GET /v1/agents/{agentId}, PUT .../state. */
export const agentAnswerSchema = z.object({
  agentId: z.string(),
  name: z.string(),
  skills: z.array(z.string()),
  endpoint: z.string(),
  state: z.enum(AGENT_STATES),
  stateReason: z.string().nullable(),
  stateChangedAt: instant,
  /** The session while the agent is logged in. */
  sessionId: z.uuid().nullable(),
  createdAt: instant,
  updatedAt: instant,
});

/** 200 to GET /v1/agents. */
export const agentPageSchema = z.object({ items: z.array(agentAnswerSchema), nextCursor: z.string().nullable() });

/** 201 to POST /v1/agents/{agentId}/session: the session started. */
export const agentSessionAnswerSchema = z.object({
  sessionId: z.uuid(),
  agentId: z.string(),
  state: z.enum(REQUESTABLE_STATES),
  startedAt: instant,
});

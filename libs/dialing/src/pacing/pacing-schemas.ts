import { z } from 'zod';
import { pacingSettingsSchema } from '@autocall/tenancy';
import { REGIMES } from '../compliance/compliance';
import { PACING_MODES } from './pacer';

// Answers about pacing, as the API sends them (instants as ISO 8601 strings): they document the
// responses in OpenAPI and check real responses in the tests.

const instant = z.iso.datetime({ offset: true });

/** Answered by a person and abandoned over a window; `rate` is null while nobody answered. */
export const abandonCountSchema = z.object({ answered: z.int(), abandoned: z.int(), rate: z.number().nullable() });

/** What the pacer last decided (PacingStore.state). */
export const pacerStateSchema = z.object({
  mode: z.enum(PACING_MODES),
  /** The predictive pools (skills) paced together with this one by one decision, as they share agents (this one's alone otherwise). */
  group: z.array(z.string()),
  /** Why this mode: no_agents, learning, too_few_agents, over_cap, predicting. */
  reason: z.string(),
  alpha: z.number().nullable(),
  capped: z.boolean(),
  /** Dials the pool may still place under the last decision (0 once it has expired). */
  budget: z.int(),
  expectedFreeAgents: z.number().nullable(),
  expectedAnswersInFlight: z.number().nullable(),
  decidedAt: instant.nullable(),
});

/** 200 to GET /v1/pacing/{skill}. */
export const pacingAnswerSchema = z.object({
  skill: z.string(),
  /** The skill's own pacing settings, else the tenant's. */
  settings: pacingSettingsSchema,
  complianceRegime: z.enum(REGIMES),
  abandonWindowSeconds: z.int(),
  connectThresholdSeconds: z.number(),
  /** Over the compliance window. */
  abandonRate: abandonCountSchema,
  lastHour: abandonCountSchema,
  /** Null until the pool's pacer has decided once. */
  pacer: pacerStateSchema.nullable(),
});

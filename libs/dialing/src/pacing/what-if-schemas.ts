import { z } from 'zod';
import { skillNameSchema } from '@autocall/agents';
import { MAX_AGENT_HOURS } from './what-if';

// What-if pacing simulations (POST /v1/pacing/simulations): the request, and the answers as the
// API sends them (instants as ISO 8601 strings); they document OpenAPI and check real responses.

const instant = z.iso.datetime({ offset: true });

const strategySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('progressive') }).strict(),
  z.object({ kind: z.literal('power'), ratio: z.number().min(1).max(4) }).strict(),
  z.object({ kind: z.literal('predictive') }).strict(),
]);

const figuresSchema = z
  .object({
    answerRate: z.number().gt(0).max(1),
    ringSecondsMean: z.number().min(1).max(120),
    talkSecondsMean: z.number().min(5).max(7_200),
    wrapUpSecondsMean: z.number().min(0).max(3_600),
    patienceSecondsMean: z.number().min(1).max(600),
  })
  .partial()
  .strict();

/** POST /v1/pacing/simulations */
export const requestPacingSimulationSchema = z
  .object({
    skill: skillNameSchema,
    /** Agents of the skill logged in for the whole run. */
    agents: z.int().min(1).max(500),
    /** Simulated hours. */
    hours: z.int().min(1).max(24),
    /** Default: progressive, power 2:1 and predictive (with the skill's pacing settings and caps). */
    strategies: z.array(strategySchema).min(1).max(6).optional(),
    /** The dials' ring timeout, seconds (default: the pacer's, 30). */
    ringTimeoutSeconds: z.int().min(15).max(120).optional(),
    /** Days of the pool's contacts the figures are measured over. */
    measuredDays: z.int().min(1).max(30).default(7),
    /** Figures that replace the measured ones (or the defaults, where the history is too short). */
    figures: figuresSchema.default({}),
    /** The same seed and request give the same figures; default: the simulation's id. */
    seed: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine((r) => r.agents * r.hours * (r.strategies?.length ?? 3) <= MAX_AGENT_HOURS, {
    message: `agents × hours × strategies may be at most ${MAX_AGENT_HOURS}`,
    path: ['agents'],
  });
export type RequestPacingSimulation = z.infer<typeof requestPacingSimulationSchema>;

const figure = z.object({ value: z.number(), source: z.enum(['measured', 'given', 'default']) });

const outcomeSchema = z.object({
  /** progressive, power R:1 or predictive. */
  strategy: z.string(),
  /** Agents' busy time (call and wrap-up) ÷ their logged-in time. */
  occupancy: z.number(),
  /** Abandoned ÷ answered by a person, over the run. */
  abandonRate: z.number(),
  /** The worst hour-long window of the run. */
  worstHourAbandonRate: z.number(),
  hourlyAbandonRates: z.array(z.number()),
  dialsPerAgentHour: z.number(),
  dials: z.int(),
  answered: z.int(),
  abandoned: z.int(),
  /** A person answered → connected to an agent, seconds. */
  waitSeconds: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }),
});

export const PACING_SIMULATION_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

/** 202 to POST /v1/pacing/simulations; 200 to GET /v1/pacing/simulations/{id}. */
export const pacingSimulationAnswerSchema = z.object({
  id: z.uuid(),
  status: z.enum(PACING_SIMULATION_STATUSES),
  /** The request, with its defaults. */
  request: z.object({
    skill: z.string(),
    agents: z.int(),
    hours: z.int(),
    strategies: z.array(z.object({ kind: z.string(), ratio: z.number().optional() })).nullable(),
    ringTimeoutSeconds: z.int().nullable(),
    measuredDays: z.int(),
    figures: z.record(z.string(), z.number()),
    seed: z.string(),
  }),
  /** Once done: the figures used and where each came from, the pacing settings, each strategy's outcome. */
  result: z
    .object({
      figures: z.object({
        answerRate: figure,
        ringSecondsMean: figure,
        talkSecondsMean: figure,
        wrapUpSecondsMean: figure,
        patienceSecondsMean: figure,
      }),
      measured: z.object({
        days: z.int(),
        dials: z.int(),
        humanAnswers: z.int(),
        ringSecondsMean: z.number().nullable(),
        talkSecondsMean: z.number().nullable(),
        wrapUpSecondsMean: z.number().nullable(),
      }),
      /** The skill's pacing settings (GET /v1/pacing/{skill}) with the regime's answer threshold. */
      pacing: z.object({
        maxAbandonRate: z.number(),
        targetAbandonRate: z.number(),
        maxLinesPerAgent: z.number(),
        minDialSamples: z.int(),
        minAgents: z.int(),
        connectThresholdSeconds: z.number(),
        ringTimeoutSeconds: z.number(),
      }),
      outcomes: z.array(outcomeSchema),
      wallMilliseconds: z.int(),
    })
    .nullable(),
  /** Once failed: why. */
  error: z.string().nullable(),
  createdAt: instant,
  startedAt: instant.nullable(),
  finishedAt: instant.nullable(),
});
export type PacingSimulationAnswer = z.infer<typeof pacingSimulationAnswerSchema>;

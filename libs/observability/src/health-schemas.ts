import { z } from 'zod';

// Answers of /health, as the API and the worker send them: they document the responses in
// OpenAPI and check real responses in the tests.

/** One dependency probed by readiness. */
export const healthCheckSchema = z.discriminatedUnion('status', [
  z.object({ name: z.enum(['postgresql', 'redis']), status: z.literal('up') }),
  /** `error` says why (no answer in time, connection refused, …). */
  z.object({ name: z.enum(['postgresql', 'redis']), status: z.literal('down'), error: z.string() }),
]);

/** 200 to GET /health/live: the process runs. */
export const livenessSchema = z.object({ status: z.literal('up') });

/** 200 (up) and 503 (down) to GET /health/ready: PostgreSQL and Redis answer, or which does not. */
export const readinessSchema = z.object({ status: z.enum(['up', 'down']), checks: z.array(healthCheckSchema) });

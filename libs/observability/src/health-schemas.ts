import { z } from 'zod';

// Answers of /health, as the API and the worker send them: they document the responses in
// OpenAPI and check real responses in the tests.

/** What readiness probes: PostgreSQL, Redis and, in a worker with TELEPHONY=sip, the trunk (OPTIONS). */
export const healthCheckName = z.enum(['postgresql', 'redis', 'sip_trunk']);
export type HealthCheckName = z.infer<typeof healthCheckName>;

/** One dependency probed by readiness. */
export const healthCheckSchema = z.discriminatedUnion('status', [
  z.object({ name: healthCheckName, status: z.literal('up') }),
  /** `error` says why (no answer in time, connection refused, a trunk's 503, …). */
  z.object({ name: healthCheckName, status: z.literal('down'), error: z.string() }),
]);

/** 200 to GET /health/live: the process runs. */
export const livenessSchema = z.object({ status: z.literal('up') });

/** 200 (up) and 503 (down) to GET /health/ready: PostgreSQL and Redis answer, or which does not. */
export const readinessSchema = z.object({ status: z.enum(['up', 'down']), checks: z.array(healthCheckSchema) });

import { z } from 'zod';

// Answers about the do-not-call list, as the API sends them (instants as ISO 8601 strings): they
// document the responses in OpenAPI and check real responses in the tests.

const instant = z.iso.datetime({ offset: true });

/** A number on the call-stop list: 201 to POST /v1/call-stops (and its replays). */
export const callStopAnswerSchema = z.object({
  /** E.164. */
  phoneNumber: z.string(),
  reason: z.string().nullable(),
  /** When the stop ends; null: never. */
  expiresAt: instant.nullable(),
  createdAt: instant,
});

/** 200 to GET /v1/call-stops. */
export const callStopPageSchema = z.object({ items: z.array(callStopAnswerSchema), nextCursor: z.string().nullable() });

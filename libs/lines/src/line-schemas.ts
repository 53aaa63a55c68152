import { z } from 'zod';
import { trunkUsageSchema } from './trunk-schemas';

// Answers about lines, as the API sends them: they document the responses in OpenAPI and check
// real responses in the tests.

/** 200 to PUT /v1/lines, PUT /v1/lines/inbound and GET /v1/lines/usage (LineUsage). */
export const lineUsageSchema = z.object({
  capacity: z.int(),
  inUse: z.object({ total: z.int(), outbound: z.int(), inbound: z.int() }),
  /** Lines taken for dials that are being placed right now. */
  reserved: z.int(),
  free: z.int(),
  /**
   * GET /v1/lines/usage: each trunk's use now (channels, calls in the last second, paused until),
   * by priority; absent while the tenant dials through the default trunk (it defines none).
   */
  trunks: z.array(trunkUsageSchema).optional(),
});

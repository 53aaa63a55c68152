import { z } from 'zod';

/** An instant in a request: ISO 8601 with an offset (Z or ±hh:mm), as a Date. */
export const instantSchema = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

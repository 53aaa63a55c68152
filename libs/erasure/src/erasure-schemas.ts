import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

/** POST /v1/data-subjects/erase: the number of the person who asked to be forgotten. */
export const eraseDataSubjectSchema = z
  .object({
    /** E.164, or national in the tenant's default country (as in a submission). */
    phoneNumber: z.string().min(1).max(32),
  })
  .strict();
export type EraseDataSubject = z.infer<typeof eraseDataSubjectSchema>;

/** 200 to POST /v1/data-subjects/erase: what was erased (no copy of the number in it). */
export const erasureAnswerSchema = z.object({
  erasedAt: instant,
  /** The number was erased before (its hash was on the do-not-call list already). */
  alreadyErased: z.boolean(),
  /** Its targets not dialed yet: skipped (do_not_call), never dialed. */
  targetsSkipped: z.int(),
  /** Its calls in progress, asked to end (they end within moments, like End a Contact). */
  contactsEnded: z.int(),
  /** Its callbacks not dialed yet, cancelled. */
  callbacksCancelled: z.int(),
  /** Rows the number (or a copy of it) was removed from, by kind. */
  rowsErased: z.object({
    targets: z.int(),
    contacts: z.int(),
    callbacks: z.int(),
    callStops: z.int(),
    webhookEvents: z.int(),
    webhookDeliveryAttempts: z.int(),
    idempotentAnswers: z.int(),
  }),
});
export type ErasureAnswer = z.infer<typeof erasureAnswerSchema>;

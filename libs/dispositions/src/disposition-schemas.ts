import { z } from 'zod';
import { DISPOSITION_KINDS, DISPOSITION_SETTERS } from './disposition-rules';

/** A code as the tenant names it: lower-case letters, digits, `_`, `-`, `.` (it labels metrics). */
export const DISPOSITION_CODE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const dispositionCodeSchema = z
  .string()
  .regex(DISPOSITION_CODE, 'must be 1 to 64 of a-z, 0-9, _, - and ., starting with a letter or digit');

/** PUT /v1/dispositions/{code}: creates or replaces the code. */
export const putDispositionCodeSchema = z
  .object({
    label: z.string().min(1).max(200),
    kind: z.enum(DISPOSITION_KINDS),
    /** retry only: the delay before the next attempt (0 to 30 days). */
    retryDelaySeconds: z
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional(),
    /** retry only: attempts of the target in all, this one included, up to which it is retried (default 3). */
    retryMaxAttempts: z.int().min(1).max(100).optional(),
    /** The code applied when nobody dispositions within the wrap-up (one per tenant; not a callback). */
    isDefault: z.boolean().default(false),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.kind === 'retry' && v.retryDelaySeconds === undefined)
      ctx.addIssue({ code: 'custom', path: ['retryDelaySeconds'], message: 'a retry code needs retryDelaySeconds' });
    if (v.kind !== 'retry' && (v.retryDelaySeconds !== undefined || v.retryMaxAttempts !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: 'only a retry code has retryDelaySeconds and retryMaxAttempts',
      });
    if (v.isDefault && v.kind === 'callback')
      ctx.addIssue({
        code: 'custom',
        path: ['isDefault'],
        message: 'the default code cannot be a callback (there is no time for it)',
      });
  });
export type PutDispositionCode = z.infer<typeof putDispositionCodeSchema>;

/** POST /v1/contacts/{contactId}/disposition */
export const setDispositionSchema = z
  .object({
    code: z.string().min(1).max(64),
    notes: z.string().max(2_000).optional(),
    /** callback codes only: when (default in 30 minutes), and whether the agent owns it. */
    callback: z
      .object({
        scheduledAt: z.string().max(40).optional(),
        timeZone: z.string().max(64).optional(),
        owned: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SetDisposition = z.infer<typeof setDispositionSchema>;

const instant = z.iso.datetime({ offset: true });

export const dispositionCodeAnswerSchema = z.object({
  code: z.string(),
  label: z.string(),
  kind: z.enum(DISPOSITION_KINDS),
  retryDelaySeconds: z.int().nullable(),
  retryMaxAttempts: z.int().nullable(),
  isDefault: z.boolean(),
  createdAt: instant,
  updatedAt: instant,
});

export const dispositionCodeListSchema = z.object({ items: z.array(dispositionCodeAnswerSchema) });

/** A contact's disposition, as the contact and the set operation answer it. */
export const contactDispositionSchema = z.object({
  code: z.string(),
  notes: z.string().nullable(),
  by: z.enum(DISPOSITION_SETTERS),
  at: instant,
});

/** 201 to POST /v1/contacts/{contactId}/disposition. */
export const setDispositionAnswerSchema = z.object({
  contactId: z.uuid(),
  disposition: contactDispositionSchema,
  kind: z.enum(DISPOSITION_KINDS),
  /** The callback the disposition scheduled (callback codes). */
  callbackId: z.uuid().nullable(),
  /** Whether the target's outcome is decided already (the call has ended), or at the call's end. */
  applied: z.boolean(),
});

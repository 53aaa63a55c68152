import { z } from 'zod';
import { PUBLIC_CONTACT_STATUSES } from './contact-lifecycle';
import { TARGET_STATUSES } from './target-status';

// Answers about contacts, as the API sends them (instants as ISO 8601 strings): they document the
// responses in OpenAPI and check real responses in the tests.

const instant = z.iso.datetime({ offset: true });
const status = z.enum(PUBLIC_CONTACT_STATUSES);

/** One contact (one dial attempt) in GET /v1/contacts. */
export const contactSummarySchema = z.object({
  contactId: z.uuid(),
  direction: z.enum(['outbound', 'inbound']),
  autocallId: z.uuid(),
  targetId: z.uuid(),
  reference: z.string().nullable(),
  attempt: z.int(),
  skill: z.string(),
  /** E.164; null once erased on request. */
  phoneNumber: z.string().nullable(),
  callerId: z.string().nullable(),
  status,
  agentId: z.string().nullable(),
  answeredBy: z.enum(['human', 'machine']).nullable(),
  /**
   * Answering-machine detection, as the network signalled it: `pending` from the answer until its
   * result, then human, machine or unknown (treated as a person); null when none ran.
   */
  detection: z.enum(['pending', 'human', 'machine', 'unknown']).nullable(),
  /** How the call ended (normal_clearing, no_answer, busy, …), once it has. */
  cause: z.string().nullable(),
  sipCode: z.int().nullable(),
  /** What the agent concluded (see /v1/dispositions): set once, by a role, or `default` at the wrap-up's end. */
  disposition: z
    .object({
      code: z.string(),
      /** Free text; removed with the number on erasure, and with the contact by retention. */
      notes: z.string().nullable(),
      by: z.enum(['agent', 'supervisor', 'integrator', 'admin', 'default']),
      at: instant,
    })
    .nullable(),
  /** A connected call awaiting its disposition: when its wrap-up ends (then the default code applies). */
  wrapUpUntil: instant.nullable(),
  createdAt: instant,
  ringingAt: instant.nullable(),
  answeredAt: instant.nullable(),
  connectedAt: instant.nullable(),
  endedAt: instant.nullable(),
  durations: z.object({
    ringMs: z.int().nullable(),
    waitMs: z.int().nullable(),
    talkMs: z.int().nullable(),
    totalMs: z.int().nullable(),
  }),
});

/** 200 to GET /v1/contacts. */
export const contactPageSchema = z.object({ items: z.array(contactSummarySchema), nextCursor: z.string().nullable() });

/** 200 to GET /v1/contacts/{contactId}: the contact, what it did to its target, its timeline. */
export const contactDetailSchema = contactSummarySchema.extend({
  target: z.object({ targetId: z.uuid(), status: z.enum(TARGET_STATUSES).nullable(), reason: z.string().nullable() }),
  timeline: z.array(z.object({ status, at: instant, cause: z.string().nullable(), agentId: z.string().nullable() })),
});

/** 202 to POST /v1/contacts/{contactId}/end: the contact as the request found it. */
export const contactEndAnswerSchema = z.object({
  contactId: z.uuid(),
  /** Its status when the end was asked (the end itself follows, through telephony). */
  status,
  /** false: the contact had ended already, nothing was asked. */
  endRequested: z.boolean(),
  endedAt: instant.nullable(),
});

/** 200 to GET /v1/queues/{skill}/waiting: answered contacts waiting for an agent, first served first. */
export const waitingContactsSchema = z.object({
  skill: z.string(),
  items: z.array(
    z.object({
      /** 0: the next served. */
      position: z.int(),
      contactId: z.uuid(),
      autocallId: z.uuid(),
      reference: z.string().nullable(),
      phoneNumber: z.string().nullable(),
      answeredAt: instant,
      waitingMs: z.int(),
    }),
  ),
});

import { z } from 'zod';
import { REGIMES } from '../compliance/compliance';
import { CAMPAIGN_PACING } from './campaign-compliance';

const instant = z.iso.datetime({ offset: true });

/** 200 to GET /v1/campaigns/{campaign}/compliance, and each item of GET /v1/campaigns. */
export const campaignComplianceSchema = z.object({
  campaign: z.string(),
  /** `campaign`: this campaign's calls; `tenant`: the tenant's, all campaigns together (abandonScope). */
  scope: z.enum(['campaign', 'tenant']),
  complianceRegime: z.enum(REGIMES),
  /** The window the rate is measured over (30 days US, 24 h UK, or the tenant's setting), seconds. */
  windowSeconds: z.int(),
  /** Answered by a person over the window, and of those abandoned; rate null while nobody answered. */
  answered: z.int(),
  abandoned: z.int(),
  rate: z.number().nullable(),
  /** The cap (progressive from there) and the target (predictive again at or under it). */
  maxAbandonRate: z.number(),
  targetAbandonRate: z.number(),
  /** How its predictive AutoCalls dial now, as the pacing leader last measured it. */
  state: z.enum(CAMPAIGN_PACING),
  progressiveSince: instant.nullable(),
  /** When the pacing leader last measured it (null: never, no predictive AutoCall of it was active). */
  measuredAt: instant.nullable(),
  /** Its AutoCalls still active. */
  activeAutoCalls: z.int(),
});

/** 200 to GET /v1/campaigns: the campaigns with an active AutoCall. */
export const campaignListSchema = z.object({ items: z.array(campaignComplianceSchema) });

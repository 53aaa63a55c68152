import type { AbandonScope } from '../compliance/compliance';
import { MIN_FEEDBACK_ANSWERS } from '../pacing/pacer';

/**
 * Campaigns for compliance accounting. The law caps abandoned calls per campaign (US: 3% of the
 * calls answered by a person over 30 days; UK: 3% over 24 hours, per campaign or per call centre).
 * A CRM may split one campaign over many AutoCalls by giving them the same `campaign`; an AutoCall
 * without one is its own campaign (its id). Pure: the engine, the API and the tests share it.
 */

/** A campaign's name as a tenant gives it: a stable id (letters, digits, `.`, `_`, `:`, `-`). */
export const CAMPAIGN_NAME = /^[A-Za-z0-9._:-]{1,64}$/;

/** The key a tenant's abandons are counted under when the tenant is one campaign. */
export const WHOLE_TENANT = '*';

export const CAMPAIGN_PACING = ['predictive', 'progressive_until_under_cap'] as const;
/**
 * How a campaign's predictive AutoCalls dial: `predictive` as the pacer decides, or
 * `progressive_until_under_cap`: one dial per free agent (an agent reserved for each dial, no dialing
 * ahead) from when its rate reaches the cap until it is back under the pacer's target.
 */
export type CampaignPacing = (typeof CAMPAIGN_PACING)[number];

/** The campaign an AutoCall counts in: its own name, else its id. */
export function campaignOf(autocall: { id: string; campaign: string | null }): string {
  return autocall.campaign ?? autocall.id;
}

/** The key its abandons are counted and its state kept under: the campaign, or the whole tenant. */
export function campaignKey(campaign: string, scope: AbandonScope): string {
  return scope === 'tenant' ? WHOLE_TENANT : campaign;
}

export interface CampaignCount {
  answered: number;
  abandoned: number;
}

export interface CampaignLimits {
  /** The legal cap on abandoned ÷ answered by a person (0.03). */
  maxAbandonRate: number;
  /** Back to predictive only at or under this (the pacer's target, 0.02). */
  targetAbandonRate: number;
}

/**
 * The campaign's pacing after a measurement, from the one before: progressive from the moment its
 * rate over the window reaches the cap, until it is back at or under the target (the gap between
 * the two keeps it from flapping at the cap). Not before MIN_FEEDBACK_ANSWERS answers in the window,
 * as the pacer's own feedback (one abandon among a campaign's first few answers says little; the
 * pacer is progressive anyway until it has seen minDialSamples dials).
 */
export function nextCampaignPacing(
  previous: CampaignPacing,
  count: CampaignCount,
  limits: CampaignLimits,
): CampaignPacing {
  if (count.answered < MIN_FEEDBACK_ANSWERS) return 'predictive';
  const rate = count.abandoned / count.answered;
  if (previous === 'progressive_until_under_cap')
    return rate > limits.targetAbandonRate ? 'progressive_until_under_cap' : 'predictive';
  return rate >= limits.maxAbandonRate ? 'progressive_until_under_cap' : 'predictive';
}

/** How a held target of an AutoCall is reserved: within the pacer's budget, or with an agent of its own. */
export function reservationKind(mode: string, campaign: CampaignPacing): 'paced' | 'agent' {
  return mode === 'predictive' && campaign === 'predictive' ? 'paced' : 'agent';
}

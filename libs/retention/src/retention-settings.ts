import { InvalidRequestError } from '@autocall/common';
import { effectiveCompliance } from '@autocall/dialing';
import type { TenantSettings, TenantSettingsPatch } from '@autocall/tenancy';
import { retentionDaysError } from './retention-policy';

/**
 * PUT /v1/settings: a retentionDays asked for is refused (400, field code below_minimum_retention)
 * below the minimum of the settings it comes with, the regime and windows of the same change
 * included. A later change of regime or windows is never refused for it: the pass applies the
 * longer of the two (see effectiveRetentionDays).
 */
export function refuseRetentionBelowMinimum(change: TenantSettingsPatch, next: TenantSettings): void {
  if (change.retentionDays === undefined || change.retentionDays === null) return;
  const error = retentionDaysError(change.retentionDays, effectiveCompliance(next), next.complianceRegime);
  if (error) throw new InvalidRequestError([error]);
}

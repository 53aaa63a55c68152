import {
  campaignKey,
  campaignOf,
  CAMPAIGN_NAME,
  nextCampaignPacing,
  reservationKind,
  WHOLE_TENANT,
} from './campaign-compliance';

const limits = { maxAbandonRate: 0.03, targetAbandonRate: 0.02 };
const count = (answered: number, abandoned: number) => ({ answered, abandoned });

describe('campaign compliance', () => {
  it('counts an AutoCall without a campaign as its own, and the tenant as one under abandonScope tenant', () => {
    expect(campaignOf({ id: 'a1', campaign: null })).toBe('a1');
    expect(campaignOf({ id: 'a1', campaign: 'spring-2026' })).toBe('spring-2026');
    expect(campaignKey('spring-2026', 'campaign')).toBe('spring-2026');
    expect(campaignKey('spring-2026', 'tenant')).toBe(WHOLE_TENANT);
    // The tenant's key cannot be a campaign's name.
    expect(CAMPAIGN_NAME.test(WHOLE_TENANT)).toBe(false);
    expect(CAMPAIGN_NAME.test('crm:2026-05_spring.b')).toBe(true);
    expect(CAMPAIGN_NAME.test('x'.repeat(65))).toBe(false);
  });

  it('goes progressive when the rate reaches the cap, not below it', () => {
    expect(nextCampaignPacing('predictive', count(100, 2), limits)).toBe('predictive');
    expect(nextCampaignPacing('predictive', count(1000, 29), limits)).toBe('predictive');
    expect(nextCampaignPacing('predictive', count(100, 3), limits)).toBe('progressive_until_under_cap');
    expect(nextCampaignPacing('predictive', count(100, 10), limits)).toBe('progressive_until_under_cap');
  });

  it('stays progressive between the target and the cap, and is predictive again at or under the target', () => {
    const capped = 'progressive_until_under_cap' as const;
    expect(nextCampaignPacing(capped, count(100, 3), limits)).toBe(capped);
    expect(nextCampaignPacing(capped, count(140, 3), limits)).toBe(capped); // 2.14%
    expect(nextCampaignPacing(capped, count(150, 3), limits)).toBe('predictive'); // 2%
    expect(nextCampaignPacing(capped, count(0, 0), limits)).toBe('predictive'); // the window emptied
  });

  it('waits for 20 answers in the window, as the pacer feedback does', () => {
    expect(nextCampaignPacing('predictive', count(0, 0), limits)).toBe('predictive');
    expect(nextCampaignPacing('predictive', count(19, 5), limits)).toBe('predictive');
    expect(nextCampaignPacing('predictive', count(20, 1), limits)).toBe('progressive_until_under_cap');
  });

  it('reserves within the pacer budget only for a predictive AutoCall of a campaign under the cap', () => {
    expect(reservationKind('predictive', 'predictive')).toBe('paced');
    expect(reservationKind('predictive', 'progressive_until_under_cap')).toBe('agent');
    expect(reservationKind('sequential', 'predictive')).toBe('agent');
    expect(reservationKind('sequential', 'progressive_until_under_cap')).toBe('agent');
  });
});

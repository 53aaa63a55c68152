import { DEFAULT_TENANT_SETTINGS, mergeTenantSettings, readTenantSettings } from './tenant-settings';

const COMPLIANCE_AND_PACING_DEFAULTS = {
  complianceRegime: 'us',
  compliance: {
    callingWindow: null,
    minRingSeconds: null,
    redialAfterAbandonSeconds: null,
    maxAttemptsPerNumberPerDay: null,
    abandonWindowSeconds: null,
    connectThresholdSeconds: null,
    abandonMessage: null,
    fallbackTimeZone: null,
    abandonScope: null,
  },
  pacing: { maxAbandonRate: 0.03, targetAbandonRate: 0.02, maxLinesPerAgent: 3, minDialSamples: 50, minAgents: 3 },
  pacingBySkill: {},
  retentionDays: 90,
  wrapUpSeconds: 60,
  requireDisposition: false,
  maxTrunkReturns: 5,
};

describe('tenant settings', () => {
  it('reads defaults for a tenant that never changed anything', () => {
    expect(readTenantSettings({})).toEqual({
      defaultCountry: null,
      callStopCheck: null,
      terminateSessionLiveCall: 'finish',
      callbackOwnershipWindowSeconds: 86_400,
      callbackOwnedMaxAheadSeconds: 30 * 86_400,
      ...COMPLIANCE_AND_PACING_DEFAULTS,
    });
  });

  it('merges a change, keeps what was left out and resets what was set to null', () => {
    const withCheck = mergeTenantSettings(DEFAULT_TENANT_SETTINGS, {
      callStopCheck: { url: 'https://crm.example/stop-check', timeoutMs: 1500, onError: 'dial' },
    });
    const withCountry = mergeTenantSettings(withCheck, { defaultCountry: 'JP' });
    expect(withCountry).toEqual({
      terminateSessionLiveCall: 'finish',
      callbackOwnershipWindowSeconds: 86_400,
      callbackOwnedMaxAheadSeconds: 30 * 86_400,
      defaultCountry: 'JP',
      callStopCheck: { url: 'https://crm.example/stop-check', timeoutMs: 1500, onError: 'dial' },
      ...COMPLIANCE_AND_PACING_DEFAULTS,
    });
    expect(mergeTenantSettings(withCountry, { callStopCheck: null }).callStopCheck).toBeNull();
  });

  it('keeps callback limits within one hour and seven (window) or thirty (ahead) days', () => {
    const at = (patch: object) => () => mergeTenantSettings(DEFAULT_TENANT_SETTINGS, patch);
    expect(at({ callbackOwnershipWindowSeconds: 3_600 })().callbackOwnershipWindowSeconds).toBe(3_600);
    expect(at({ callbackOwnershipWindowSeconds: 3_599 })).toThrow();
    expect(at({ callbackOwnershipWindowSeconds: 7 * 86_400 + 1 })).toThrow();
    expect(at({ callbackOwnedMaxAheadSeconds: 30 * 86_400 + 1 })).toThrow();
  });

  it('keeps retentionDays between 1 and 3,650 days, and puts it back to 90 with null', () => {
    const longer = mergeTenantSettings(DEFAULT_TENANT_SETTINGS, { retentionDays: 400 });
    expect(longer.retentionDays).toBe(400);
    expect(mergeTenantSettings(longer, { retentionDays: null }).retentionDays).toBe(90);
    expect(() => mergeTenantSettings(DEFAULT_TENANT_SETTINGS, { retentionDays: 0 })).toThrow();
    expect(() => mergeTenantSettings(DEFAULT_TENANT_SETTINGS, { retentionDays: 3_651 })).toThrow();
    expect(() => mergeTenantSettings(DEFAULT_TENANT_SETTINGS, { retentionDays: 30.5 })).toThrow();
  });

  it('falls back to the default for a stored field that is no longer valid', () => {
    expect(readTenantSettings({ defaultCountry: 'japan', callStopCheck: null }).defaultCountry).toBeNull();
  });

  it('refuses a pacing target at or above its cap, a bad window and an unknown zone', () => {
    const at = (patch: object) => () => mergeTenantSettings(DEFAULT_TENANT_SETTINGS, patch);
    expect(at({ pacing: { maxAbandonRate: 0.03, targetAbandonRate: 0.03 } })).toThrow(/below maxAbandonRate/);
    expect(at({ compliance: { callingWindow: { start: '09:00', end: '09:00' } } })).toThrow(/must differ/);
    expect(at({ compliance: { callingWindow: { start: '24:00', end: '09:00' } } })).toThrow(/HH:MM/);
    expect(at({ compliance: { fallbackTimeZone: 'Mars/Olympus' } })).toThrow(/IANA/);
    expect(at({ compliance: { minRingSeconds: 10 } })).toThrow();
    expect(at({ pacingBySkill: { sales: { minAgents: 5 } } })().pacingBySkill.sales.minAgents).toBe(5);
  });
});

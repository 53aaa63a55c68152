import { DEFAULT_TENANT_SETTINGS, mergeTenantSettings, readTenantSettings } from './tenant-settings';

describe('tenant settings', () => {
  it('reads defaults for a tenant that never changed anything', () => {
    expect(readTenantSettings({})).toEqual({
      defaultCountry: null,
      callStopCheck: null,
      terminateSessionLiveCall: 'finish',
      callbackOwnershipWindowSeconds: 86_400,
      callbackOwnedMaxAheadSeconds: 30 * 86_400,
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

  it('falls back to the default for a stored field that is no longer valid', () => {
    expect(readTenantSettings({ defaultCountry: 'japan', callStopCheck: null }).defaultCountry).toBeNull();
  });
});

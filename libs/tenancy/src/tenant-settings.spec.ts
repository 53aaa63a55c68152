import { DEFAULT_TENANT_SETTINGS, mergeTenantSettings, readTenantSettings } from './tenant-settings';

describe('tenant settings', () => {
  it('reads defaults for a tenant that never changed anything', () => {
    expect(readTenantSettings({})).toEqual({
      defaultCountry: null,
      callStopCheck: null,
      terminateSessionLiveCall: 'finish',
    });
  });

  it('merges a change, keeps what was left out and resets what was set to null', () => {
    const withCheck = mergeTenantSettings(DEFAULT_TENANT_SETTINGS, {
      callStopCheck: { url: 'https://crm.example/stop-check', timeoutMs: 1500, onError: 'dial' },
    });
    const withCountry = mergeTenantSettings(withCheck, { defaultCountry: 'JP' });
    expect(withCountry).toEqual({
      terminateSessionLiveCall: 'finish',
      defaultCountry: 'JP',
      callStopCheck: { url: 'https://crm.example/stop-check', timeoutMs: 1500, onError: 'dial' },
    });
    expect(mergeTenantSettings(withCountry, { callStopCheck: null }).callStopCheck).toBeNull();
  });

  it('falls back to the default for a stored field that is no longer valid', () => {
    expect(readTenantSettings({ defaultCountry: 'japan', callStopCheck: null }).defaultCountry).toBeNull();
  });
});

export * from './roles';
export * from './api-key-secret';
export * from './api-keys.service';
export * from './tenants.service';
export * from './settings.service';
export * from './tenant-settings';
export * from './tenancy-schemas';
export * from './tenancy.module';

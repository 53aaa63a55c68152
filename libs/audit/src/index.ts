export * from './audit-entry';
export * from './audit-events';
export * from './audit-schemas';
export * from './audit.module';

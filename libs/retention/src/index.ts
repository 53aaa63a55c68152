export * from './retention-policy';
export * from './retention-settings';
export * from './retention-metrics';
export * from './retention-store';
export * from './retention.service';
export * from './retention.module';

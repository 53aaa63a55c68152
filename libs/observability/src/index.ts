export * from './logging';
export * from './health.controller';
export * from './metrics.controller';
export * from './public.decorator';
export * from './graceful-shutdown';
export * from './health-schemas';

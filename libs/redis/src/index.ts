export * from './redis-keys';
export * from './redis.service';
export * from './redis.module';
export * from './rate-limiter';
export * from './key-slot';
export * from './pool-wake-ups';

import { Global, Module } from '@nestjs/common';
import { PoolWakeUps } from './pool-wake-ups';
import { RateLimiter } from './rate-limiter';
import { RedisService } from './redis.service';

@Global()
@Module({ providers: [RedisService, RateLimiter, PoolWakeUps], exports: [RedisService, RateLimiter, PoolWakeUps] })
export class RedisModule {}

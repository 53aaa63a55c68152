import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PrismaService } from '@autocall/database';
import { RedisService } from '@autocall/redis';
import { Public } from './public.decorator';

async function check(name: string, probe: () => Promise<unknown>, timeoutMs = 2_000) {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  try {
    await Promise.race([probe(), timeout]);
    return { name, status: 'up' as const };
  } catch (error) {
    return { name, status: 'down' as const, error: (error as Error).message };
  }
}

/** Liveness (the process runs) and readiness (PostgreSQL and Redis answer). */
@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
  ) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const checks = await Promise.all([
      check('postgresql', () => this.prisma.$queryRaw`SELECT 1`),
      check('redis', () => this.redis.ping()),
    ]);
    const up = checks.every((c) => c.status === 'up');
    res.status(up ? 200 : 503);
    return { status: up ? 'up' : 'down', checks };
  }
}

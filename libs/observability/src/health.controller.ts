import { Controller, Get, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { jsonSchemaOf } from '@autocall/common';
import { PrismaService } from '@autocall/database';
import { RedisService } from '@autocall/redis';
import { HealthCheckName, livenessSchema, readinessSchema } from './health-schemas';
import { Public } from './public.decorator';

/** A JSON answer described by its zod schema (as apps/api's DocumentedResponse, which libs cannot import). */
function HealthResponse(status: number, schema: z.ZodType, description: string): MethodDecorator {
  return ApiResponse({ status, description, schema: jsonSchemaOf(schema, 'output') });
}

/**
 * The one client error /health can answer: a body that is not JSON (the probes take none), as the
 * API's problem+json (components.schemas.Problem).
 */
const MalformedBody = () =>
  ApiResponse({
    status: 400,
    description: 'invalid_request: a body that is not valid JSON (the probes take none)',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });

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

/** A dependency of one app besides PostgreSQL and Redis (the worker's SIP trunk): rejects when down. */
export interface ReadinessCheck {
  name: Exclude<HealthCheckName, 'postgresql' | 'redis'>;
  probe(): Promise<unknown>;
}

/** The app's own readiness checks (a provider of ReadinessCheck[]); none by default. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Liveness (the process runs) and readiness (PostgreSQL and Redis answer, and the app's own checks). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    @Optional() @Inject(READINESS_CHECKS) private readonly extra: ReadinessCheck[] = [],
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process runs', security: [] })
  @HealthResponse(200, livenessSchema, 'up')
  @MalformedBody()
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL and Redis answer (and, in a worker with TELEPHONY=sip, the trunk answers OPTIONS)',
    security: [],
  })
  @HealthResponse(200, readinessSchema, 'up: every dependency answers')
  @HealthResponse(503, readinessSchema, 'down: the checks say which dependency does not answer')
  @MalformedBody()
  async ready(@Res({ passthrough: true }) res: Response) {
    const checks = await Promise.all([
      check('postgresql', () => this.prisma.$queryRaw`SELECT 1`),
      check('redis', () => this.redis.ping()),
      ...(this.extra ?? []).map((c) => check(c.name, () => c.probe())),
    ]);
    const up = checks.every((c) => c.status === 'up');
    res.status(up ? 200 : 503);
    // As every 503 of the service (the problem filter's too): when to ask again.
    if (!up) res.setHeader('Retry-After', '5');
    return { status: up ? 'up' : 'down', checks };
  }
}

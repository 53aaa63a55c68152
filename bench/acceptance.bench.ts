/**
 * Benchmark (a): acceptance of one 10,000-target AutoCall through the HTTP API, from the request
 * to the 202 (validation, one transaction, held targets queued in BullMQ).
 *
 *   npm run bench -- acceptance
 */
import { dataOf } from '../libs/client/src';
import { performance } from 'node:perf_hooks';
import { PrismaService } from '../libs/database/src';
import { ApiHarness } from '../test/support/api-harness';
import { numbers } from '../test/support/engine-harness';

export async function acceptanceBench(runs = 7): Promise<Record<string, unknown>> {
  const api = await ApiHarness.start('bench_accept', { LOG_LEVEL: 'silent' });
  try {
    const tenant = await api.createTenant('bench', 10);
    const autocall = await api.client(tenant.adminKey);
    dataOf(
      await autocall.PUT('/v1/agents/{agentId}', {
        params: { path: { agentId: 'a' } },
        body: { name: 'a', skills: ['sales'], endpoint: 'sip:a@x' },
      }),
    );
    const port = api.app.getHttpServer().address().port;
    const results: { mode: string; ms: number }[] = [];
    const prisma = api.app.get(PrismaService);
    for (const mode of ['sequential', 'immediate'] as const) {
      for (let run = 0; run < runs; run++) {
        const body = JSON.stringify({
          mode,
          skill: 'sales',
          targets: numbers(10_000, `+1${200 + run}${mode === 'immediate' ? 5 : 6}`),
        });
        const started = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/v1/autocalls`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.adminKey}`, 'content-type': 'application/json' },
          body,
        });
        await response.arrayBuffer();
        const ms = performance.now() - started;
        if (response.status !== 202) throw new Error(`status ${response.status}`);
        if (run > 0) results.push({ mode, ms }); // the first run warms up
        // Let the held targets finish queueing (after the answer) before the next submission.
        for (let i = 0; i < 100; i++) {
          const unqueued = await prisma.autoCall.count({ where: { queuedAt: null } });
          if (unqueued === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }
    const summary: Record<string, unknown> = {};
    for (const mode of ['sequential', 'immediate']) {
      const times = results
        .filter((r) => r.mode === mode)
        .map((r) => r.ms)
        .sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      summary[mode] = {
        medianMs: Math.round(median),
        bestMs: Math.round(times[0]),
        targetsPerSecond: Math.round(10_000 / (median / 1000)),
      };
    }
    return summary;
  } finally {
    await api.stop();
  }
}

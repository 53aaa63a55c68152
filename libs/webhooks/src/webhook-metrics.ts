import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { PrismaService } from '@autocall/database';

/**
 * The webhook backlog, read from the outbox when Prometheus scrapes (both apps):
 * `autocall_webhook_deliveries{tenant,status}` for pending (waiting or between retries) and
 * failed deliveries. Labels: tenant ids and fixed words only.
 */
@Injectable()
export class WebhookMetrics implements OnModuleInit {
  constructor(private readonly prisma: PrismaService) {}

  onModuleInit(): void {
    if (register.getSingleMetric('autocall_webhook_deliveries')) return;
    const prisma = this.prisma;
    new Gauge({
      name: 'autocall_webhook_deliveries',
      help: 'Webhook deliveries not delivered: pending (due or between retries) and failed',
      labelNames: ['tenant', 'status'],
      async collect() {
        this.reset();
        const rows = await prisma.$queryRaw<{ tenant_id: string; status: string; n: number }[]>`
          SELECT tenant_id, status::text AS status, count(*)::int AS n FROM webhook_deliveries
          WHERE status IN ('pending', 'failed') GROUP BY tenant_id, status`;
        for (const row of rows) this.set({ tenant: row.tenant_id, status: row.status }, row.n);
      },
    });
  }
}

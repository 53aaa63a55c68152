import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, register } from 'prom-client';
import { Public } from './public.decorator';

let defaultsCollected = false;

/** Prometheus metrics of this process (labels are bounded: no phone numbers, no free ids). */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor() {
    if (!defaultsCollected) {
      collectDefaultMetrics({ prefix: 'autocall_process_' });
      // prom-client names three gauges `_total`, which Prometheus reserves for counters (promtool
      // refuses them); the same counts are there by type (`…_active_handles{type}` and so on).
      for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
        register.removeSingleMetric(`autocall_process_nodejs_${name}`);
      defaultsCollected = true;
    }
  }

  @Get()
  @Header('Content-Type', register.contentType)
  async metrics(): Promise<string> {
    return register.metrics();
  }
}

import { Counter, register } from 'prom-client';

const NAME = 'autocall_retention_removed_total';

/**
 * Rows retention removed (deleted, or stripped of personal fields), by kind: registered by the
 * process that runs passes (the worker), on first use. Labels: tenant ids and fixed words only.
 */
export function retentionRemovedTotal(): Counter<'tenant' | 'kind'> {
  return (
    (register.getSingleMetric(NAME) as Counter<'tenant' | 'kind'> | undefined) ??
    new Counter({
      name: NAME,
      help: "Rows retention removed past their tenant's retention period, by kind (deleted, or personal fields removed)",
      labelNames: ['tenant', 'kind'],
    })
  );
}

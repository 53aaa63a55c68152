import { Counter, Histogram } from 'prom-client';

/** Labels are bounded: tenant ids and fixed words only. */
export const webhookAttemptsTotal = new Counter({
  name: 'autocall_webhook_attempts_total',
  help: 'Webhook delivery attempts, by verdict (delivered, retry, failed, gone)',
  labelNames: ['tenant', 'verdict'],
});

export const webhookDeliveryLatency = new Histogram({
  name: 'autocall_webhook_delivery_latency_seconds',
  help: 'From the state change (event time) to the receiver answering 2xx, first attempts only',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

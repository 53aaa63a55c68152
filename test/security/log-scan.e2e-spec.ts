import { openCallingWindow } from '../support/calling-window';
import { createSuiteDatabase, dropDatabase, uniqueName } from '../support/databases';
import { FAST_SIMULATOR } from '../support/engine-harness';
import { AppProcess, freePort, waitFor } from '../support/processes';
import { WebhookReceiver } from '../support/webhook-receiver';

const ADMIN_KEY = 'ac_log_scan_admin_key_0000000000001';
const NUMBERS = Array.from({ length: 12 }, (_, i) => `+8131777${String(i).padStart(4, '0')}`);

/**
 * A full run with every log line on (debug), API and worker as deployed: AutoCalls dialed,
 * webhooks delivered, a callback, call stops, keys made. Then the logs of both processes are
 * scanned: no phone number in clear, no API key, no webhook or call-stop secret.
 */
describe('logs of a full run', () => {
  it('hold no phone number and no secret', async () => {
    const db = await createSuiteDatabase('log_scan');
    const receiver = await WebhookReceiver.start();
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const env = {
      ...FAST_SIMULATOR,
      DATABASE_URL: db.url,
      REDIS_KEY_PREFIX: uniqueName('logs').replace(/_/g, '-'),
      API_PORT: String(apiPort),
      WORKER_PORT: String(workerPort),
      LOG_LEVEL: 'debug',
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      SIMULATOR_ANSWER_PROBABILITY: '0.8',
    };
    const api = AppProcess.spawn('api', env);
    const worker = AppProcess.spawn('worker', env);
    const base = `http://127.0.0.1:${apiPort}`;
    const call = async (method: string, route: string, body?: unknown, key = ADMIN_KEY) => {
      const response = await fetch(base + route, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    };
    const secrets: string[] = [ADMIN_KEY];
    try {
      await waitFor('the API', async () => (await fetch(`${base}/health/ready`)).ok, 30_000);
      await waitFor('the worker', async () => (await fetch(`http://127.0.0.1:${workerPort}/health/ready`)).ok, 30_000);
      await openCallingWindow(base, ADMIN_KEY);
      await call('PUT', '/v1/lines', { capacity: 4 });
      for (const id of ['ann', 'bob']) {
        await call('PUT', `/v1/agents/${id}`, { name: id, skills: ['sales'], endpoint: `sip:${id}@pbx` });
        await call('POST', `/v1/agents/${id}/session`, { state: 'available' });
      }
      const integrator = await call('POST', '/v1/api-keys', { name: 'crm', role: 'integrator' });
      secrets.push(integrator.body.key);
      const endpoint = await call('POST', '/v1/webhook-endpoints', { url: receiver.url('/logs') });
      secrets.push(endpoint.body.secret);
      const checkSecret = 'call-stop-check-secret-for-logs';
      secrets.push(checkSecret);
      await call('PUT', '/v1/settings', {
        callStopCheck: { url: 'http://127.0.0.1:9/none', secret: checkSecret, onError: 'dial' },
      });
      await call('POST', '/v1/call-stops', { phoneNumber: NUMBERS[0], reason: 'asked' });
      const submitted = await call(
        'POST',
        '/v1/autocalls',
        {
          mode: 'sequential',
          skill: 'sales',
          targets: NUMBERS.slice(0, 8).map((phoneNumber) => ({ phoneNumber })),
          checks: { callStop: true },
        },
        integrator.body.key,
      );
      await call('POST', '/v1/autocalls', {
        mode: 'immediate',
        skill: 'sales',
        targets: [{ phoneNumber: NUMBERS[8] }, { phoneNumber: NUMBERS[9] }],
      });
      await call('POST', '/v1/callbacks', {
        phoneNumber: NUMBERS[10],
        skill: 'sales',
        scheduledAt: new Date(Date.now() + 500).toISOString(),
      });
      // Refused input that carries a number, too.
      await call('POST', '/v1/autocalls', {
        mode: 'sequential',
        skill: 'nope',
        targets: [{ phoneNumber: NUMBERS[11] }],
      });
      await waitFor(
        'the AutoCall to complete',
        async () => (await call('GET', `/v1/autocalls/${submitted.body.id}`)).body.status === 'completed',
        60_000,
      );
      await waitFor('webhooks delivered', async () => receiver.received.length > 10, 30_000);
    } finally {
      await worker.stop();
      await api.stop();
      await receiver.close();
      await dropDatabase(db.name);
    }
    const logs = api.output + worker.output;
    expect(logs.split('\n').length).toBeGreaterThan(50); // debug logs were written: the scan means something
    const digits = (n: string) => n.slice(1);
    for (const number of NUMBERS) expect([number, logs.includes(digits(number))]).toEqual([number, false]);
    for (const secret of secrets)
      expect([secret.slice(0, 12), logs.includes(secret)]).toEqual([secret.slice(0, 12), false]);
    expect(logs).not.toMatch(/whsec_[A-Za-z0-9+/]{10}/);
  });
});

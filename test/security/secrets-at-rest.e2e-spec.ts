import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { Client } from 'pg';
import { bearer, TestTenant } from '../support/api-harness';
import { columnsHolding } from '../support/database-search';
import { EngineHarness, numbers } from '../support/engine-harness';
import { AppProcess, waitFor } from '../support/processes';
import { TEST_SECRETS_KEYS } from '../support/secrets';
import { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

const CHECK_SECRET = 'call-stop-secret-at-rest-0123';

/** A call-stop check endpoint that allows every number and notes whether each request was signed. */
async function checkEndpoint() {
  const requests: { signed: boolean }[] = [];
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const expected = createHmac('sha256', CHECK_SECRET)
      .update(`${req.headers['autocall-timestamp']}.${body}`)
      .digest('base64');
    requests.push({ signed: req.headers['autocall-signature'] === `v1,${expected}` });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ allow: true }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, requests, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/check` };
}

/**
 * Webhook signing secrets and the call-stop check secret are encrypted at rest (SecretBox, under
 * SECRETS_KEYS): not in clear anywhere in PostgreSQL, yet deliveries verify with the
 * `standardwebhooks` package and check requests carry a valid signature; legacy secrets stored in
 * clear still sign until `secrets:rotate` seals them; after a rotation to a new current key, a
 * worker restarted with SECRETS_KEYS=new,old still signs.
 */
describe('secrets at rest', () => {
  let engine: EngineHarness;
  let receiver: WebhookReceiver;
  let check: Awaited<ReturnType<typeof checkEndpoint>>;
  let db: Client;
  let tenant: TestTenant;
  let endpoint: { id: string; secret: string };
  let rotatedSecret: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    check = await checkEndpoint();
    engine = await EngineHarness.start('secrets_at_rest', {
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      WEBHOOK_RETRY_SCHEDULE: '0,200ms,500ms,1s,2s,2s,2s,2s',
      WEBHOOK_TIMEOUT_MS: '1500',
    });
    db = new Client({ connectionString: engine.api.config.get('DATABASE_URL') });
    await db.connect();
    tenant = await engine.tenantWithAgents({ lines: 2, skill: 'sales', agents: 1, prefix: 'sar' });
  });
  afterAll(async () => {
    await db?.end();
    await engine?.stop();
    await receiver?.close();
    check?.server.close();
  });

  const byPath = (path: string) => (h: ReceivedWebhook) => h.path === path;

  /** One AutoCall with the call-stop check on, dialed to its end; its autocall.completed delivery. */
  async function dialOnce(path: string, prefix: string): Promise<ReceivedWebhook> {
    const before = receiver.events(byPath(path)).length;
    const checked = check.requests.length;
    const submitted = await engine.submit(tenant, {
      mode: 'sequential',
      skill: 'sales',
      targets: numbers(1, prefix),
      checks: { callStop: true },
    });
    await engine.finished(tenant, submitted.id);
    const hooks = await waitFor('autocall.completed', async () => {
      const events = receiver.events(byPath(path));
      return events.length > before ? events : undefined;
    });
    // The check was asked for the one number, with a valid signature.
    expect(check.requests.slice(checked)).toEqual([{ signed: true }]);
    return hooks.at(-1)!;
  }

  const rawEndpoint = async (id: string) =>
    (await db.query('SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1', [id])).rows[0] as {
      secret: string;
      previous_secret: string | null;
    };
  const rawCheckSecret = async () =>
    (
      await db.query(
        `SELECT settings #>> '{callStopCheck,secret}' AS secret FROM tenant_settings WHERE tenant_id = $1`,
        [tenant.tenantId],
      )
    ).rows[0].secret as string;
  const clear = (whsec: string) => whsec.slice('whsec_'.length);

  it('stores the secrets sealed, none in clear in any column, and still signs with them', async () => {
    const created = await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(tenant.adminKey))
      .send({ url: receiver.url('/sealed'), eventTypes: ['autocall.completed'] })
      .expect(201);
    endpoint = created.body;
    await engine
      .http()
      .put('/v1/settings')
      .set(bearer(tenant.adminKey))
      .send({ callStopCheck: { url: check.url, timeoutMs: 2_000, onError: 'skip', secret: CHECK_SECRET } })
      .expect(200)
      .expect((r) => expect(r.body.callStopCheck.hasSecret).toBe(true));

    const row = await rawEndpoint(endpoint.id);
    expect(row.secret).toMatch(/^enc:v1:test:/);
    expect(row.secret).not.toContain(clear(endpoint.secret));
    expect(await rawCheckSecret()).toMatch(/^enc:v1:test:/);

    const hook = await dialOnce('/sealed', '+4420');
    expect(WebhookReceiver.verify(endpoint.secret, hook)).toEqual(hook.envelope);

    // Rotated through the API: the previous secret is kept sealed too, and both sign.
    const { body: rotated } = await engine
      .http()
      .post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`)
      .set(bearer(tenant.adminKey))
      .send({})
      .expect(200);
    rotatedSecret = rotated.secret;
    const after = await rawEndpoint(endpoint.id);
    expect(after.secret).toMatch(/^enc:v1:test:/);
    expect(after.previous_secret).toBe(row.secret);
    const both = await dialOnce('/sealed', '+4421');
    expect(both.signature.split(' ')).toHaveLength(2);
    expect(WebhookReceiver.verify(rotatedSecret, both)).toEqual(both.envelope);
    expect(WebhookReceiver.verify(endpoint.secret, both)).toEqual(both.envelope);

    // The scan finds what is there (the endpoint's URL), and none of the secrets nor the key.
    expect(await columnsHolding(db, [receiver.url('/sealed')])).toEqual(['webhook_endpoints.url']);
    const key = TEST_SECRETS_KEYS.split(':')[1];
    expect(await columnsHolding(db, [clear(endpoint.secret), clear(rotatedSecret), CHECK_SECRET, key])).toEqual([]);
  });

  it('signs with legacy secrets in clear, and secrets:rotate seals every one under a new current key', async () => {
    // Secrets written before encryption at rest: in clear.
    const legacy = await engine
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(tenant.adminKey))
      .send({ url: receiver.url('/legacy'), eventTypes: ['autocall.completed'] })
      .expect(201);
    await db.query('UPDATE webhook_endpoints SET secret = $2 WHERE id = $1', [legacy.body.id, legacy.body.secret]);
    await db.query(
      `UPDATE tenant_settings SET settings = jsonb_set(settings, '{callStopCheck,secret}', to_jsonb($2::text))
       WHERE tenant_id = $1`,
      [tenant.tenantId, CHECK_SECRET],
    );
    const legacyHook = await dialOnce('/legacy', '+4422');
    expect(WebhookReceiver.verify(legacy.body.secret, legacyHook)).toEqual(legacyHook.envelope);

    // A new current key; the old one stays in the ring to open what it sealed.
    const keys = `new:${randomBytes(32).toString('base64')},${TEST_SECRETS_KEYS}`;
    const rotate = async () => {
      const cli = AppProcess.spawn('cli', { DATABASE_URL: engine.api.config.get('DATABASE_URL'), SECRETS_KEYS: keys }, [
        'secrets:rotate',
        '--batch',
        '1',
      ]);
      expect(await cli.exited()).toBe(0);
      return JSON.parse(cli.output);
    };
    const counts = { examined: 0, current: 0, resealed: 0, encrypted: 0, changedMeanwhile: 0 };
    // Sealed under "test": the first endpoint's secret and previous one; in clear: the legacy endpoint's.
    expect(await rotate()).toEqual({
      currentKey: 'new',
      webhookEndpoints: { ...counts, examined: 3, resealed: 2, encrypted: 1 },
      callStopChecks: { ...counts, examined: 1, encrypted: 1 },
    });
    for (const id of [endpoint.id, legacy.body.id]) {
      const row = await rawEndpoint(id);
      expect(row.secret).toMatch(/^enc:v1:new:/);
      if (row.previous_secret !== null) expect(row.previous_secret).toMatch(/^enc:v1:new:/);
    }
    expect(await rawCheckSecret()).toMatch(/^enc:v1:new:/);
    // Idempotent: a second run finds them all current.
    expect(await rotate()).toEqual({
      currentKey: 'new',
      webhookEndpoints: { ...counts, examined: 3, current: 3 },
      callStopChecks: { ...counts, examined: 1, current: 1 },
    });
    expect(
      await columnsHolding(db, [clear(endpoint.secret), clear(rotatedSecret), clear(legacy.body.secret), CHECK_SECRET]),
    ).toEqual([]);

    // The worker restarted with SECRETS_KEYS=new,test: deliveries and checks still signed.
    await engine.workers[0].stop();
    engine.workers.splice(0, 1);
    await engine.startWorker({ SECRETS_KEYS: keys });
    const afterRotation = await dialOnce('/legacy', '+4423');
    expect(WebhookReceiver.verify(legacy.body.secret, afterRotation)).toEqual(afterRotation.envelope);
    const sealedAfter = await dialOnce('/sealed', '+4424');
    expect(WebhookReceiver.verify(rotatedSecret, sealedAfter)).toEqual(sealedAfter.envelope);
    expect(WebhookReceiver.verify(endpoint.secret, sealedAfter)).toEqual(sealedAfter.envelope);
  });
});

import http from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { PrismaService } from '../../libs/database/src';
import { RedisService } from '../../libs/redis/src';
import { ApiHarness, bearer, TestTenant } from '../support/api-harness';
import { freePort, waitFor } from '../support/processes';

const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

/** A live dashboard stream read over plain HTTP, event by event. */
class Stream {
  readonly events: string[] = [];
  ended = false;

  private constructor(private readonly request: http.ClientRequest) {}

  static open(base: string, key: string): Promise<Stream> {
    return new Promise((resolve, reject) => {
      const request = http.get(`${base}/admin/dashboard/stream`, { headers: { Authorization: basic(key) } });
      const stream = new Stream(request);
      request.on('error', reject);
      request.on('response', (response) => {
        if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`));
        let buffered = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffered += chunk;
          const blocks = buffered.split('\n\n');
          buffered = blocks.pop() ?? '';
          for (const block of blocks) stream.events.push(/^event: (\w+)/.exec(block)?.[1] ?? '?');
        });
        response.on('end', () => (stream.ended = true));
        resolve(stream);
      });
    });
  }

  count(event: string): number {
    return this.events.filter((e) => e === event).length;
  }

  close(): void {
    this.request.destroy();
  }
}

/**
 * The live dashboard's stream ends when the key that opened it is revoked: on the replica that
 * revoked it and on any other, when the revocation is announced over Redis, and also when that
 * announcement is lost (each push checks the key in PostgreSQL first). Other streams go on.
 */
describe('a dashboard stream whose key is revoked', () => {
  let api: ApiHarness;
  let replica: INestApplication;
  let tenant: TestTenant;
  let base: string;
  let replicaBase: string;
  const streams: Stream[] = [];

  beforeAll(async () => {
    api = await ApiHarness.start('dashboard_stream');
    tenant = await api.createTenant('acme');
    const [port, replicaPort] = [await freePort(), await freePort()];
    await api.app.listen(port, '127.0.0.1');
    replica = await api.replica();
    await replica.listen(replicaPort, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    replicaBase = `http://127.0.0.1:${replicaPort}`;
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await replica?.close();
    await api.stop();
  });

  const open = async (where: string, key: string) => {
    const stream = await Stream.open(where, key);
    streams.push(stream);
    await waitFor('the first snapshot', async () => stream.count('snapshot') > 0);
    return stream;
  };
  const supervisorKey = async () => {
    const { body } = await api
      .http()
      .post('/v1/api-keys')
      .set(bearer(tenant.adminKey))
      .send({ name: 'wallboard', role: 'supervisor' })
      .expect(201);
    return { key: body.key as string, id: body.id as string };
  };

  it('closes on another replica when the key is revoked, and the key opens no new stream', async () => {
    const supervisor = await supervisorKey();
    const stream = await open(replicaBase, supervisor.key);
    const other = await open(replicaBase, tenant.adminKey);

    await api.http().delete(`/v1/api-keys/${supervisor.id}`).set(bearer(tenant.adminKey)).expect(204);
    await waitFor('the stream to end', async () => stream.ended);
    expect(stream.events.at(-1)).toBe('revoked');

    // The admin's stream goes on.
    const pushed = other.count('snapshot');
    await waitFor('another snapshot on the admin stream', async () => other.count('snapshot') > pushed);
    expect(other.ended).toBe(false);
    await expect(Stream.open(base, supervisor.key)).rejects.toThrow('stream answered 401');
  });

  it('closes when the revocation is announced, before any check of its own', async () => {
    const supervisor = await supervisorKey();
    const stream = await open(base, supervisor.key);
    // Another replica's announcement (the key itself is still valid in PostgreSQL).
    const redis = api.app.get(RedisService);
    await redis.client.publish(
      redis.keys.apiKeyRevokedChannel(),
      JSON.stringify({ tenantId: tenant.tenantId, keyId: supervisor.id }),
    );
    await waitFor('the stream to end', async () => stream.ended);
    expect(stream.events.at(-1)).toBe('revoked');
  });

  it('closes when the announcement is lost, at its next push', async () => {
    const supervisor = await supervisorKey();
    const stream = await open(replicaBase, supervisor.key);
    // Revoked in PostgreSQL only: no message on Redis.
    await api.app.get(PrismaService).apiKey.update({ where: { id: supervisor.id }, data: { revokedAt: new Date() } });
    await waitFor('the stream to end', async () => stream.ended);
    expect(stream.events.at(-1)).toBe('revoked');
  });
});

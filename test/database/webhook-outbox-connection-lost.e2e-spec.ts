import { Client, PoolClient } from 'pg';
import type { AppConfig } from '../../libs/config/src';
import type { SecretBox } from '../../libs/secrets/src';
import { WebhookOutbox } from '../../libs/webhooks/src/webhook-outbox';
import { createSuiteDatabase, dropDatabase } from '../support/databases';

/**
 * The outbox's claim holds one connection across several statements. A connection cut between two
 * of them (pg_terminate_backend, a proxy's restart) reaches `pg` when no query is running, as an
 * 'error' event on the client: one CI run saw it end a worker, since nothing listened. The claim
 * now fails like any statement, and the next one runs on a new connection.
 */
describe('the webhook outbox when its connection is cut between statements', () => {
  let db: { name: string; url: string };
  let admin: Client;
  let outbox: WebhookOutbox;

  beforeAll(async () => {
    db = await createSuiteDatabase('outbox_connection_lost');
    admin = new Client({ connectionString: db.url });
    await admin.connect();
    outbox = new WebhookOutbox({ get: () => db.url } as unknown as AppConfig, {} as SecretBox);
  });
  afterAll(async () => {
    await outbox.onApplicationShutdown();
    await admin.end();
    await dropDatabase(db.name);
  });

  it('fails that claim without an unhandled error, and claims again on a new connection', async () => {
    const connect = outbox.pool.connect.bind(outbox.pool) as () => Promise<PoolClient>;
    const cut: number[] = [];
    // The first connection handed to a claim is terminated right after its BEGIN, and the claim
    // goes on only once the client has seen its connection end.
    (outbox.pool as { connect: () => Promise<PoolClient> }).connect = async () => {
      const client = await connect();
      if (cut.length) return client;
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      cut.push(rows[0].pid);
      const query = client.query.bind(client) as (sql: string) => Promise<unknown>;
      (client as unknown as { query: (sql: string) => Promise<unknown> }).query = async (sql: string) => {
        const result = await query(sql);
        if (sql === 'BEGIN') {
          const ended = new Promise((resolve) => client.once('end', resolve));
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
          await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2_000))]);
        }
        return result;
      };
      return client;
    };

    await expect(outbox.claimNew(10)).rejects.toThrow();
    expect(cut).toHaveLength(1);
    await expect(outbox.claimNew(10)).resolves.toEqual([]);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [cut[0]]);
    expect(rows[0].n).toBe(0);
  });
});

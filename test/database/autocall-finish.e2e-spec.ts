import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createSuiteDatabase, dropDatabase } from '../support/databases';

/**
 * An AutoCall is finished by the statement that ends its last open target (migration
 * autocall_finished_by_its_last_target): it counts its open targets, and the count's row lock
 * orders targets ending at once, so exactly one statement takes it to zero. Written directly, from
 * many connections at once, as the engine's workers would.
 */
describe('an AutoCall finished by its last target', () => {
  let db: { name: string; url: string };
  let client: Client;

  beforeAll(async () => {
    db = await createSuiteDatabase('autocall_finish');
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await dropDatabase(db.name);
  });

  /** An AutoCall whose targets are stored in one statement, `open` of them pending and `done` skipped. */
  async function autocallWith(open: number, done = 0, status = 'active') {
    const tenantId = randomUUID();
    const autocallId = randomUUID();
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'finish')`, [tenantId]);
    await client.query(
      `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count, status)
       VALUES ($1, $2, 'sequential', 'sales', '{}', 30, '{}', $3, $4::autocall_status)`,
      [autocallId, tenantId, open + done, status],
    );
    await client.query(
      `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
       SELECT gen_random_uuid(), $1, $2, n, '+441632960000', CASE WHEN n < $3 THEN 'pending' ELSE 'skipped' END::target_status
       FROM generate_series(0, $4 - 1) n`,
      [tenantId, autocallId, open, open + done],
    );
    const ids = (
      await client.query(`SELECT id FROM targets WHERE autocall_id = $1 AND status = 'pending'`, [autocallId])
    ).rows.map((r) => r.id as string);
    return { autocallId, ids };
  }
  const autocall = async (id: string) =>
    (await client.query(`SELECT status::text, open_targets, completed_at FROM autocalls WHERE id = $1`, [id])).rows[0];

  it('counts the open targets stored, and finishes when the last one ends, not before', async () => {
    const { autocallId, ids } = await autocallWith(3, 2);
    expect(await autocall(autocallId)).toMatchObject({ status: 'active', open_targets: 3, completed_at: null });
    await client.query(`UPDATE targets SET status = 'dialing' WHERE id = $1`, [ids[0]]);
    await client.query(`UPDATE targets SET status = 'no_answer' WHERE id = $1`, [ids[0]]);
    await client.query(`UPDATE targets SET status = 'busy' WHERE id = $1`, [ids[1]]);
    expect(await autocall(autocallId)).toMatchObject({ status: 'active', open_targets: 1, completed_at: null });
    await client.query(`UPDATE targets SET status = 'cancelled' WHERE id = $1`, [ids[2]]);
    const finished = await autocall(autocallId);
    expect(finished).toMatchObject({ status: 'completed', open_targets: 0 });
    expect(finished.completed_at).not.toBeNull();
  });

  it('keeps a cancelled AutoCall cancelled when its last target ends', async () => {
    const { autocallId, ids } = await autocallWith(1, 0, 'cancelled');
    await client.query(`UPDATE targets SET status = 'cancelled' WHERE id = $1`, [ids[0]]);
    expect(await autocall(autocallId)).toMatchObject({ status: 'cancelled', open_targets: 0 });
  });

  it('is finished exactly once when its targets end at the same time, from many connections', async () => {
    const { autocallId, ids } = await autocallWith(40);
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const c = new Client({ connectionString: db.url });
        await c.connect();
        return c;
      }),
    );
    try {
      // Each connection ends its share of the targets, one statement after the other; the eight
      // connections at once.
      await Promise.all(
        clients.map(async (c, k) => {
          for (const id of ids.filter((_, i) => i % clients.length === k))
            await c.query(`UPDATE targets SET status = 'failed' WHERE id = $1`, [id]);
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    expect(await autocall(autocallId)).toMatchObject({ status: 'completed', open_targets: 0 });
    // A status change that ends nothing (a terminal target touched again) changes no count.
    await client.query(`UPDATE targets SET reason = 'again' WHERE id = $1`, [ids[0]]);
    expect((await autocall(autocallId)).open_targets).toBe(0);
  });
});

import { Client } from 'pg';
import { CONTACT_STATUSES, contactSourcesOf } from '../../libs/dialing/src/contact-lifecycle';
import { OPEN_TARGET_STATUSES, TARGET_STATUSES, TERMINAL_STATUSES } from '../../libs/dialing/src/target-status';
import { AGENT_STATES } from '../../libs/agents/src/agent-state';
import { createSuiteDatabase, dropDatabase } from '../support/databases';

/**
 * The state machines live in TypeScript; PostgreSQL repeats their statuses in its enums and in
 * the triggers that act on terminal targets (webhooks, callbacks). A status added on one side only
 * would be accepted by one and silently ignored by the other: this keeps them equal.
 */
describe('the status lists PostgreSQL keeps', () => {
  let db: { name: string; url: string };
  let client: Client;

  beforeAll(async () => {
    db = await createSuiteDatabase('status_lists');
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await dropDatabase(db.name);
  });

  const enumValues = async (type: string) =>
    (
      await client.query<{ v: string }>(
        `SELECT e.enumlabel AS v FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
         WHERE t.typname = $1 ORDER BY e.enumsortorder`,
        [type],
      )
    ).rows.map((r) => r.v);

  it('has the enums of the state machines, in their order', async () => {
    expect(await enumValues('target_status')).toEqual([...TARGET_STATUSES]);
    expect(await enumValues('contact_status')).toEqual([...CONTACT_STATUSES]);
    expect(await enumValues('agent_state')).toEqual([...AGENT_STATES]);
  });

  it.each(['webhook_on_target_events', 'callbacks_follow_targets'])(
    'names exactly the terminal target statuses in the trigger function %s, or in its trigger',
    async (fn) => {
      // A trigger's WHEN is stored as `to_status = ANY (ARRAY[...])`.
      const { rows } = await client.query<{ def: string }>(
        `SELECT pg_get_functiondef($1::regproc) || coalesce(string_agg(pg_get_triggerdef(t.oid), ' '), '') AS def
         FROM pg_trigger t WHERE t.tgfoid = $1::regproc`,
        [fn],
      );
      const lists = [
        ...rows[0].def.matchAll(/to_status\s+IN\s*\(([^)]*)\)|to_status\s*=\s*ANY\s*\(ARRAY\[([^\]]*)\]/gi),
      ].map((m) => [...(m[1] ?? m[2]).matchAll(/'([a-z_]+)'/g)].map((v) => v[1]).sort());
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) expect(list).toEqual([...TERMINAL_STATUSES].sort());
    },
  );

  it.each(['targets_count_open_inserted', 'targets_count_open_ended'])(
    'names exactly the open target statuses in the trigger function %s',
    async (fn) => {
      const { rows } = await client.query<{ def: string }>('SELECT pg_get_functiondef($1::regproc) AS def', [fn]);
      const lists = [...rows[0].def.matchAll(/status\s+(?:NOT\s+)?IN\s*\(([^)]*)\)/gi)].map((m) =>
        [...m[1].matchAll(/'([a-z_]+)'/g)].map((v) => v[1]).sort(),
      );
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) expect(list).toEqual([...OPEN_TARGET_STATUSES].sort());
    },
  );

  it('names exactly the contact statuses before an answer in agents_leaving_free_dial_reservations', async () => {
    const { rows } = await client.query<{ def: string }>(
      "SELECT pg_get_functiondef('agents_leaving_free_dial_reservations'::regproc) AS def",
    );
    const lists = [...rows[0].def.matchAll(/status\s+IN\s*\(([^)]*)\)/gi)].map((m) =>
      [...m[1].matchAll(/'([a-z_]+)'/g)].map((v) => v[1]),
    );
    expect(lists).toEqual([contactSourcesOf('answered')]);
  });
});

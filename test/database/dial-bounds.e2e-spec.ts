import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { boundRefusalOf } from '../../libs/dialing/src/dial-bounds';
import { createSuiteDatabase, dropDatabase } from '../support/databases';

/**
 * The line and agent bounds are PostgreSQL's to decide (migration
 * lines_and_agents_decided_in_postgres): whatever Redis's admission cache says, a contact is
 * stored only with a free line of its tenant, and an agent becomes the agent of a contact only
 * while available and the agent of no other live contact. These tests write the rows directly, as
 * a buggy or stale caller would, and from many connections at once.
 */
describe('the dial bounds PostgreSQL keeps', () => {
  let db: { name: string; url: string };
  let client: Client;

  beforeAll(async () => {
    db = await createSuiteDatabase('dial_bounds');
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await dropDatabase(db.name);
  });

  interface Tenant {
    id: string;
    autocallId: string;
  }

  async function tenantWith(lines: number, lineReserve = 0): Promise<Tenant> {
    const id = randomUUID();
    const autocallId = randomUUID();
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'bounds')`, [id]);
    await client.query(`INSERT INTO line_settings (tenant_id, capacity) VALUES ($1, $2)`, [id, lines]);
    await client.query(
      `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count)
       VALUES ($1, $2, 'sequential', 'sales', $3, 30, '{}', 0)`,
      [autocallId, id, JSON.stringify({ freeLines: { reserve: lineReserve }, freeAgents: null, callStop: false })],
    );
    return { id, autocallId };
  }

  let position = 0;
  /** Stores a live contact (with its target) as a dial would; the error PostgreSQL raised, if any. */
  async function dial(tenant: Tenant, agentId: string | null = null, via: Client = client): Promise<string> {
    const targetId = randomUUID();
    const contactId = randomUUID();
    await via.query(
      `WITH t AS (INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
                  VALUES ($1, $2, $3, $4, '+441632960000', 'dialing') RETURNING id)
       INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, agent_id)
       SELECT $5, $2, $3, id, 1, 'sales', '+441632960000', $6 FROM t`,
      [targetId, tenant.id, tenant.autocallId, (position += 1), contactId, agentId],
    );
    return contactId;
  }

  async function refusalOf(attempt: Promise<unknown>): Promise<string | null> {
    try {
      await attempt;
      return null;
    } catch (error) {
      return boundRefusalOf(error) ?? `unexpected: ${(error as Error).message}`;
    }
  }

  const end = (contactId: string) => client.query(`UPDATE contacts SET status = 'ended' WHERE id = $1`, [contactId]);
  const outboundInUse = async (tenant: Tenant) =>
    Number((await client.query(`SELECT outbound_in_use($1) AS n`, [tenant.id])).rows[0].n);

  describe('lines', () => {
    it('stores a contact only while its tenant has a free line, and counts the live ones', async () => {
      const tenant = await tenantWith(2);
      const first = await dial(tenant);
      await dial(tenant);
      expect(await refusalOf(dial(tenant))).toBe('no_free_line');
      expect(await outboundInUse(tenant)).toBe(2);

      await end(first);
      expect(await outboundInUse(tenant)).toBe(1);
      const third = await dial(tenant);
      expect(await outboundInUse(tenant)).toBe(2);

      // Deleting a live contact gives its line back too; an ended one had already.
      await client.query(`DELETE FROM contacts WHERE id = $1`, [third]);
      await client.query(`DELETE FROM contacts WHERE id = $1`, [first]);
      expect(await outboundInUse(tenant)).toBe(1);
    });

    it('counts an end once it has committed, and neither a dial nor an end waits for the other', async () => {
      const tenant = await tenantWith(2);
      const [first, second] = [await dial(tenant), await dial(tenant)];
      const ending = new Client({ connectionString: db.url });
      const dialing = new Client({ connectionString: db.url });
      await Promise.all([ending.connect(), dialing.connect()]);
      try {
        // An end half-way through its transaction: its line is not free yet, and a dial is refused
        // at once (it does not wait for the end to decide).
        await ending.query('BEGIN');
        await ending.query(`UPDATE contacts SET status = 'ended' WHERE id = $1`, [first]);
        expect(await refusalOf(dial(tenant))).toBe('no_free_line');
        // A dial half-way through its transaction holds the line row: another end goes through.
        await ending.query('COMMIT');
        await dialing.query('BEGIN');
        await dial(tenant, null, dialing);
        await end(second);
        await dialing.query('COMMIT');
        expect(await outboundInUse(tenant)).toBe(1);
      } finally {
        await Promise.all([ending.end(), dialing.end()]);
      }
    });

    it("counts ends on their connection's stripe: ends on two connections do not wait for each other, and every end is counted", async () => {
      const tenant = await tenantWith(40);
      const contacts = [];
      for (let i = 0; i < 40; i += 1) contacts.push(await dial(tenant));
      expect(await refusalOf(dial(tenant))).toBe('no_free_line');
      const stripeOf = async (c: Client) => Number((await c.query('SELECT line_frees_stripe() AS s')).rows[0].s);
      // Connections until two count their ends on different stripes (a pid modulo 16).
      const connections: Client[] = [];
      const open = async () => {
        const c = new Client({ connectionString: db.url });
        await c.connect();
        connections.push(c);
        return c;
      };
      try {
        const ending = await open();
        const endingStripe = await stripeOf(ending);
        let other = await open();
        while ((await stripeOf(other)) === endingStripe) other = await open();
        // An end half-way through its transaction holds its stripe; an end on another stripe goes
        // through at once (NOWAIT would fail it otherwise).
        await ending.query('BEGIN');
        await ending.query(`UPDATE contacts SET status = 'ended' WHERE id = $1`, [contacts[0]]);
        await other.query('BEGIN');
        await other.query(`SET LOCAL lock_timeout = '1s'`);
        await other.query(`UPDATE contacts SET status = 'ended' WHERE id = $1`, [contacts[1]]);
        await other.query('COMMIT');
        await ending.query('COMMIT');
        // Every end counts, whichever stripe it landed on: ends from all those connections free
        // exactly their lines, and the tenant dials exactly that many again.
        const enders = connections.length;
        await Promise.all(
          contacts
            .slice(2, 30)
            .map((id, i) => connections[i % enders].query(`UPDATE contacts SET status = 'ended' WHERE id = $1`, [id])),
        );
        const stripes = await client.query(
          `SELECT count(*)::int AS n FROM line_frees WHERE tenant_id = $1 AND outbound_freed > 0`,
          [tenant.id],
        );
        expect(stripes.rows[0].n).toBeGreaterThanOrEqual(2);
        expect(await outboundInUse(tenant)).toBe(10);
        for (let i = 0; i < 30; i += 1) await dial(tenant);
        expect(await refusalOf(dial(tenant))).toBe('no_free_line');
      } finally {
        await Promise.all(connections.map((c) => c.end()));
      }
    });

    it("keeps the AutoCall's line reserve free", async () => {
      const tenant = await tenantWith(3, 1);
      await dial(tenant);
      await dial(tenant);
      expect(await refusalOf(dial(tenant))).toBe('no_free_line');
    });

    it("counts the reported inbound calls until PostgreSQL's clock passes the report's end", async () => {
      const tenant = await tenantWith(2);
      await client.query(
        `UPDATE line_settings SET inbound_in_use = 1, inbound_until = now() + interval '1 hour' WHERE tenant_id = $1`,
        [tenant.id],
      );
      await dial(tenant);
      expect(await refusalOf(dial(tenant))).toBe('no_free_line');

      await client.query(`UPDATE line_settings SET inbound_until = now() - interval '1 second' WHERE tenant_id = $1`, [
        tenant.id,
      ]);
      expect(await refusalOf(dial(tenant))).toBeNull();
    });

    it('never stores more live contacts than lines, however many dial at once', async () => {
      const tenant = await tenantWith(5);
      const clients = await Promise.all(
        Array.from({ length: 24 }, async () => {
          const c = new Client({ connectionString: db.url });
          await c.connect();
          return c;
        }),
      );
      try {
        const outcomes = await Promise.all(clients.map((c) => refusalOf(dial(tenant, null, c))));
        expect(outcomes.filter((o) => o === null)).toHaveLength(5);
        expect(outcomes.filter((o) => o === 'no_free_line')).toHaveLength(19);
        const { rows } = await client.query(
          `SELECT count(*)::int AS live FROM contacts WHERE tenant_id = $1 AND status <> 'ended'`,
          [tenant.id],
        );
        expect(rows[0].live).toBe(5);
        expect(await outboundInUse(tenant)).toBe(5);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });
  });

  describe('agents', () => {
    async function agent(tenant: Tenant, state: string): Promise<string> {
      const id = `agent-${randomUUID().slice(0, 8)}`;
      await client.query(
        `INSERT INTO agents (tenant_id, id, name, skills, endpoint, state)
         VALUES ($1, $2, 'Agent', '{sales}', 'sip:agent@example.test', $3)`,
        [tenant.id, id, state],
      );
      return id;
    }
    const assign = (contactId: string, agentId: string, via: Client = client) =>
      via.query(`UPDATE contacts SET agent_id = $2 WHERE id = $1`, [contactId, agentId]);

    it('makes an available agent the agent of one live contact at most', async () => {
      const tenant = await tenantWith(10);
      const alice = await agent(tenant, 'available');
      const first = await dial(tenant, alice);
      expect(await refusalOf(dial(tenant, alice))).toBe('agent_taken');
      const second = await dial(tenant);
      expect(await refusalOf(assign(second, alice))).toBe('agent_taken');
      // Naming the contact's own agent again is no new assignment.
      expect(await refusalOf(assign(first, alice))).toBeNull();

      await end(first);
      expect(await refusalOf(assign(second, alice))).toBeNull();
    });

    it('refuses an agent who is not available', async () => {
      const tenant = await tenantWith(10);
      for (const state of ['unavailable', 'on_call', 'wrap_up', 'logged_out']) {
        const bob = await agent(tenant, state);
        expect(await refusalOf(dial(tenant, bob))).toBe('agent_taken');
        const contact = await dial(tenant);
        expect(await refusalOf(assign(contact, bob))).toBe('agent_taken');
      }
      expect(await refusalOf(dial(tenant, 'nobody'))).toBe('agent_taken');
    });

    it('puts an agent on one of many contacts bridged to them at once', async () => {
      const tenant = await tenantWith(30);
      const carol = await agent(tenant, 'available');
      const contacts: string[] = [];
      for (let i = 0; i < 16; i += 1) contacts.push(await dial(tenant));
      const clients = await Promise.all(
        contacts.map(async () => {
          const c = new Client({ connectionString: db.url });
          await c.connect();
          return c;
        }),
      );
      try {
        const outcomes = await Promise.all(contacts.map((id, i) => refusalOf(assign(id, carol, clients[i]))));
        expect(outcomes.filter((o) => o === null)).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'agent_taken')).toHaveLength(15);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });

    it('orders an assignment after the agent leaving availability: the agent is then refused', async () => {
      const tenant = await tenantWith(10);
      const dave = await agent(tenant, 'available');
      const contact = await dial(tenant);
      const other = new Client({ connectionString: db.url });
      await other.connect();
      try {
        // The agent's state change holds the agent's row (as agent-sessions does) while a bridge
        // tries to assign them: the bridge waits, then sees the new state.
        await other.query('BEGIN');
        await other.query(`SELECT 1 FROM agents WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenant.id, dave]);
        const bridged = refusalOf(assign(contact, dave));
        await other.query(`UPDATE agents SET state = 'unavailable' WHERE tenant_id = $1 AND id = $2`, [
          tenant.id,
          dave,
        ]);
        await other.query('COMMIT');
        expect(await bridged).toBe('agent_taken');
      } finally {
        await other.end();
      }
    });
  });

  describe('trunks', () => {
    let trunkRank = 0;
    async function trunk(tenant: Tenant, t: { channels: number; cps: number; priority: number; callerIds?: string[] }) {
      const id = randomUUID();
      await client.query(
        `INSERT INTO trunks (id, tenant_id, name, target, channels, calls_per_second, priority, caller_ids)
         VALUES ($1, $2, $3, 'carrier.example', $4, $5, $6, $7)`,
        [id, tenant.id, `trunk-${(trunkRank += 1)}`, t.channels, t.cps, t.priority, t.callerIds ?? []],
      );
      return id;
    }
    const trunkOf = async (contactId: string) =>
      (await client.query(`SELECT trunk_id FROM contacts WHERE id = $1`, [contactId])).rows[0].trunk_id as
        string | null;
    const channelsInUse = async (trunkId: string) =>
      (await client.query(`SELECT channels_in_use FROM trunks WHERE id = $1`, [trunkId])).rows[0]
        .channels_in_use as number;

    it('takes the first trunk by priority with a free channel; the tenant’s lines stay the overall cap', async () => {
      const tenant = await tenantWith(4);
      const second = await trunk(tenant, { channels: 3, cps: 100, priority: 2 });
      const first = await trunk(tenant, { channels: 2, cps: 100, priority: 1 });
      const dialed = [await dial(tenant), await dial(tenant), await dial(tenant), await dial(tenant)];
      expect(await Promise.all(dialed.map(trunkOf))).toEqual([first, first, second, second]);
      // Four lines, five channels: the line bound refuses first.
      expect(await refusalOf(dial(tenant))).toBe('no_free_line');
      await client.query(`UPDATE line_settings SET capacity = 10 WHERE tenant_id = $1`, [tenant.id]);
      expect(await trunkOf(await dial(tenant))).toBe(second);
      expect(await refusalOf(dial(tenant))).toBe('no_free_trunk');

      // An end frees the channel of its trunk (and its line); a deleted live contact too.
      await end(dialed[0]);
      expect(await channelsInUse(first)).toBe(1);
      const again = await dial(tenant);
      expect(await trunkOf(again)).toBe(first);
      await client.query(`DELETE FROM contacts WHERE id = $1`, [again]);
      expect([await channelsInUse(first), await channelsInUse(second)]).toEqual([1, 3]);
      expect(await outboundInUse(tenant)).toBe(4);
    });

    it('skips a paused trunk and one whose caller ids do not allow the dial', async () => {
      const tenant = await tenantWith(10);
      const paused = await trunk(tenant, { channels: 5, cps: 100, priority: 1 });
      const restricted = await trunk(tenant, { channels: 5, cps: 100, priority: 2, callerIds: ['+15550001'] });
      const open = await trunk(tenant, { channels: 5, cps: 100, priority: 3 });
      await client.query(`UPDATE trunks SET paused_until = now() + interval '1 hour' WHERE id = $1`, [paused]);
      const contactId = randomUUID();
      const targetId = randomUUID();
      await client.query(
        `WITH t AS (INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
                    VALUES ($1, $2, $3, $4, '+441632960000', 'dialing') RETURNING id)
         INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, caller_id)
         SELECT $5, $2, $3, id, 1, 'sales', '+441632960000', '+15559999' FROM t`,
        [targetId, tenant.id, tenant.autocallId, (position += 1), contactId],
      );
      expect(await trunkOf(contactId)).toBe(open);
      // No caller id named: the restricted trunk presents its own.
      expect(await trunkOf(await dial(tenant))).toBe(restricted);
      await client.query(`UPDATE trunks SET paused_until = now() - interval '1 second' WHERE id = $1`, [paused]);
      expect(await trunkOf(await dial(tenant))).toBe(paused);
    });

    it('never starts more than calls_per_second dials on a trunk in any sliding second, however many dial at once', async () => {
      const tenant = await tenantWith(1_000);
      const limited = await trunk(tenant, { channels: 1_000, cps: 3, priority: 1 });
      const clients = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const c = new Client({ connectionString: db.url });
          await c.connect();
          return c;
        }),
      );
      try {
        // Eight connections dial as fast as they can until PostgreSQL has let twelve through.
        let stored = 0;
        let refused = 0;
        await Promise.all(
          clients.map(async (c) => {
            while (stored < 12) {
              const refusal = await refusalOf(dial(tenant, null, c));
              if (refusal === null) stored += 1;
              else if (refusal === 'no_free_trunk') refused += 1;
              else throw new Error(refusal);
            }
          }),
        );
        expect(refused).toBeGreaterThan(0);
        const { rows } = await client.query(`SELECT created_at FROM contacts WHERE trunk_id = $1 ORDER BY created_at`, [
          limited,
        ]);
        const starts = rows.map((r: { created_at: Date }) => r.created_at.getTime());
        expect(starts.length).toBeGreaterThanOrEqual(12);
        // Any window of one second (here: from each start) holds at most three starts.
        for (const [i, from] of starts.entries())
          expect(starts.slice(i).filter((t: number) => t < from + 1_000).length).toBeLessThanOrEqual(3);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });

    it('never holds more channels than a trunk has, nor more lines than the tenant, across trunks at once', async () => {
      const tenant = await tenantWith(7);
      const a = await trunk(tenant, { channels: 4, cps: 1_000, priority: 1 });
      const b = await trunk(tenant, { channels: 4, cps: 1_000, priority: 2 });
      const clients = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const c = new Client({ connectionString: db.url });
          await c.connect();
          return c;
        }),
      );
      try {
        const outcomes = await Promise.all(clients.map((c) => refusalOf(dial(tenant, null, c))));
        expect(outcomes.filter((o) => o === null)).toHaveLength(7);
        const { rows } = await client.query(
          `SELECT trunk_id, count(*)::int AS live FROM contacts WHERE tenant_id = $1 AND status <> 'ended'
           GROUP BY trunk_id ORDER BY trunk_id = $2 DESC`,
          [tenant.id, a],
        );
        expect(rows).toEqual([
          { trunk_id: a, live: 4 },
          { trunk_id: b, live: 3 },
        ]);
        expect([await channelsInUse(a), await channelsInUse(b)]).toEqual([4, 3]);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });

    it('says when a trunk may have room again: a pause ending, a call-rate token back; never for busy channels', async () => {
      const tenant = await tenantWith(10);
      const roomIn = async () =>
        (await client.query(`SELECT trunk_room_in_ms($1) AS ms`, [tenant.id])).rows[0].ms as number | null;
      const id = await trunk(tenant, { channels: 2, cps: 1, priority: 1 });
      expect(await roomIn()).toBe(0);
      await dial(tenant);
      // The call-rate token comes back within the window (1.5 s after the start).
      const token = await roomIn();
      expect(token).toBeGreaterThan(0);
      expect(token).toBeLessThanOrEqual(1_500);
      await client.query(`UPDATE trunks SET paused_until = now() + interval '30 seconds' WHERE id = $1`, [id]);
      expect(await roomIn()).toBeGreaterThan(28_000);
      await client.query(`UPDATE trunks SET paused_until = NULL, channels = 1 WHERE id = $1`, [id]);
      // Every channel busy: only a call's end makes room (and wakes the pools itself).
      expect(await roomIn()).toBeNull();
    });

    it('dials a tenant with no trunk through the default trunk (no trunk_id), unless it is paused', async () => {
      const tenant = await tenantWith(3);
      expect(await trunkOf(await dial(tenant))).toBeNull();
      await client.query(
        `UPDATE line_settings SET default_trunk_paused_until = now() + interval '1 hour' WHERE tenant_id = $1`,
        [tenant.id],
      );
      expect(await refusalOf(dial(tenant))).toBe('no_free_trunk');
      expect(await outboundInUse(tenant)).toBe(1);
    });
  });
});

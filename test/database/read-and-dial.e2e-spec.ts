import { randomUUID } from 'node:crypto';
import { boundRefusalOf } from '../../libs/dialing/src';
import { callRecordsSuite } from '../support/call-records-suite';

/**
 * A held target whose guards were judged before it was read (from the zones its job carries) is
 * read and dialed in one statement (CallRecords.readAndDial): dialed only if the read finds it
 * dialable, and otherwise read as it is, with nothing written, for the dispatcher to decide as
 * after any read.
 */
describe('a held target read and dialed in one statement', () => {
  const suite = callRecordsSuite('read_and_dial');
  const NUMBER = '+441632960001';

  async function heldTarget(options: { lines?: number; attempts?: number } = {}) {
    const [tenantId, autocallId, targetId] = [randomUUID(), randomUUID(), randomUUID()];
    await suite.client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'held')`, [tenantId]);
    await suite.client.query(`INSERT INTO line_settings (tenant_id, capacity) VALUES ($1, $2)`, [
      tenantId,
      options.lines ?? 2,
    ]);
    await suite.client.query(
      `INSERT INTO autocalls (id, tenant_id, mode, skill, checks, ring_timeout_seconds, retry, target_count, caller_id)
       VALUES ($1, $2, 'sequential', 'sales', '{"freeLines":{"reserve":0},"freeAgents":null,"callStop":false}', 30,
               '{}', 1, '+441632960999')`,
      [autocallId, tenantId],
    );
    await suite.client.query(
      `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status, attempts)
       VALUES ($1, $2, $3, 0, $4, 'pending', $5)`,
      [targetId, tenantId, autocallId, NUMBER, options.attempts ?? 0],
    );
    return { tenantId, autocallId, targetId };
  }
  type Held = Awaited<ReturnType<typeof heldTarget>>;

  const dialOf = (held: Held, contactId = randomUUID()) => ({
    contactId,
    autocallId: held.autocallId,
    skill: 'sales',
    agentId: null,
    placedBy: 'worker-a',
  });
  const written = async (held: Held) => {
    const target = await suite.client.query(`SELECT status::text, attempts FROM targets WHERE id = $1`, [
      held.targetId,
    ]);
    const contacts = await suite.client.query(
      `SELECT c.id, c.status::text, c.attempt, c.phone_number, c.caller_id, c.placed_by,
              (SELECT count(*)::int FROM contact_events e WHERE e.contact_id = c.id) AS events
       FROM contacts c WHERE c.target_id = $1`,
      [held.targetId],
    );
    const targetEvents = await suite.client.query(`SELECT to_status::text FROM target_events WHERE target_id = $1`, [
      held.targetId,
    ]);
    return {
      target: target.rows[0],
      contacts: contacts.rows,
      targetEvents: targetEvents.rows.map((r) => r.to_status),
    };
  };

  it('dials a pending target of an active AutoCall: its contact takes the number and caller id from the read', async () => {
    const held = await heldTarget({ attempts: 2 });
    const dial = dialOf(held);

    const { candidate, dialed } = await suite.records.readAndDial(held.targetId, 0, dial);

    expect(dialed).toEqual({ result: 'dialing', trunkId: null, attempt: 3 });
    expect(candidate).toMatchObject({
      targetId: held.targetId,
      autocallId: held.autocallId,
      phoneNumber: NUMBER,
      autocall: { status: 'active', callerId: '+441632960999', ringTimeoutSeconds: 30 },
    });
    expect(await written(held)).toEqual({
      target: { status: 'dialing', attempts: 3 },
      contacts: [
        {
          id: dial.contactId,
          status: 'dialing',
          attempt: 3,
          phone_number: NUMBER,
          caller_id: '+441632960999',
          placed_by: 'worker-a',
          events: 1,
        },
      ],
      targetEvents: ['dialing'],
    });
  });

  it('without a dial, only reads', async () => {
    const held = await heldTarget();
    const { candidate, dialed } = await suite.records.readAndDial(held.targetId, 0, null);
    expect(dialed).toBeNull();
    expect(candidate).toMatchObject({ status: 'pending', phoneNumber: NUMBER, stopped: false });
    expect(await written(held)).toEqual({ target: { status: 'pending', attempts: 0 }, contacts: [], targetEvents: [] });
  });

  const notDialable: [string, (held: Held) => Promise<unknown>, (candidate: unknown) => void][] = [
    [
      'a target no longer pending',
      (held) => suite.client.query(`UPDATE targets SET status = 'cancelled' WHERE id = $1`, [held.targetId]),
      (candidate) => expect(candidate).toMatchObject({ status: 'cancelled' }),
    ],
    [
      'a target of a cancelled AutoCall',
      (held) => suite.client.query(`UPDATE autocalls SET status = 'cancelled' WHERE id = $1`, [held.autocallId]),
      (candidate) => expect(candidate).toMatchObject({ status: 'pending', autocall: { status: 'cancelled' } }),
    ],
    [
      'a target whose number was erased',
      (held) => suite.client.query(`UPDATE targets SET phone_number = NULL WHERE id = $1`, [held.targetId]),
      (candidate) => expect(candidate).toMatchObject({ status: 'pending', phoneNumber: null }),
    ],
    [
      'a number on a call stop',
      (held) =>
        suite.client.query(`INSERT INTO call_stops (tenant_id, phone_number) VALUES ($1, $2)`, [held.tenantId, NUMBER]),
      (candidate) => expect(candidate).toMatchObject({ status: 'pending', stopped: true }),
    ],
  ];

  it.each(notDialable)('does not dial %s, and reads it as it is', async (_, arrange, check) => {
    const held = await heldTarget();
    await arrange(held);
    const before = await written(held);

    const { candidate, dialed } = await suite.records.readAndDial(held.targetId, 0, dialOf(held));

    expect(dialed).toBeNull();
    check(candidate);
    expect(await written(held)).toEqual(before);
  });

  it('does not dial a target whose AutoCall is not the one its job named', async () => {
    const held = await heldTarget();
    const { candidate, dialed } = await suite.records.readAndDial(held.targetId, 0, {
      ...dialOf(held),
      autocallId: randomUUID(),
    });
    expect(dialed).toBeNull();
    expect(candidate).toMatchObject({ status: 'pending' });
    expect((await written(held)).contacts).toEqual([]);
  });

  it('says the target is gone when it is', async () => {
    expect(await suite.records.readAndDial(randomUUID(), 0, dialOf(await heldTarget()))).toEqual({
      candidate: null,
      dialed: null,
    });
  });

  it('writes nothing when PostgreSQL refuses the line, and says why', async () => {
    const held = await heldTarget({ lines: 0 });
    const { candidate, dialed } = await suite.records.readAndDial(held.targetId, 0, dialOf(held));
    expect(dialed).toEqual({ result: 'no_free_line' });
    expect(candidate).toBeNull();
    expect(await written(held)).toEqual({ target: { status: 'pending', attempts: 0 }, contacts: [], targetEvents: [] });
  });

  it('dials a target once, however many dials of it race', async () => {
    const held = await heldTarget({ lines: 10 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => suite.records.readAndDial(held.targetId, 0, dialOf(held))),
    );
    expect(results.filter((r) => r.dialed?.result === 'dialing')).toHaveLength(1);
    const after = await written(held);
    expect(after.contacts).toHaveLength(1);
    expect(after.target).toEqual({ status: 'dialing', attempts: 1 });
  });

  /** One AutoCall's `count` held targets (positions 0…count − 1), on a tenant of `lines` lines. */
  async function heldTargets(count: number, lines: number): Promise<Held[]> {
    const first = await heldTarget({ lines });
    const rest = Array.from({ length: count - 1 }, () => ({ ...first, targetId: randomUUID() }));
    for (const [i, held] of rest.entries())
      await suite.client.query(
        `INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
         VALUES ($1, $2, $3, $4, $5, 'pending')`,
        [held.targetId, held.tenantId, held.autocallId, i + 1, `+44163296010${i}`],
      );
    return [first, ...rest];
  }

  describe('several held targets in one statement (dials taken one after another)', () => {
    it('dials them in the order given, each taking its line after the ones before it', async () => {
      const [a, b, c] = await heldTargets(3, 3);
      const order = [c, a, b];
      const dials = order.map((held) => ({ targetId: held.targetId, historySeconds: 0, dial: dialOf(held) }));

      const reads = await suite.records.readAndDialInOrder(dials);

      expect(reads.map((read) => [read.candidate?.targetId, read.dialed?.result])).toEqual(
        order.map((held) => [held.targetId, 'dialing']),
      );
      const stored = await suite.client.query(`SELECT id FROM contacts WHERE tenant_id = $1 ORDER BY created_at`, [
        a.tenantId,
      ]);
      expect(stored.rows.map((row) => row.id)).toEqual(dials.map((d) => d.dial.contactId));
    });

    it('answers each from its own read: one not dialable is read, not dialed, and the others are dialed', async () => {
      const [a, b, c] = await heldTargets(3, 3);
      await suite.client.query(`UPDATE targets SET status = 'cancelled' WHERE id = $1`, [b.targetId]);
      const gone = randomUUID();
      const reads = await suite.records.readAndDialInOrder([
        { targetId: a.targetId, historySeconds: 0, dial: dialOf(a) },
        { targetId: b.targetId, historySeconds: 0, dial: dialOf(b) },
        { targetId: gone, historySeconds: 0, dial: dialOf(a) },
        { targetId: c.targetId, historySeconds: 0, dial: dialOf(c) },
      ]);

      expect(reads.map((read) => [read.candidate?.status ?? null, read.dialed?.result ?? null])).toEqual([
        ['pending', 'dialing'],
        ['cancelled', null],
        [null, null],
        ['pending', 'dialing'],
      ]);
      expect((await written(b)).contacts).toEqual([]);
    });

    it('is refused as a whole when one of its dials finds no line: nothing of it is written', async () => {
      const held = await heldTargets(3, 2);

      const refusal = await suite.records
        .readAndDialInOrder(held.map((h) => ({ targetId: h.targetId, historySeconds: 0, dial: dialOf(h) })))
        .then(
          () => null,
          (error: unknown) => boundRefusalOf(error),
        );

      expect(refusal).toBe('no_free_line');
      for (const h of held) expect((await written(h)).contacts).toEqual([]);
      const targets = await suite.client.query(`SELECT DISTINCT status::text FROM targets WHERE autocall_id = $1`, [
        held[0].autocallId,
      ]);
      expect(targets.rows).toEqual([{ status: 'pending' }]);
    });
  });

  it("reads the number's recent calls when a guard needs them", async () => {
    const held = await heldTarget();
    await suite.records.readAndDial(held.targetId, 0, dialOf(held));
    await suite.client.query(`UPDATE contacts SET status = 'ended', ended_at = now() WHERE target_id = $1`, [
      held.targetId,
    ]);
    await suite.client.query(`UPDATE targets SET status = 'pending' WHERE id = $1`, [held.targetId]);
    const { candidate } = await suite.records.readAndDial(held.targetId, 86_400, null);
    expect(candidate?.recentCalls).toHaveLength(1);
  });
});

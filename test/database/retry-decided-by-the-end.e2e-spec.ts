import { Client } from 'pg';
import { callRecordsSuite, insertCall } from '../support/call-records-suite';
import { waitFor } from '../support/processes';

/**
 * Whether an unanswered call is tried again is decided by the statement that ends it: its target
 * goes back to pending, due at the retry's instant, only while its AutoCall is active, read under
 * the AutoCall's row lock. A cancel that commits first is seen (the attempt's outcome ends the
 * target, and the cancelled AutoCall finishes); one that commits after finds the target pending and
 * cancels it. A repeat of the step (its answer lost) reads the target back as this contact left it.
 */
describe('the retry of an unanswered call, decided by its end', () => {
  const suite = callRecordsSuite('retry_decided_by_the_end');
  const retryAt = new Date('2026-06-01T12:05:00Z');

  const end = (contactId: string) =>
    suite.records.record({
      contactId,
      to: 'ended',
      at: new Date('2026-06-01T12:01:00Z'),
      cause: 'no_answer',
      sipCode: 480,
      target: { to: 'no_answer', reason: 'no_answer', retryAt },
      holder: 'worker-a',
    });
  const targetOf = async (targetId: string) =>
    (
      await suite.client.query(
        `SELECT t.status::text, t.next_attempt_at, t.completed_at IS NOT NULL AS completed,
                (SELECT array_agg(e.to_status::text ORDER BY e.id) FROM target_events e WHERE e.target_id = t.id) AS events
         FROM targets t WHERE t.id = $1`,
        [targetId],
      )
    ).rows[0];
  const autocallOf = async (autocallId: string) =>
    (
      await suite.client.query(
        `SELECT status::text, open_targets, completed_at IS NOT NULL AS finished FROM autocalls WHERE id = $1`,
        [autocallId],
      )
    ).rows[0];

  it('sends the target back to pending, due at the retry, while its AutoCall is active; a repeat reads it back', async () => {
    const call = await insertCall(suite.client, { holder: 'worker-a', status: 'ringing' });
    const ended = await end(call.contactId);
    expect(ended).toMatchObject({ contactMoved: true, targetMoved: true, targetStatus: 'pending' });
    expect(await targetOf(call.targetId)).toEqual({
      status: 'pending',
      next_attempt_at: retryAt,
      completed: false,
      events: ['pending'],
    });
    expect(await autocallOf(call.autocallId)).toEqual({ status: 'active', open_targets: 1, finished: false });

    // Again (a storage error after the statement, the step retried): nothing is written, and the
    // answer still says pending, so the retry's job is added (by its own id, once).
    const again = await end(call.contactId);
    expect(again).toMatchObject({ contactMoved: false, targetMoved: false, targetStatus: 'pending' });
    expect((await targetOf(call.targetId)).events).toEqual(['pending']);
  });

  it('ends the target with the attempt’s outcome when its AutoCall no longer dials', async () => {
    const call = await insertCall(suite.client, { holder: 'worker-a', status: 'ringing' });
    await suite.client.query(`UPDATE autocalls SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [
      call.autocallId,
    ]);
    expect(await end(call.contactId)).toMatchObject({ targetMoved: true, targetStatus: 'no_answer' });
    expect(await targetOf(call.targetId)).toEqual({
      status: 'no_answer',
      next_attempt_at: null,
      completed: true,
      events: ['no_answer'],
    });
    // Its last open target ended: the cancelled AutoCall is finished by the same statement.
    expect(await autocallOf(call.autocallId)).toEqual({ status: 'cancelled', open_targets: 0, finished: true });
  });

  it('ends many calls of one AutoCall at once, with and without a retry or sent back by the trunk, without a deadlock', async () => {
    // Forty-two dials of one AutoCall and tenant. A plain end takes the tenant's line row (its
    // release), then the AutoCall's row (its count of open targets); an end with a retry, and a
    // trunk's return, read the AutoCall under its lock: they must take the rows in the same order.
    const first = await insertCall(suite.client, { holder: 'worker-a', status: 'dialing' });
    await suite.client.query(`UPDATE line_settings SET capacity = 100 WHERE tenant_id = $1`, [first.tenantId]);
    const { rows } = await suite.client.query<{ contact_id: string }>(
      `WITH t AS (
         INSERT INTO targets (id, tenant_id, autocall_id, position, phone_number, status)
         SELECT gen_random_uuid(), $1, $2, n, '+44163296' || lpad(n::text, 4, '0'), 'dialing'
         FROM generate_series(1, 41) n RETURNING id, position, phone_number)
       INSERT INTO contacts (id, tenant_id, autocall_id, target_id, attempt, skill, phone_number, placed_by, status)
       SELECT gen_random_uuid(), $1, $2, t.id, 1, 'sales', t.phone_number, 'worker-a', 'dialing' FROM t
       RETURNING id AS contact_id`,
      [first.tenantId, first.autocallId],
    );
    const contacts = [first.contactId, ...rows.map((r) => r.contact_id)];
    const at = new Date('2026-06-01T12:01:00Z');
    const outcomes = await Promise.all(
      contacts.map(async (contactId, i) => {
        if (i % 3 === 2)
          return (
            await suite.records.returnToTrunk({
              contactId,
              at,
              sipCode: 503,
              pauseSeconds: 1,
              holder: 'worker-a',
              defaultMaxReturns: 3,
            })
          ).target;
        const ended = await suite.records.record({
          contactId,
          to: 'ended',
          at,
          cause: 'no_answer',
          sipCode: 480,
          target: { to: 'no_answer', reason: 'no_answer', retryAt: i % 3 === 0 ? retryAt : null },
          holder: 'worker-a',
        });
        return ended.targetStatus;
      }),
    );
    expect(outcomes).toEqual(contacts.map((_, i) => (i % 3 === 1 ? 'no_answer' : 'pending')));
    expect(await autocallOf(first.autocallId)).toEqual({ status: 'active', open_targets: 28, finished: false });
  });

  it('sees a cancel that commits while the end waits for the AutoCall', async () => {
    const call = await insertCall(suite.client, { holder: 'worker-a', status: 'ringing' });
    const cancel = new Client({ connectionString: suite.db.url });
    await cancel.connect();
    try {
      const cancelPid = (await cancel.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      await cancel.query('BEGIN');
      await cancel.query(`UPDATE autocalls SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [
        call.autocallId,
      ]);
      const ending = end(call.contactId);
      // The end's statement waits for the cancel's row lock on the AutoCall.
      await waitFor('the end to wait for the AutoCall’s lock', async () => {
        const { rows } = await suite.client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND $1::int = ANY(pg_blocking_pids(pid))`,
          [cancelPid],
        );
        return rows[0].n === 1;
      });
      await cancel.query('COMMIT');
      expect(await ending).toMatchObject({ targetMoved: true, targetStatus: 'no_answer' });
    } finally {
      await cancel.end();
    }
    expect(await targetOf(call.targetId)).toMatchObject({ status: 'no_answer', completed: true });
    expect(await autocallOf(call.autocallId)).toEqual({ status: 'cancelled', open_targets: 0, finished: true });
  });
});

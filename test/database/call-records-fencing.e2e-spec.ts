import { callRecordsSuite, insertAnsweredCall } from '../support/call-records-suite';

/**
 * Fencing: a worker writes a call's moves as its holder (contacts.placed_by). When another worker
 * takes the call over (its holder's heartbeat expired), the claim moves to it in one statement, and
 * from then on the old holder's writes are refused, should it come back: it cannot overwrite what
 * its successor recorded.
 */
describe('a call taken over from its holder', () => {
  const suite = callRecordsSuite('call_records_fencing');

  const answeredCallOf = async (holder: string) => (await insertAnsweredCall(suite.client, { holder })).contactId;
  const statusOf = async (contactId: string) =>
    (await suite.client.query(`SELECT status::text, placed_by FROM contacts WHERE id = $1`, [contactId])).rows[0];
  const end = (contactId: string, holder: string, reason: string) =>
    suite.records.record({
      contactId,
      to: 'ended',
      at: new Date(),
      cause: 'normal_clearing',
      sipCode: 200,
      target: { to: 'abandoned', reason },
      holder,
    });

  it("refuses the old holder's writes once the call is taken over, and lets the new holder write", async () => {
    const contactId = await answeredCallOf('worker-a');
    // Not the holder: nothing written.
    expect(await end(contactId, 'worker-b', 'by_b')).toMatchObject({ contactMoved: false, targetMoved: false });
    expect(await suite.records.waitForAgent(contactId, new Date(), 'worker-b')).toBe(false);

    expect(await suite.records.takeOver(contactId, 'worker-a', 'worker-b')).toBe(true);
    // A second taker (another keeper at the same time) loses.
    expect(await suite.records.takeOver(contactId, 'worker-a', 'worker-c')).toBe(false);
    // The old holder comes back: refused.
    expect(await suite.records.waitForAgent(contactId, new Date(), 'worker-a')).toBe(false);
    expect(await end(contactId, 'worker-a', 'by_a')).toMatchObject({ contactMoved: false });
    expect(await statusOf(contactId)).toEqual({ status: 'answered', placed_by: 'worker-b' });

    expect(await end(contactId, 'worker-b', 'by_b')).toMatchObject({ contactMoved: true, targetMoved: true });
    expect(await statusOf(contactId)).toEqual({ status: 'ended', placed_by: 'worker-b' });
    const { rows } = await suite.client.query(
      `SELECT reason FROM targets t JOIN contacts c ON c.target_id = t.id WHERE c.id = $1`,
      [contactId],
    );
    expect(rows[0].reason).toBe('by_b');
    // An ended call is nobody's to take over.
    expect(await suite.records.takeOver(contactId, 'worker-b', 'worker-c')).toBe(false);
  });
});

import type { CallRecords, HeldTargetRead } from '@autocall/dialing';
import { EarlierDial, HeldDial, OrderedDials } from './ordered-dials';

/**
 * A drain's dials are stored in the order taken: dials taken while an earlier statement is out go
 * together once its outcome is known, and once one is refused the ones after it go behind it.
 * PostgreSQL is played here by a ledger of lines: a statement dials its targets in order and is
 * refused as a whole if any finds no line.
 */
describe('a drain’s dials, in the order taken', () => {
  const dialOf = (targetId: string): HeldDial => ({
    targetId,
    historySeconds: 0,
    dial: { contactId: `c-${targetId}`, autocallId: 'a', skill: 'sales', agentId: null, placedBy: 'w' },
  });
  const dialing = (targetId: string): HeldTargetRead => ({
    candidate: { targetId } as HeldTargetRead['candidate'],
    dialed: { result: 'dialing', trunkId: null, attempt: 1 },
  });
  const refusal = Object.assign(new Error('no free line'), { code: 'AC001' });

  function database(lines: number) {
    const statements: string[][] = [];
    const stored: string[] = [];
    let free = lines;
    const pending: (() => void)[] = [];
    // Each statement returns when the test lets it (`answer()`), so that dials pile up behind it.
    const held = () => new Promise<void>((resolve) => pending.push(resolve));
    const records = {
      async readAndDialInOrder(dials: readonly HeldDial[]) {
        statements.push(dials.map((d) => d.targetId));
        await held();
        if (dials.length > free) throw refusal;
        free -= dials.length;
        stored.push(...dials.map((d) => d.targetId));
        return dials.map((d) => dialing(d.targetId));
      },
      async readAndDial(targetId: string) {
        statements.push([targetId]);
        await held();
        if (free === 0) return { candidate: null, dialed: { result: 'no_free_line' } };
        free -= 1;
        stored.push(targetId);
        return dialing(targetId);
      },
    };
    return {
      records: records as unknown as CallRecords,
      statements,
      stored,
      async answer() {
        for (let turns = 0; !pending.length; turns++) {
          if (turns > 1_000) throw new Error('no statement is out');
          await new Promise((resolve) => setImmediate(resolve));
        }
        pending.shift()!();
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
  }

  /** A turn of the event loop: the first dial's statement leaves before the next dial is taken. */
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  /** Takes dials as a drain does: each one's `after` is the outcome of the one taken before it. */
  function drain(dials: OrderedDials) {
    let last: Promise<EarlierDial> = Promise.resolve('stored');
    let taken = 0;
    return (targetId: string) => {
      const after = last;
      let settle!: (outcome: EarlierDial) => void;
      last = new Promise((resolve) => (settle = resolve));
      const answer = dials.dial(++taken, dialOf(targetId), after);
      void answer.then((read) =>
        settle(read === 'go_behind' || read.dialed?.result !== 'dialing' ? 'put_back' : 'stored'),
      );
      return answer;
    };
  }

  it('sends the dials taken while a statement is out as one statement, after it, in the order taken', async () => {
    const db = database(10);
    const take = drain(new OrderedDials(db.records));

    const first = take('t1');
    await tick();
    const rest = ['t2', 't3', 't4'].map(take);
    await db.answer();
    await db.answer();

    expect(await Promise.all([first, ...rest])).toEqual(['t1', 't2', 't3', 't4'].map(dialing));
    expect(db.statements).toEqual([['t1'], ['t2', 't3', 't4']]);
    expect(db.stored).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('dials a refused batch one at a time: those before the refused one are stored, those after it go behind', async () => {
    const db = database(3);
    const take = drain(new OrderedDials(db.records));

    const answers = [take('t1')];
    await tick();
    answers.push(...['t2', 't3', 't4', 't5'].map(take));
    await db.answer(); // t1
    await db.answer(); // t2…t5 together: refused
    await db.answer(); // t2 alone
    await db.answer(); // t3 alone
    await db.answer(); // t4 alone: refused

    const outcomes = (await Promise.all(answers)).map((a) => (a === 'go_behind' ? a : (a.dialed?.result ?? null)));
    expect(outcomes).toEqual(['dialing', 'dialing', 'dialing', 'no_free_line', 'go_behind']);
    expect(db.statements).toEqual([['t1'], ['t2', 't3', 't4', 't5'], ['t2'], ['t3'], ['t4']]);
    expect(db.stored).toEqual(['t1', 't2', 't3']);
  });

  it('sends nothing for dials taken after one that was refused: they go behind it', async () => {
    const db = database(0);
    const take = drain(new OrderedDials(db.records));

    const answers = [take('t1')];
    await tick();
    answers.push(take('t2'), take('t3'));
    await db.answer(); // t1: refused

    const outcomes = (await Promise.all(answers)).map((a) => (a === 'go_behind' ? a : (a.dialed?.result ?? null)));
    expect(outcomes).toEqual(['no_free_line', 'go_behind', 'go_behind']);
    expect(db.statements).toEqual([['t1']]);
  });

  it('lets a dial join a batch that has not left yet', async () => {
    const db = database(10);
    const take = drain(new OrderedDials(db.records));

    const answers = ['t1', 't2', 't3'].map(take);
    await db.answer();

    expect(await Promise.all(answers)).toEqual(['t1', 't2', 't3'].map(dialing));
    expect(db.statements).toEqual([['t1', 't2', 't3']]);
  });

  it('does not join a batch across a dial taken between that went another way', async () => {
    const db = database(10);
    const dials = new OrderedDials(db.records);
    let settleSecond!: (outcome: EarlierDial) => void;
    const second = new Promise<EarlierDial>((resolve) => (settleSecond = resolve));

    const first = dials.dial(1, dialOf('t1'), Promise.resolve('stored'));
    // The 2nd dial taken was read first and is dialed on its own; the 3rd waits for its outcome.
    const third = dials.dial(3, dialOf('t3'), second);
    await db.answer();
    expect(db.statements).toEqual([['t1']]);
    settleSecond('stored');
    await db.answer();

    expect(await Promise.all([first, third])).toEqual([dialing('t1'), dialing('t3')]);
    expect(db.statements).toEqual([['t1'], ['t3']]);
  });
});

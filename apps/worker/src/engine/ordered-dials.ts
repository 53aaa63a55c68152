import { sqlStateOf } from '@autocall/common';
import { boundRefusalOf, CallRecords, HeldTargetAsk, HeldTargetDial, HeldTargetRead } from '@autocall/dialing';

/** A held target's read with its dial, its guards judged before the read. */
export type HeldDial = HeldTargetAsk & { dial: HeldTargetDial };

/** The read and its dial's result; or, an earlier dial taken having gone back, go behind it. */
export type OrderedDialAnswer = HeldTargetRead | 'go_behind';

/** How the dial taken just before came out: its contact stored, or its target put back. */
export type EarlierDial = 'stored' | 'put_back';

interface Batch {
  dials: HeldDial[];
  answers: { resolve: (answer: OrderedDialAnswer) => void; reject: (error: unknown) => void }[];
  /** The drain's number of the last dial taken into it. */
  lastTaken: number;
}

// PostgreSQL broke a lock cycle by ending this statement: nothing of it was written.
const DEADLOCK = '40P01';

/**
 * One drain's dials, stored in the order they were taken, as few statements as that allows.
 *
 * A dial's statement waits for the outcome of the dial taken before it: once one is refused, the
 * ones taken after it go back too, behind it, so that a line freed meanwhile cannot let a later
 * target of the list pass an earlier one (engine review, defect 10). That wait made a pool's dial
 * rate one statement's round trip and commit at a time. Now dials taken one after another while
 * an earlier statement is out join one batch, which leaves when that statement's outcome is known,
 * as one statement that inserts their contacts in the order taken (CallRecords.readAndDialInOrder):
 * each takes its line after the ones before it, and PostgreSQL refuses the whole statement if it
 * refuses any. The batch is then dialed again one dial at a time, in order, so the first refused
 * is known; the ones after it go behind it, as before. A batch is one decision and one commit for
 * many dials; nothing is acknowledged before its statement has returned.
 *
 * Only consecutive dials share a batch: a dial taken between them that goes another way (read
 * first, then dialed on its own) keeps its place in the order through `after`.
 */
export class OrderedDials {
  private open: Batch | null = null;

  constructor(
    private readonly records: CallRecords,
    private readonly maxBatch = 32,
  ) {}

  /**
   * The `taken`-th dial of the drain; `after` settles with the outcome of the one taken before it.
   */
  dial(taken: number, dial: HeldDial, after: Promise<EarlierDial>): Promise<OrderedDialAnswer> {
    return new Promise<OrderedDialAnswer>((resolve, reject) => {
      const open = this.open;
      if (open && open.lastTaken === taken - 1 && open.dials.length < this.maxBatch) {
        open.dials.push(dial);
        open.answers.push({ resolve, reject });
        open.lastTaken = taken;
        return;
      }
      const batch: Batch = { dials: [dial], answers: [{ resolve, reject }], lastTaken: taken };
      this.open = batch;
      void after.then((earlier) => {
        // Leaving: no dial joins it any more.
        if (this.open === batch) this.open = null;
        if (earlier === 'put_back') {
          for (const answer of batch.answers) answer.resolve('go_behind');
          return;
        }
        return this.send(batch);
      });
    });
  }

  private async send(batch: Batch): Promise<void> {
    if (batch.dials.length > 1) {
      try {
        const reads = await this.records.readAndDialInOrder(batch.dials);
        batch.answers.forEach((answer, i) => answer.resolve(reads[i]));
        return;
      } catch (error) {
        if (!boundRefusalOf(error) && sqlStateOf(error) !== DEADLOCK) {
          for (const answer of batch.answers) answer.reject(error);
          return;
        }
        // Refused as a whole (or ended to break a deadlock): which one, one at a time.
      }
    }
    for (let i = 0; i < batch.dials.length; i++) {
      const { targetId, historySeconds, dial } = batch.dials[i];
      let read: HeldTargetRead;
      try {
        read = await this.records.readAndDial(targetId, historySeconds, dial);
      } catch (error) {
        for (const answer of batch.answers.slice(i)) answer.reject(error);
        return;
      }
      batch.answers[i].resolve(read);
      if (read.dialed && read.dialed.result !== 'dialing') {
        for (const answer of batch.answers.slice(i + 1)) answer.resolve('go_behind');
        return;
      }
    }
  }
}

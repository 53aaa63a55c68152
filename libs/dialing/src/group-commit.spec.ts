import { GroupCommit } from './group-commit';

/** A writer whose statements the test completes by hand, recording each batch it was given. */
function manualWriter() {
  const batches: number[][] = [];
  const pending: { resolve: (results: string[]) => void; reject: (error: Error) => void; writes: number[] }[] = [];
  const writeAll = (writes: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(writes);
      pending.push({ resolve, reject, writes });
    });
  const commitNext = () => {
    const next = pending.shift()!;
    next.resolve(next.writes.map((w) => `done ${w}`));
  };
  return { batches, pending, writeAll, commitNext };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('sends the writes asked for in one turn as one statement, and answers each its own result', async () => {
    const writer = manualWriter();
    const group = new GroupCommit(writer.writeAll);
    const answers = Promise.all([1, 2, 3].map((w) => group.write(w)));
    await turn();
    expect(writer.batches).toEqual([[1, 2, 3]]);
    writer.commitNext();
    await expect(answers).resolves.toEqual(['done 1', 'done 2', 'done 3']);
  });

  it('answers nobody before their statement has returned', async () => {
    const writer = manualWriter();
    const group = new GroupCommit(writer.writeAll);
    let answered = false;
    void group.write(1).then(() => (answered = true));
    await turn();
    await turn();
    expect(answered).toBe(false);
    writer.commitNext();
    await turn();
    expect(answered).toBe(true);
  });

  it('gathers the writes asked for while a statement is in flight into the next one', async () => {
    const writer = manualWriter();
    const group = new GroupCommit(writer.writeAll);
    const first = group.write(1);
    await turn();
    const later = [2, 3, 4].map((w) => group.write(w));
    await turn();
    expect(writer.batches).toEqual([[1]]);
    writer.commitNext();
    await expect(first).resolves.toBe('done 1');
    await turn();
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
    writer.commitNext();
    await expect(Promise.all(later)).resolves.toEqual(['done 2', 'done 3', 'done 4']);
  });

  it('splits a backlog into statements of at most maxBatch writes', async () => {
    const writer = manualWriter();
    const group = new GroupCommit(writer.writeAll, 2);
    const answers = Promise.all([1, 2, 3, 4, 5].map((w) => group.write(w)));
    await turn();
    for (let i = 0; i < 3; i++) {
      writer.commitNext();
      await turn();
    }
    await answers;
    expect(writer.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails every write of a failed statement, and goes on with the next writes', async () => {
    const writer = manualWriter();
    const group = new GroupCommit(writer.writeAll);
    const failed = [1, 2].map((w) => group.write(w));
    await turn();
    writer.pending.shift()!.reject(new Error('connection terminated'));
    for (const write of failed) await expect(write).rejects.toThrow('connection terminated');
    const next = group.write(3);
    await turn();
    writer.commitNext();
    await expect(next).resolves.toBe('done 3');
  });

  it('fails the batch when the writer answers for fewer writes than it was given', async () => {
    const group = new GroupCommit(async (writes: number[]) => writes.slice(1).map(String));
    await expect(Promise.all([group.write(1), group.write(2)])).rejects.toThrow('1 results for 2 writes');
  });
});

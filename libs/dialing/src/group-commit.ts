/**
 * Group commit: writes of the same kind asked for by many calls at about the same time go to the
 * database as one statement, and each asker's promise settles only once that statement has
 * returned (nothing is acknowledged that the database does not hold yet).
 *
 * No timer adds latency: the first write of a quiet moment leaves at the end of the current turn of
 * the event loop (with whatever else that turn asked for); writes asked for while a statement is
 * in flight wait for it and then leave together. Under load the batches grow by themselves; at a
 * trickle each write is its own statement, as before.
 *
 * A statement that fails fails every write it carried: each asker handles the error as it would its
 * own (the engine's steps retry a storage error, and the writes are guarded, so a retry of a write
 * that did commit changes nothing).
 */
export class GroupCommit<W, R> {
  private queue: { write: W; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private running = false;

  /**
   * @param writeAll writes a batch in one statement, answering in the same order as the batch
   * @param maxBatch at most this many writes per statement
   */
  constructor(
    private readonly writeAll: (writes: W[]) => Promise<R[]>,
    private readonly maxBatch = 200,
  ) {}

  write(write: W): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.writeAll(batch.map((entry) => entry.write));
          if (results.length !== batch.length)
            throw new Error(`group commit: ${results.length} results for ${batch.length} writes`);
          batch.forEach((entry, i) => entry.resolve(results[i]));
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

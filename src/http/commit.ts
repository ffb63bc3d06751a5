import type { Store } from '../store/store.js';

/**
 * Group commit for HTTP writes. The writes of every request handled in one event-loop tick (a
 * burst of sign-ins) share the store's batch, which is committed once on `setImmediate`; each
 * request answers only after that, so nothing a response announces (a session its cookie names)
 * can be lost to a crash. The hub commits the same batch before it writes to sockets: whichever
 * commits first keeps everything written so far, and the other finds nothing left to commit.
 */
export class HttpCommit {
  private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private readonly commitNow = () => this.commit();

  constructor(private readonly store: Store) {}

  /**
   * Runs `write` inside the tick's batch and resolves with its result once the batch is committed.
   * A `write` that throws throws here; what it wrote before that is committed with the rest.
   */
  run<T>(write: () => T): Promise<T> {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.commitNow);
    }
    this.store.beginBatch();
    const result = write();
    return new Promise<T>((resolve, reject) => this.waiting.push({ resolve: () => resolve(result), reject }));
  }

  private commit(): void {
    this.scheduled = false;
    const waiting = this.waiting;
    this.waiting = [];
    try {
      this.store.commitBatch();
    } catch (error) {
      for (const waiter of waiting) waiter.reject(error);
      return;
    }
    for (const waiter of waiting) waiter.resolve();
  }
}

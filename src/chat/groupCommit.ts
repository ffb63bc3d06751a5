// The group commit on the socket side: the messages of one event-loop tick share one store
// transaction, opened by the first of them and committed by the outbox's flush before it writes
// anything, so nothing reaches a socket before it is kept. (HTTP writes join the same batch
// through src/http/commit.ts.)
import type { Store } from '../store/store.js';
import type { Flusher } from './connection.js';

export class GroupCommit {
  private open = false;

  constructor(
    private readonly store: Store,
    private readonly flusher: Flusher,
  ) {}

  /** Called before a write to the store: the tick's batch is opened once and a flush is scheduled to commit it. */
  begin(): void {
    if (this.open) return;
    this.store.beginBatch();
    this.open = true;
    this.flusher.schedule();
  }

  /** Runs before frames are written: what they announce must be kept first. Throws when the commit fails. */
  commit(): void {
    if (!this.open) return;
    this.open = false;
    this.store.commitBatch();
  }
}

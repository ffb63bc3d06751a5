// The group commit on the socket side: the messages of one event-loop tick share one store
// transaction, opened by the first of them and committed by the outbox's flush before it writes
// anything. What the tick publishes waits for that commit too: nothing reaches a socket, in this
// process or another one, before what it announces is kept. (HTTP writes join the same batch
// through src/http/commit.ts.)
import type { Bus, BusEvent } from '../bus/bus.js';
import type { Store } from '../store/store.js';
import type { Flusher } from './connection.js';

export class GroupCommit {
  private open = false;
  /** Published while the batch was open: out on the bus once it is committed, dropped if it is not. */
  private readonly held: BusEvent[] = [];

  constructor(
    private readonly store: Store,
    private readonly flusher: Flusher,
    private readonly bus: Bus,
  ) {}

  /** Publishes on the bus after the tick's commit, or at once when nothing is being written. */
  publish(event: BusEvent): void {
    if (this.open) this.held.push(event);
    else this.bus.publish(event);
  }

  /** Called before a write to the store: the tick's batch is opened once and a flush is scheduled to commit it. */
  begin(): void {
    if (this.open) return;
    this.store.beginBatch();
    this.open = true;
    this.flusher.schedule();
  }

  /**
   * Runs before frames are written: what they announce must be kept first, and only then is it
   * published. Throws when the commit fails, and what the batch would have announced goes nowhere.
   */
  commit(): void {
    if (!this.open) return;
    this.open = false;
    const held = this.held.splice(0);
    this.store.commitBatch();
    for (const event of held) this.bus.publish(event);
  }
}

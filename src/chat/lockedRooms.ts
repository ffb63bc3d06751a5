// The rooms a moderator locked, as this process knows them: read from the store at start and again
// whenever the bus comes back (a change may have been missed meanwhile), and kept up to date by the
// bus's `roomLock` events. Asked on every `chat`, so it is a set in memory, not a query.
import type { Store } from '../store/store.js';

export class LockedRooms {
  private names = new Set<string>();

  /** The room (canonical name) is locked: only moderators may post there. */
  has(room: string): boolean {
    return this.names.has(room);
  }

  set(room: string, locked: boolean): void {
    if (locked) this.names.add(room);
    else this.names.delete(room);
  }

  /** Everything the store has, replacing what was known. */
  async reload(store: Store): Promise<void> {
    this.names = new Set((await store.moderation.lockedRooms()).map((lock) => lock.room));
  }
}

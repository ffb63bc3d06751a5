// Presence coalescing: when each room's waiting `join`/`left` changes go out. At the end of the
// tick when the room has been quiet, else one interval (growing with the room) after its last
// flush, so a burst of arrivals costs each member one write per interval, not one per arrival.
import { presenceInterval } from '../../shared/protocol/index.js';
import type { Flusher } from '../connection.js';
import type { Member, RoomPresence } from './roomPresence.js';

export class PresenceFlushes<M extends Member> {
  /** Rooms whose changes go out at the next flush of the outbox. */
  private readonly due = new Set<RoomPresence<M>>();

  constructor(
    private readonly flusher: Flusher,
    /** Hands a member the parts of its frame (one write with whatever else it gets this tick). */
    private readonly write: (member: M, parts: readonly Buffer[]) => void,
  ) {}

  /** A change was recorded in the room: make sure a flush is coming. */
  schedule(room: RoomPresence<M>): void {
    if (room.timer || this.due.has(room)) return;
    const wait = room.lastFlushAt + presenceInterval(room.connections.size) - Date.now();
    if (wait <= 0) {
      this.due.add(room);
      this.flusher.schedule();
      return;
    }
    room.timer = setTimeout(() => {
      room.timer = undefined;
      this.due.add(room);
      this.flusher.schedule();
    }, wait);
  }

  /** Sends the room's waiting changes now (before a message to it, so nobody reads someone before hearing they joined). */
  flush(room: RoomPresence<M>): void {
    this.forget(room);
    room.lastFlushAt = Date.now();
    room.flush(this.write);
  }

  /** Runs at the start of each outbox flush. */
  flushDue(): void {
    for (const room of this.due) this.flush(room);
  }

  /** Everything waiting, now (shutdown). */
  flushAll(rooms: Iterable<RoomPresence<M>>): void {
    for (const room of rooms) if (room.hasChanges) this.flush(room);
  }

  /** The room is gone (empty) or flushed: no timer, not due. */
  forget(room: RoomPresence<M>): void {
    clearTimeout(room.timer);
    room.timer = undefined;
    this.due.delete(room);
  }
}

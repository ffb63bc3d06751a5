// Head-counts of public rooms for the pages that follow them (`?counts=live`): each room whose
// number of people online changed, site-wide, goes out in one `counts` frame at most once a
// COUNTS_INTERVAL_MS per process, framed once for every such connection. Every process knows who
// is in every room (remotePresence.ts), so each counts for itself: nothing more crosses the bus.
import { COUNTS_INTERVAL_MS, MAX_COUNTS_PER_FRAME, type RoomCount, type ServerMessages } from '../../shared/protocol/index.js';
import { jsonFrame } from '../../transport/frame.js';

export interface RoomCountsDeps {
  /** How many people are in the room now, site-wide. */
  count(room: string): number;
  /** Hands the frame to every connection that asked for counts. */
  send(frame: Buffer): void;
  intervalMs?: number;
}

export class RoomCounts {
  /** Rooms whose count may have changed since the last frame. */
  private readonly touched = new Set<string>();
  /** The count each room was last sent with (rooms last sent empty are forgotten). */
  private readonly sent = new Map<string, number>();
  /** Rooms anyone may see: only these are counted aloud (a private room's is its members' business). */
  private publicRooms = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = 0;
  private readonly intervalMs: number;

  constructor(private readonly deps: RoomCountsDeps) {
    this.intervalMs = deps.intervalMs ?? COUNTS_INTERVAL_MS;
  }

  /** The open public rooms now (at start, and with every room made or ended). */
  setPublic(names: Iterable<string>): void {
    this.publicRooms = new Set(names);
    for (const room of this.sent.keys()) if (!this.publicRooms.has(room)) this.sent.delete(room);
  }

  /** Someone arrived in the room or left it, here or elsewhere: its count goes out with the next frame. */
  touch(room: string): void {
    this.touched.add(room);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.touched.size === 0) return;
    // The first change after a quiet second goes out at once; a burst waits for the interval.
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    this.timer.unref?.();
  }

  /** One frame with every changed public room's count (a bounded number; the rest next time). */
  flush(): void {
    const data: RoomCount[] = [];
    for (const room of this.touched) {
      if (data.length >= MAX_COUNTS_PER_FRAME) break;
      this.touched.delete(room);
      if (!this.publicRooms.has(room)) continue;
      const count = this.deps.count(room);
      if ((this.sent.get(room) ?? 0) === count) continue;
      if (count === 0) this.sent.delete(room);
      else this.sent.set(room, count);
      data.push({ room, count });
    }
    if (data.length > 0) {
      this.lastSentAt = Date.now();
      this.deps.send(jsonFrame({ type: 'counts', data } satisfies ServerMessages['counts']));
    }
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.touched.clear();
  }
}

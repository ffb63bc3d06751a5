// How the hubs of a site keep each one's view of the others' presence (remotePresence.ts) whole,
// over the bus events alone, whatever the bus: each hub publishes its changes (`presence`); one
// that starts, or whose bus comes back, says what it has and asks the others (`hello`, answered by
// `snapshot`); each says it is alive every fifth of the timeout, and one silent for three fifths
// of it is taken as gone, its users leaving, so that a crashed process's users are seen to leave
// within the timeout; one that stops cleanly says `goodbye`, and its users leave at once.
import type { Bus, BusEvent } from '../../bus/bus.js';
import type { User } from '../../shared/protocol/index.js';
import type { Rooms } from '../rooms.js';

export type SyncEvent = Extract<BusEvent, { kind: 'presence' | 'hello' | 'snapshot' | 'alive' | 'goodbye' }>;

export interface PresenceSyncOptions {
  bus: Bus;
  /** This hub's tag (Hub.tag). */
  tag: string;
  rooms: Rooms;
  /** How soon a process that vanished without a goodbye has its users leave (PRESENCE_TIMEOUT_MS). */
  timeoutMs: number;
}

export class PresenceSync {
  /** When each other hub was last heard from. */
  private readonly heard = new Map<string, number>();
  /** Hubs taken as gone for their silence: one heard from again was only slow, and is asked what it has. */
  private readonly expired = new Set<string>();
  private readonly beatMs: number;
  private lastBeat = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  /** Said goodbye: nothing more is said, nor answered (a snapshot would bring its users back). */
  private stopped = false;

  constructor(private readonly options: PresenceSyncOptions) {
    this.beatMs = Math.max(1, Math.floor(options.timeoutMs / 5));
  }

  /** Says hello (what this hub has, and a request for what the others have), then `alive` every beat. */
  start(): void {
    this.timer = setInterval(() => this.beat(), this.beatMs);
    // Never what keeps a process running.
    this.timer.unref();
    this.unwatch = this.options.bus.onConnectionChange((connected) => {
      if (connected) this.rejoin();
    });
    this.hello();
  }

  /** This hub's user's first connection entered a room, or their last one here left it. */
  publish(room: string, change: 'join' | 'left', user: User): void {
    if (!this.stopped) this.options.bus.publish({ kind: 'presence', room, change, user, from: this.options.tag });
  }

  /** A clean stop: the others drop this hub's users at once. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.unwatch?.();
    this.options.bus.publish({ kind: 'goodbye', from: this.options.tag });
  }

  /** One of the events above, from any hub (this one's own are known already). */
  receive(event: SyncEvent): void {
    const { bus, tag, rooms } = this.options;
    const from = event.from;
    if (from === tag || this.stopped) return;
    const wasExpired = this.expired.delete(from);
    this.heard.set(from, Date.now());
    switch (event.kind) {
      case 'presence':
        rooms.applyRemote(rooms.remote.apply(from, event.room, event.change, event.user));
        break;
      case 'hello':
        rooms.applyRemote(rooms.remote.replace(from, event.rooms));
        bus.publish({ kind: 'snapshot', from: tag, to: from, rooms: rooms.localPresence() });
        return;
      case 'snapshot':
        if (event.to !== tag) break;
        rooms.applyRemote(rooms.remote.replace(from, event.rooms));
        return;
      case 'alive':
        break;
      case 'goodbye':
        this.heard.delete(from);
        rooms.applyRemote(rooms.remote.drop(from));
        return;
    }
    // Taken as gone and heard from again: what it has now replaces what it had.
    if (wasExpired) this.hello();
  }

  private hello(): void {
    this.options.bus.publish({ kind: 'hello', from: this.options.tag, rooms: this.options.rooms.localPresence() });
  }

  /** The bus reaches the others again: what was missed meanwhile is replaced by what they have now. */
  private rejoin(): void {
    // Not silent while this hub could not hear them: each gets its full time again to answer.
    const now = Date.now();
    for (const other of this.heard.keys()) this.heard.set(other, now);
    this.hello();
  }

  /** `alive`, then the others silent for three fifths of the timeout (five beats at most: within it) leave. */
  private beat(): void {
    const { bus, tag, rooms, timeoutMs } = this.options;
    bus.publish({ kind: 'alive', from: tag });
    const now = Date.now();
    // This hub's own loop stalled: what the others said meanwhile waits to be read, after this timer.
    const stalled = now - this.lastBeat > 2 * this.beatMs;
    this.lastBeat = now;
    // While the bus is away the others are not silent: this hub cannot hear them.
    if (stalled || !bus.connected) return;
    const silentSince = now - (timeoutMs * 3) / 5;
    for (const [other, at] of this.heard) {
      if (at >= silentSince) continue;
      this.heard.delete(other);
      this.expired.add(other);
      rooms.applyRemote(rooms.remote.drop(other));
    }
  }
}

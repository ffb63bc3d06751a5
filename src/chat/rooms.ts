// The rooms with someone in them now, in this process: entering and leaving (which publishes
// presence), the greeting a connection gets on entering (history and list), and the latest page
// of each occupied room kept as a frame until someone speaks there.
import type { Bus } from '../bus/bus.js';
import { jsonFrame } from '../transport/frame.js';
import type { ServerMessage, User } from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';
import type { Connection, Flusher } from './connection.js';
import { PresenceFlushes } from './presence/presenceFlushes.js';
import { leftText } from './presence/presenceFrames.js';
import { RoomPresence } from './presence/roomPresence.js';

export interface RoomsDeps {
  store: Store;
  bus: Bus;
  flusher: Flusher;
  historyLimit: number;
}

export class Rooms {
  private readonly byName = new Map<string, RoomPresence<Connection>>();
  readonly presence: PresenceFlushes<Connection>;

  constructor(private readonly deps: RoomsDeps) {
    this.presence = new PresenceFlushes<Connection>(deps.flusher, (member, parts) => member.sendParts(parts));
  }

  get(room: string): RoomPresence<Connection> | undefined {
    return this.byName.get(room);
  }

  usersIn(room: string): User[] {
    return this.byName.get(room)?.users() ?? [];
  }

  /**
   * Puts a connection in a room: its history (unless it resumes), then the list; the others hear
   * `join` when it is the user's first connection there. The connection hears its own join only
   * when it asked to join (not for the lobby on connect).
   */
  enter(connection: Connection, room: string, how: { history: boolean; announceToSelf: boolean }): void {
    let state = this.byName.get(room);
    if (!state) this.byName.set(room, (state = new RoomPresence<Connection>(room)));
    const first = state.add(connection);
    connection.rooms.add(room);

    if (how.history) this.sendHistory(connection, room);
    const ownJoin = state.changeCount;
    if (first) this.deps.bus.publish({ kind: 'presence', room, change: 'join', user: connection.user });
    // The list already has this user; the connection hears its own join only when it asked to join.
    this.sendList(connection, state, first && how.announceToSelf ? ownJoin : undefined);
  }

  /** Joining a room this connection is in already: its view again, and nobody else hears of it. */
  refresh(connection: Connection, room: string, history: boolean): boolean {
    const state = this.byName.get(room);
    if (!state || !connection.rooms.has(room)) return false;
    if (history) this.sendHistory(connection, room);
    this.sendList(connection, state);
    return true;
  }

  /** Takes a connection out of a room; true when that was the user's last one there and `left` went out. */
  leave(connection: Connection, room: string): boolean {
    connection.rooms.delete(room);
    const state = this.byName.get(room);
    if (!state || !state.remove(connection)) return false;
    // The leaver hears it at once; the others with the room's next presence flush.
    connection.send(jsonFrame(leftMessage(room, connection.user)));
    if (state.isEmpty) {
      this.presence.forget(state);
      this.byName.delete(room);
    }
    this.deps.bus.publish({ kind: 'presence', room, change: 'left', user: connection.user });
    return true;
  }

  /** The room's latest page; the frame is kept while the room is occupied and nothing new is said. */
  sendHistory(connection: Connection, room: string): void {
    const state = this.byName.get(room);
    let frame = state?.latestHistory;
    if (!frame) {
      const data = this.deps.store.roomHistory(room, { limit: this.deps.historyLimit });
      frame = jsonFrame({ type: 'history', room, data } satisfies ServerMessage);
      if (state) state.latestHistory = frame;
    }
    connection.send(frame);
  }

  /** A presence change from the bus (this process's or another's): recorded for the room's next flush. */
  record(room: string, change: 'join' | 'left', user: User): void {
    const state = this.byName.get(room);
    if (!state) return;
    state.record(change, user, JSON.stringify(user));
    this.presence.schedule(state);
  }

  /** Everything waiting, now (shutdown). */
  flushAll(): void {
    this.presence.flushAll(this.byName.values());
  }

  /** Stops every presence timer. */
  stop(): void {
    for (const state of this.byName.values()) this.presence.forget(state);
  }

  /** The room's list to one connection, which from then on needs only later presence changes. */
  private sendList(connection: Connection, state: RoomPresence<Connection>, from?: number): void {
    connection.sendParts(state.greeting(connection));
    state.markListed(connection, from);
  }
}

export function leftMessage(room: string, user: User): ServerMessage {
  return { type: 'left', room, user, data: leftText(user, room) };
}

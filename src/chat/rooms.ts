// The rooms with someone in them now, in this process: entering and leaving (which publishes
// presence), the greeting a connection gets on entering (history and list), and the latest page
// of each occupied room kept as a frame until someone speaks there. Who is in a room is site-wide:
// the users other processes have there (remote) count as present, each once with those here.
import type { PresenceSnapshot } from '../bus/bus.js';
import { jsonFrame } from '../transport/frame.js';
import { conversationKey, type ServerMessage, type User } from '../shared/protocol/index.js';
import type { Store } from '../store/store.js';
import type { Connection, Flusher } from './connection.js';
import { PresenceFlushes } from './presence/presenceFlushes.js';
import { leftText } from './presence/presenceFrames.js';
import { RemotePresence, type RemoteChange } from './presence/remotePresence.js';
import { RoomPresence } from './presence/roomPresence.js';

export interface RoomsDeps {
  store: Store;
  flusher: Flusher;
  historyLimit: number;
  /**
   * Tells the other processes that a user's first connection here entered a room, or their last
   * left it (presenceSync.ts); recorded here at once, not again when the bus brings it back.
   */
  publishPresence: (room: string, change: 'join' | 'left', user: User) => void;
  /** Someone arrived in the room or left it site-wide, here or elsewhere: its head-count may have changed (roomCounts.ts). */
  countChanged?: (room: string) => void;
}

export class Rooms {
  private readonly byName = new Map<string, RoomPresence<Connection>>();
  /** Who is in which room on the other processes: every room, with someone here or not. */
  readonly remote = new RemotePresence();
  readonly presence: PresenceFlushes<Connection>;

  constructor(private readonly deps: RoomsDeps) {
    this.presence = new PresenceFlushes<Connection>(deps.flusher, (member, parts) => member.sendParts(parts));
  }

  get(room: string): RoomPresence<Connection> | undefined {
    return this.byName.get(room);
  }

  /** Everyone in the room, here or on another process, each once. */
  usersIn(room: string): User[] {
    return this.byName.get(room)?.users() ?? this.remote.usersIn(room);
  }

  /**
   * Puts a connection in a room: its history (unless it resumes), then the list; the others hear
   * `join` when it is the user's first connection there, on any process. The connection hears its
   * own join only when it asked to join (not for the lobby on connect).
   */
  enter(connection: Connection, room: string, how: { history: boolean; announceToSelf: boolean }): void {
    let state = this.byName.get(room);
    if (!state) this.byName.set(room, (state = this.open(room)));
    const arrives = !state.has(connection.user.id);
    const first = state.add(connection);
    connection.rooms.add(room);

    if (how.history) this.sendHistory(connection, room);
    const ownJoin = state.changeCount;
    if (first) this.announce(state, 'join', connection.user, arrives);
    // The list already has this user; the connection hears its own join only when it asked to join.
    this.sendList(connection, state, arrives && how.announceToSelf ? ownJoin : undefined);
  }

  /** Joining a room this connection is in already: its view again, and nobody else hears of it. */
  refresh(connection: Connection, room: string, history: boolean): boolean {
    const state = this.byName.get(room);
    if (!state || !connection.rooms.has(room)) return false;
    if (history) this.sendHistory(connection, room);
    this.sendList(connection, state);
    return true;
  }

  /**
   * Takes a connection out of a room; true when that was the user's last one there in this process
   * and it heard `left` (the room hears it too when no other process has the user there).
   */
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
    this.announce(state, 'left', connection.user, !state.has(connection.user.id));
    return true;
  }

  /**
   * The room's latest page; the frame is kept while the room is occupied and nothing new is said.
   * A message on it that the bus has not delivered yet is then not sent to this connection twice.
   */
  sendHistory(connection: Connection, room: string): void {
    const kept = this.byName.get(room)?.latestHistory;
    if (kept) {
      connection.send(kept.frame);
      connection.cover({ scopes: [conversationKey({ room })], upTo: kept.newestId });
      return;
    }
    // Read from the store as the connection's own work: what is due to it meanwhile (its list,
    // live messages) waits behind the page, in order.
    connection.later(async () => {
      const seen = this.byName.get(room)?.messagesSeen;
      // With the change number it is complete up to (see HistoryPage in store.ts).
      const { messages: data, change } = await this.deps.store.roomPage(room, { limit: this.deps.historyLimit });
      const latest = { frame: jsonFrame({ type: 'history', room, data, change } satisfies ServerMessage), newestId: data.at(-1)?.id ?? 0 };
      // Kept only when no message came while it was read: the page might not have it.
      const state = this.byName.get(room);
      if (state && state.messagesSeen === seen) state.latestHistory = latest;
      connection.peer.send(latest.frame);
      return { scopes: [conversationKey({ room })], upTo: latest.newestId };
    });
  }

  /**
   * Presence on the other processes changed (see remotePresence.ts): recorded for the room's next
   * flush where that makes someone arrive or leave site-wide. A room with nobody here has nobody to tell.
   */
  applyRemote(changes: readonly RemoteChange[]): void {
    for (const { room, change, user } of changes) {
      // Rooms nobody here is in are counted too: a page shows how many are in rooms it is not in.
      this.deps.countChanged?.(room);
      const state = this.byName.get(room);
      if (!state) continue;
      const userJson = JSON.stringify(user);
      if (!state.setElsewhere(user, userJson, change === 'join')) continue;
      state.record(change, user, userJson);
      this.presence.schedule(state);
    }
  }

  /** The users connected to each room in this process, for the other processes (a snapshot). */
  localPresence(): PresenceSnapshot {
    const snapshot: PresenceSnapshot = {};
    for (const [name, state] of this.byName) snapshot[name] = state.localUsers();
    return snapshot;
  }

  /** A room someone here enters first: it starts with who the other processes have there. */
  private open(room: string): RoomPresence<Connection> {
    const state = new RoomPresence<Connection>(room);
    for (const user of this.remote.usersIn(room)) state.setElsewhere(user, JSON.stringify(user), true);
    return state;
  }

  /**
   * A change of this process, published for the other processes. When it makes the user arrive or
   * leave site-wide (`siteWide`) it is recorded now too (a list sent next must know it is there).
   * An empty room has nobody here to tell.
   */
  private announce(state: RoomPresence<Connection>, change: 'join' | 'left', user: User, siteWide: boolean): void {
    if (siteWide) this.deps.countChanged?.(state.name);
    if (siteWide && !state.isEmpty) {
      state.record(change, user, JSON.stringify(user));
      this.presence.schedule(state);
    }
    this.deps.publishPresence(state.name, change, user);
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

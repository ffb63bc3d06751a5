// What every command gets: the chat's services (the hub implements this), the connection the
// message came on, and the message, already validated by the protocol's parser.
import type { BusEvent, Origin } from '../../bus/bus.js';
import type { ClientMessages, ClientMessageType, ServerMessage } from '../../shared/protocol/index.js';
import type { Store } from '../../store/store.js';
import type { Connection } from '../connection.js';
import type { LockedRooms } from '../lockedRooms.js';
import type { RecentMessages } from '../recentMessages.js';
import type { ResumePoint } from '../resume.js';
import type { Rooms } from '../rooms.js';
import type { UserLimits } from '../userLimits.js';
import type { TypingThrottle } from '../typingThrottle.js';

export interface ChatContext {
  readonly store: Store;
  readonly rooms: Rooms;
  readonly limits: UserLimits;
  readonly typing: TypingThrottle;
  /** The rooms locked by a moderator (kept by the bus's `roomLock` events). */
  readonly locks: LockedRooms;
  /** What never changes about the latest messages heard of: a change to one is checked without a read. */
  readonly recent: RecentMessages;
  /** Messages in a latest page. */
  readonly historyLimit: number;
  /** Rooms one user may belong to besides the lobby; 0 means no cap. */
  readonly maxRoomsPerUser: number;
  /** How long a session lives (SESSION_DAYS): a guest signed in longer ago holds their name no more. */
  readonly sessionMaxAgeMs: number;
  /** How long after sending a message its author may edit it (EDIT_WINDOW_MINUTES); 0: no limit. */
  readonly editWindowMs: number;
  /** Out to every process's hub, now (for what announces nothing kept: typing). */
  publish(event: BusEvent): void;
  /**
   * Publishes what `event` makes of a write's result once the write is committed, after whatever
   * was handed over before it (in write order, which is id order). The frame's handling does not
   * wait for the commit, so a burst of frames from one connection shares one commit. A write that
   * fails is answered to the connection as the frame's error, with `ref` (the frame's), and nothing is published.
   */
  publishAfter<T>(connection: Connection, write: Promise<T>, event: (result: T) => BusEvent | undefined, ref?: string): void;
  /** A message to this connection only. */
  send(connection: Connection, message: ServerMessage): void;
  /** Replays what the connection missed after `since` in these rooms (and the user's DMs), with `changes` the changes too. */
  resume(connection: Connection, from: ResumePoint, rooms: string[], dmsOf?: string): void;
}

/** Handles one client message type; refuses by throwing (see errors.ts). */
export type Command<K extends ClientMessageType> = (chat: ChatContext, connection: Connection, message: ClientMessages[K]) => void | Promise<void>;

/** The sender's connection, so its own copy of the message carries its `ref`. */
export function originOf(connection: Connection, ref: string | undefined): Origin {
  return ref === undefined ? { connectionId: connection.id } : { connectionId: connection.id, ref };
}

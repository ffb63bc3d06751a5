// The fan-out seam: every message, presence change and sign-out goes out through the bus, never
// straight to sockets, so that each process's hub delivers it to its own connections.
import type { RoomChange, ServerMessage, User } from '../shared/protocol/index.js';

/** Where a message came from, so the sender's own connection gets its `ref` back. */
export interface Origin {
  connectionId: string;
  ref?: string;
}

/** The users connected to one hub, room by room (those with nobody there left out). */
export type PresenceSnapshot = Record<string, User[]>;

/**
 * One fan-out instruction. Every process's hub delivers it to its own matching connections.
 * `except` leaves out one connection (by id), `exceptUser` every connection of one user.
 */
export type BusEvent =
  | { kind: 'room'; room: string; message: ServerMessage; origin?: Origin; except?: string; exceptUser?: string }
  /** `roomChanges`: only to connections that asked for room changes (`?rooms=changes`), such as `membership`. */
  | { kind: 'users'; userIds: string[]; message: ServerMessage; origin?: Origin; except?: string; roomChanges?: true }
  /** To one connection, by id: a reply that must come after what its earlier messages published (pong). */
  | { kind: 'connection'; userId: string; connectionId: string; message: ServerMessage }
  /**
   * A room was made, archived or deleted (committed already); `names` is every open room's name
   * after it, in creation order, private ones left out. Hubs take their connections out of a room
   * that ended. A private room's change has `members` (user ids): only their connections hear it.
   */
  | { kind: 'roomChange'; change: RoomChange; room: string; names: string[]; members?: string[] }
  /**
   * A user's membership of a private room ended (committed already: they left, or were removed):
   * every hub takes that user's connections out of the room (each hears its `left`), after
   * `notice`, when given, goes to every connection of the user and of the users in `tell`.
   */
  | { kind: 'evict'; room: string; userId: string; notice?: ServerMessage; tell?: string[] }
  /**
   * Someone's first connection on the hub `from` entered a room, or their last one there left it:
   * every other hub keeps it per process (chat/presence/remotePresence.ts) and tells its members
   * only when the user arrives or leaves site-wide. The hub `from` has it already.
   */
  | { kind: 'presence'; room: string; change: 'join' | 'left'; user: User; from: string }
  /**
   * A hub started, or its bus reaches the others again: what it has now (which replaces anything
   * known of it, missed events included), and a request for theirs; every other hub answers with a `snapshot`.
   */
  | { kind: 'hello'; from: string; rooms: PresenceSnapshot }
  /** The answer to the `hello` of the hub `to`: the presence of `from` now, so a newcomer learns who is there already. */
  | { kind: 'snapshot'; from: string; to: string; rooms: PresenceSnapshot }
  /** Every hub says this every fifth of PRESENCE_TIMEOUT_MS: one silent for longer is taken as gone (crashed), and its users leave. */
  | { kind: 'alive'; from: string }
  /** A hub stops cleanly: its users leave at once, without the others waiting out PRESENCE_TIMEOUT_MS. */
  | { kind: 'goodbye'; from: string }
  /** A moderator locked or unlocked a room (committed already): every hub keeps it, and tells the room. */
  | { kind: 'roomLock'; room: string; locked: boolean }
  /** Closes the user's connections: those of one session (sign-out), or all (sign out everywhere). */
  | { kind: 'disconnect'; userId: string; sessionId?: string; code: number; reason: string };

/**
 * In-process, or Redis pub/sub (several processes behind nginx): the hub is the same on either.
 * Every subscriber of every process receives every event, its own included, in one order for all.
 */
export interface Bus {
  publish(event: BusEvent): void;
  subscribe(listener: (event: BusEvent) => void): () => void;
  /**
   * Whether what is published now reaches every process. While it does not, events published
   * here reach this process's subscribers only (and events of other processes are missed).
   */
  readonly connected: boolean;
  /** Called with false when the bus stops reaching the other processes, with true once it does again. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  close(): Promise<void>;
}

/** For buses that never lose a connection (one process): always connected, never a change. */
export const ALWAYS_CONNECTED = {
  connected: true,
  onConnectionChange: (): (() => void) => () => {},
} as const;

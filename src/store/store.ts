import type { ChatMessage, DirectMessage, StoredMessage, User } from '../shared/protocol.js';

export interface Room {
  name: string;
  createdAt: number;
}

export interface Page {
  /** Only messages with a smaller id. */
  before?: number;
  limit: number;
}

export interface StoredUser extends User {
  createdAt: number;
}

/**
 * The storage seam: everything the server keeps goes through here, so another backend
 * (PostgreSQL) can replace the embedded SQLite one without touching the hub or the routes.
 * Ids come from the store and increase in the order messages were added.
 */
export interface Store {
  addUser(user: User, createdAt: number): void;
  getUser(id: string): StoredUser | undefined;

  /** Rooms in creation order, lobby first. */
  listRooms(): Room[];
  /** Finds a room by name, case-insensitively; returns it with its canonical spelling. */
  findRoom(name: string): Room | undefined;
  /** Creates a room; undefined when one of that name (case-insensitively) exists. */
  createRoom(name: string, createdAt: number): Room | undefined;

  addChat(message: { room: string; user: User; data: string; ts: number }): ChatMessage;
  addDm(message: { user: User; to: User; data: string; ts: number }): DirectMessage;

  /** A page of a room's messages, oldest first. */
  roomHistory(room: string, page: Page): ChatMessage[];
  /** A page of the conversation between two users, oldest first. */
  dmHistory(userId: string, otherId: string, page: Page): DirectMessage[];
  /** The newest message id, 0 when there is none. */
  lastMessageId(): number;
  /** Every message after `since` in the given rooms and, with `dmsOf`, that user's DMs, in id order. */
  messagesSince(since: number, rooms: string[], dmsOf?: string): StoredMessage[];

  close(): void;
}

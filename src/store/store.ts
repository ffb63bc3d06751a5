// The storage seam (the `Store` interface) and the types it speaks in; the SQLite store in
// sqlite/ and the PostgreSQL one in postgres/ implement it.
import type { AccountStore } from './accountStore.js';
import type { ModerationStore } from './moderation.js';
import type { ChangeStore } from './changes.js';
import type { ChatMessage, Conversation, DirectMessage, ReplyQuote, SearchResult, StoredMessage, UnreadEntry, User } from '../shared/protocol/index.js';

export interface Room {
  name: string;
  createdAt: number;
  /** Who made it; absent for rooms made before rooms kept that. */
  createdBy?: string;
  /** When it was archived: nobody may join, post or read it over the socket any more. */
  archivedAt?: number;
  /** Invite-only: only its members may see it, on every path (docs/protocol.md, "Private rooms"). */
  private?: true;
}

/** A page of the room directory: rooms whose name contains `q`, after `after`, by name. */
export interface RoomQuery {
  /** Part of the name, in any case; '' for every room. */
  q: string;
  /** Only rooms whose name comes after this one (case-insensitively); '' from the start. */
  after: string;
  limit: number;
  /** Whose directory it is: the private rooms they are a member of are listed too (no others). */
  viewer?: string;
}

/**
 * A history page and a change number it is complete up to: every edit, deletion and reaction
 * numbered up to `change` shows in `messages` (later ones may too; a client that resumes from it is
 * sent those again, and they change nothing).
 */
export interface HistoryPage<M extends StoredMessage> {
  messages: M[];
  change: number;
}

export interface Page {
  /** Only messages with a smaller id. */
  before?: number;
  limit: number;
}

/** A sign-in: the cookie carries its id, and ending it here ends the cookie, copies included. */
export interface StoredSession {
  id: string;
  /** Whose sign-in it is, read with it: every request needs both. */
  user: StoredUser;
  createdAt: number;
  endedAt?: number;
}

export interface StoredUser extends User {
  createdAt: number;
}

/**
 * Who holds a name (docs/protocol.md, "Names"): the user, the password's hash when the name is
 * claimed (theirs for good), and whether they are signed in now (a guest holds a name only then).
 */
/** A room message to add: `mentions` the ids its `@name`s were resolved to when it was sent. */
export interface NewChat {
  room: string;
  user: User;
  data: string;
  ts: number;
  mentions?: string[];
  /** The message it answers, as quoted (checked by the caller: same room, visible, not deleted). */
  replyTo?: ReplyQuote;
}

/** A direct message to add, its mentions as a chat's. */
export interface NewDm {
  user: User;
  to: User;
  data: string;
  ts: number;
  mentions?: string[];
  replyTo?: ReplyQuote;
}

export interface NameHolder {
  user: StoredUser;
  /** The password's hash, as identity/passwords.ts encodes it; absent for a guest. */
  passwordHash?: string;
  /** A session of theirs has not ended and was made after the `liveAfter` asked about. */
  signedIn: boolean;
}

/** Whether the name is someone's now: claimed with a password, or a guest's who is signed in. */
export function holdsName(holder: NameHolder | undefined): holder is NameHolder {
  return holder !== undefined && (holder.passwordHash !== undefined || holder.signedIn);
}

/** A sign-in by name, as `signInByName` takes it. */
export interface NameSignIn {
  /** The name's key (nameKey). */
  key: string;
  /** Who signs in: a new user (a fresh id), or the holder again (their id, as the store has them). */
  user: User;
  sessionId: string;
  at: number;
  /** Sessions made after this (and not ended) are live: `at` minus how long a session lasts. */
  liveAfter: number;
  /** Claims the name for good with this hash (passwords.ts), unless the user has one already. */
  passwordHash?: string;
  /** A short description of the browser (identity/userAgent.ts), kept with the session. */
  agent?: string;
}

/** Signed in (the user as kept), or refused: the name is someone else's for good, or held by someone else signed in now. */
export type NameSignInOutcome = { ok: true; user: StoredUser } | { ok: false; reason: 'claimed' | 'signedIn'; holder: StoredUser };

/** What one step of the upkeep removed. */
export interface SweepCounts {
  sessions: number;
  users: number;
  /** A limit of the step was reached: there is more to do now. */
  more: boolean;
}

/** What a read marker is about: a room (by its canonical name) or the conversation with a user. */
export type { Conversation };

/** Which messages a search may return: these rooms, and with `dmsOf` that user's own DMs. */
export interface SearchScope {
  rooms: string[];
  dmsOf?: string;
}

/**
 * Why a search was not answered: too many are waiting (`busy`), it ran past its time budget
 * (`timeout`), or search cannot run just now (`unavailable`: its worker died, or the store is closing).
 */
export class SearchRefused extends Error {
  override name = 'SearchRefused';

  constructor(
    readonly reason: 'busy' | 'timeout' | 'unavailable',
    detail?: string,
  ) {
    super(detail ?? `search refused: ${reason}`);
  }
}

/**
 * The storage seam: everything the server keeps goes through here, so that either engine (the
 * embedded SQLite, or PostgreSQL with DATABASE_URL) serves the hub and the routes alike.
 *
 * Every call is asynchronous. A write resolves once it is committed: the writes of one turn of
 * the event loop share one transaction (the group commit), so what a write's result announces is
 * kept before anyone can be told of it; when the commit fails, every write of it rejects and none
 * of them happened. Ids come from the store and increase in the order messages were added; on
 * PostgreSQL, where several processes may add them, they are also dense and committed in id order
 * (postgres/messageIds.ts): once an id is visible, so is every id below it that was kept.
 *
 * While the store cannot be reached (PostgreSQL away), calls reject with StoreUnavailable
 * (./unavailable.ts) and nothing they asked for happened; once it is back they work again.
 */
export interface Store extends AccountStore, ChangeStore {
  /** Roles, removals, blocks, locks and the log (moderation.ts). */
  readonly moderation: ModerationStore;

  /** Whether the store can be reached now (`GET /healthz`); cheap enough to ask on every request. */
  reachable(): Promise<boolean>;

  /** Adds a user unless one has the id (write). */
  addUser(user: User, createdAt: number): Promise<void>;
  getUser(id: string): Promise<StoredUser | undefined>;

  /** Rooms in creation order, lobby first; archived and deleted ones left out (private ones kept, marked). */
  listRooms(): Promise<Room[]>;
  /**
   * Finds a room by name, case-insensitively; returns it with its canonical spelling. An archived
   * room is found (with `archivedAt`), a deleted one is not.
   */
  findRoom(name: string): Promise<Room | undefined>;
  /**
   * Creates a room (write); undefined when one of that name (case-insensitively), or of the same
   * nameKey, exists, archived or being deleted. A private room has its creator as its first
   * member, in the same transaction.
   */
  createRoom(name: string, createdAt: number, createdBy?: string, isPrivate?: boolean): Promise<Room | undefined>;
  /** The room whose name has this nameKey, archived or not (not deleted): which room a new name is too like. */
  findRoomByKey(key: string): Promise<Room | undefined>;
  /** The directory: rooms that are neither archived nor deleted, by name (case-insensitively); private ones only for their members. */
  findRooms(query: RoomQuery): Promise<Room[]>;
  /** Archives a room, never the lobby (write); false when there is no such room or it is archived already. */
  archiveRoom(name: string, at: number): Promise<boolean>;
  /**
   * Deletes a room, never the lobby, archived or not (write): it is gone at once for every read,
   * with its memberships; its messages go with it, a few at a time in the background when there
   * are many, and its name is free again once they have. False when there is no such room.
   */
  deleteRoom(name: string, at: number): Promise<boolean>;

  /** Stores a room message (write); it has its id once it is committed. */
  addChat(message: NewChat): Promise<ChatMessage>;
  /** Stores a direct message (write). */
  addDm(message: NewDm): Promise<DirectMessage>;

  /** A page of a room's messages, oldest first. */
  roomHistory(room: string, page: Page): Promise<ChatMessage[]>;
  /** A page of the conversation between two users, oldest first. */
  dmHistory(userId: string, otherId: string, page: Page): Promise<DirectMessage[]>;
  /** `roomHistory` with the change number it is complete up to (what a `history` frame carries). */
  roomPage(room: string, page: Page): Promise<HistoryPage<ChatMessage>>;
  /** `dmHistory` with the change number it is complete up to. */
  dmPage(userId: string, otherId: string, page: Page): Promise<HistoryPage<DirectMessage>>;
  /** The newest message id, 0 when there is none. */
  lastMessageId(): Promise<number>;
  /**
   * The messages after `since` in the given rooms and, with `dmsOf`, that user's DMs, in id order:
   * all of them, or the first `limit`.
   */
  messagesSince(since: number, rooms: string[], dmsOf?: string, limit?: number): Promise<StoredMessage[]>;
  /**
   * Every message with `after` < id ≤ `upTo`, room chats and DMs alike, in id order: the first
   * `limit` of them. Messages of deleted rooms are left out (they are being purged). Read along the
   * primary key, as cheap at a million messages as at ten: what a process fills a gap in its live
   * stream with (on PostgreSQL ids are dense and committed in id order: postgres/messageIds.ts).
   */
  messagesBetween(after: number, upTo: number, limit: number): Promise<StoredMessage[]>;

  /**
   * The rooms a user belongs to, by canonical name: lobby first (everyone is in it), then in
   * creation order. Archived rooms are among them (their messages stay searchable for their members).
   */
  roomsOf(userId: string): Promise<string[]>;
  /** The rooms a user belongs to that are open (not archived), as `roomsOf` orders them: the page's sidebar. */
  joinedRooms(userId: string): Promise<Room[]>;
  isMember(userId: string, room: string): Promise<boolean>;
  /** The ids of a room's members (none for the lobby, which is everyone's): who hears of a private room. */
  membersOf(room: string): Promise<string[]>;
  /**
   * Makes the user a member of the room for good (write); true when they were not one already. A
   * new member's read marker starts at the room's newest message, so its past does not count as unread.
   */
  addMembership(userId: string, room: string, joinedAt: number): Promise<boolean>;
  /** Ends a membership, never the lobby's (write); the read marker is kept. */
  removeMembership(userId: string, room: string): Promise<void>;
  /** The people a user has DMs with, most recent conversation first. */
  conversationsOf(userId: string, limit: number): Promise<User[]>;

  /** Moves a read marker forward to `id` (write); true when it moved (it never moves backwards). */
  markRead(userId: string, about: Conversation, id: number): Promise<boolean>;
  /**
   * Every open room the user is a member of and every conversation of theirs with messages from others
   * after the read marker: how many, how many mention them (as resolved when sent), and the marker. Rooms first.
   */
  unreadOf(userId: string): Promise<UnreadEntry[]>;

  /**
   * Messages containing `text` (case-insensitively), newest first, within the scope; a DM's
   * `with` is the other person as seen from `scope.dmsOf`. Answered off the event loop, under a
   * time budget; rejects with SearchRefused when it cannot be answered.
   */
  search(text: string, scope: SearchScope, limit: number): Promise<SearchResult[]>;

  /** Who holds the name with this key (nameKey), if anyone; `signedIn` counts sessions made after `liveAfter`. */
  nameHolder(key: string, liveAfter: number): Promise<NameHolder | undefined>;
  /**
   * A sign-in by name, in one transaction (write): refused when someone else holds the name (claimed,
   * or signed in now); otherwise the name is the user's (taken from a guest no longer signed in),
   * the user is added if new, the password's hash kept if given (the name is then theirs for good),
   * and the session recorded. Two sign-ins of one name at once, on any process, get one holder.
   */
  signInByName(signIn: NameSignIn): Promise<NameSignInOutcome>;
  /** Records a sign-in (write). */
  addSession(id: string, userId: string, createdAt: number): Promise<void>;
  getSession(id: string): Promise<StoredSession | undefined>;
  /** Whether any session was ever made for the user (by a sign-in here). */
  hasSessions(userId: string): Promise<boolean>;
  /** Ends one sign-in (write). */
  endSession(id: string, at: number): Promise<void>;
  /** Sign out everywhere (write). */
  endSessionsOf(userId: string, at: number): Promise<void>;
  /**
   * One small bounded step of the upkeep: sessions older than `maxAgeMs` go, and so do users made
   * before then with no session since, no message sent or received and nothing else naming them.
   */
  sweep(now: number, maxAgeMs: number): Promise<SweepCounts>;

  /**
   * Commits this turn's writes now, when the engine can and must: SQLite answers reads on the
   * connection it writes on, so a read this turn may have seen what is not committed yet, and the
   * outbox calls this before writing to any socket. Throws when the commit fails (every write of
   * it has rejected by then). An engine whose reads never see uncommitted writes does nothing here.
   */
  commitPending(): void;

  /** Commits what is waiting, then lets go of the engine. */
  close(): Promise<void>;
}

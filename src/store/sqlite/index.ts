// Why this file is long: it is the whole `Store` interface over the engine, one short method per call, each a read or a write of the turn's transaction.
// The SQLite store as the server uses it: the `Store` interface over the synchronous engine, with
// the group commit. A turn's writes run at once inside one transaction (so reads in the same turn
// see them, on the one connection) and are committed together on `setImmediate`, or earlier when
// the outbox is about to write (`commitPending`); each write's promise settles with that commit.
// A turn's reads share one transaction too (ended before its first write), for SQLite's locks.
import type {
  ChatMessage,
  Conversation,
  DirectMessage,
  SearchResult,
  StoredMessage,
  UnreadEntry,
  User,
} from '../../shared/protocol/index.js';
import type {
  HistoryPage,
  NameHolder,
  NameSignIn,
  NameSignInOutcome,
  NewChat,
  NewDm,
  Page,
  Room,
  RoomQuery,
  SearchScope,
  Store,
  StoredSession,
  StoredUser,
  SweepCounts,
} from '../store.js';
import type { Rename, RenameOutcome, SessionInfo } from '../accountStore.js';
import { SqliteEngine, type SqliteOptions } from './engine.js';
import { SqliteModeration } from './moderation.js';
import { SqliteChanges } from './changes.js';
import type { EditOutcome, MessageChange, MessageEdit, ToggleOutcome } from '../changes.js';

export { SqliteEngine, type SqliteOptions } from './engine.js';

interface Waiting {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class SqliteStore implements Store {
  readonly engine: SqliteEngine;
  readonly moderation: SqliteModeration;
  private readonly changes: SqliteChanges;
  private waiting: Waiting[] = [];
  private scheduled = false;
  // On its own turn, a failure reaches the writers through their promises: nothing to throw to.
  private readonly commitNow = () => {
    try {
      this.commitPending();
    } catch {
      // Already rejected every waiting write.
    }
  };

  constructor(dataDir: string, options: SqliteOptions = {}) {
    this.engine = new SqliteEngine(dataDir, options);
    this.moderation = new SqliteModeration(this.engine.database, this.read, (run) => this.write(run), (room) => this.engine.forgetRoom(room));
    this.changes = new SqliteChanges(this.engine.database, (room) => this.engine.forgetRoom(room));
  }

  editMessage(edit: MessageEdit): Promise<EditOutcome> {
    return this.write(() => this.changes.edit(edit));
  }

  deleteMessage(id: number, at: number): Promise<MessageChange | undefined> {
    return this.write(() => this.changes.delete(id, at));
  }

  toggleReaction(id: number, userId: string, emoji: string, max: number): Promise<ToggleOutcome> {
    return this.write(() => this.changes.toggle(id, userId, emoji, max));
  }

  async lastChange(): Promise<number> {
    return this.read(() => this.changes.lastChange());
  }

  async changesSince(after: number, upToId: number, rooms: string[], dmsOf?: string): Promise<MessageChange[]> {
    return this.read(() => this.changes.since(after, upToId, rooms, dmsOf));
  }

  async changesBetween(after: number, upTo: number, limit: number): Promise<MessageChange[]> {
    return this.read(() => this.changes.between(after, upTo, limit));
  }

  /** A file on this machine: there is nothing to be out of reach of. */
  reachable(): Promise<boolean> {
    return Promise.resolve(true);
  }

  /** Commits this turn's writes now (see Store); throws when the commit fails, after rejecting them. */
  commitPending(): void {
    this.scheduled = false;
    if (this.waiting.length === 0 && !this.engine.inBatch) return;
    const waiting = this.waiting;
    this.waiting = [];
    try {
      this.engine.commitBatch();
    } catch (error) {
      for (const write of waiting) write.reject(error);
      throw error;
    }
    for (const write of waiting) write.resolve();
  }

  /** The turn's transaction is committed on `setImmediate` (or by `commitPending` before that). */
  private commitLater(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.commitNow);
  }

  /**
   * Runs a read in this turn's transaction (opened for it when none is): the turn's reads take
   * SQLite's locks once, not once each (see SqliteEngine.beginReading).
   */
  private readonly read = <T>(run: () => T): T => {
    this.engine.beginReading();
    this.commitLater();
    return run();
  };

  /** Runs a write in this turn's transaction; resolves with its result once that is committed. */
  private write<T>(run: () => T): Promise<T> {
    this.engine.beginBatch();
    this.commitLater();
    let result: T;
    try {
      result = run();
    } catch (error) {
      // This statement was undone by SQLite; the rest of the batch goes on.
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => this.waiting.push({ resolve: () => resolve(result), reject }));
  }

  addUser(user: User, createdAt: number): Promise<void> {
    return this.write(() => this.engine.addUser(user, createdAt));
  }

  async getUser(id: string): Promise<StoredUser | undefined> {
    return this.read(() => this.engine.getUser(id));
  }

  async listRooms(): Promise<Room[]> {
    return this.read(() => this.engine.listRooms());
  }

  async findRoom(name: string): Promise<Room | undefined> {
    return this.read(() => this.engine.findRoom(name));
  }

  createRoom(name: string, createdAt: number, createdBy?: string, isPrivate = false): Promise<Room | undefined> {
    return this.write(() => this.engine.createRoom(name, createdAt, createdBy, isPrivate));
  }

  async findRoomByKey(key: string): Promise<Room | undefined> {
    return this.read(() => this.engine.findRoomByKey(key));
  }

  async findRooms(query: RoomQuery): Promise<Room[]> {
    return this.read(() => this.engine.findRooms(query));
  }

  archiveRoom(name: string, at: number): Promise<boolean> {
    return this.write(() => this.engine.archiveRoom(name, at));
  }

  deleteRoom(name: string, at: number): Promise<boolean> {
    return this.write(() => this.engine.deleteRoom(name, at));
  }

  addChat(message: NewChat): Promise<ChatMessage> {
    return this.write(() => this.engine.addChat(message));
  }

  addDm(message: NewDm): Promise<DirectMessage> {
    return this.write(() => this.engine.addDm(message));
  }

  async roomHistory(room: string, page: Page): Promise<ChatMessage[]> {
    return this.read(() => this.engine.roomHistory(room, page));
  }

  async dmHistory(userId: string, otherId: string, page: Page): Promise<DirectMessage[]> {
    return this.read(() => this.engine.dmHistory(userId, otherId, page));
  }

  // Synchronous reads between two commits: the change number and the page see the same state.
  async roomPage(room: string, page: Page): Promise<HistoryPage<ChatMessage>> {
    return this.read(() => ({ change: this.changes.lastChange(), messages: this.engine.roomHistory(room, page) }));
  }

  async dmPage(userId: string, otherId: string, page: Page): Promise<HistoryPage<DirectMessage>> {
    return this.read(() => ({ change: this.changes.lastChange(), messages: this.engine.dmHistory(userId, otherId, page) }));
  }

  async lastMessageId(): Promise<number> {
    return this.read(() => this.engine.lastMessageId());
  }

  async messagesSince(since: number, rooms: string[], dmsOf?: string, limit?: number): Promise<StoredMessage[]> {
    return this.read(() => this.engine.messagesSince(since, rooms, dmsOf, limit));
  }

  async messagesBetween(after: number, upTo: number, limit: number): Promise<StoredMessage[]> {
    return this.read(() => this.engine.messagesBetween(after, upTo, limit));
  }

  async roomsOf(userId: string): Promise<string[]> {
    return this.read(() => this.engine.roomsOf(userId));
  }

  async joinedRooms(userId: string): Promise<Room[]> {
    return this.read(() => this.engine.joinedRooms(userId));
  }

  async isMember(userId: string, room: string): Promise<boolean> {
    return this.read(() => this.engine.isMember(userId, room));
  }

  async membersOf(room: string): Promise<string[]> {
    return this.read(() => this.engine.membersOf(room));
  }

  addMembership(userId: string, room: string, joinedAt: number): Promise<boolean> {
    return this.write(() => this.engine.addMembership(userId, room, joinedAt));
  }

  removeMembership(userId: string, room: string): Promise<void> {
    return this.write(() => this.engine.removeMembership(userId, room));
  }

  async conversationsOf(userId: string, limit: number): Promise<User[]> {
    return this.read(() => this.engine.conversationsOf(userId, limit));
  }

  markRead(userId: string, about: Conversation, id: number): Promise<boolean> {
    return this.write(() => this.engine.markRead(userId, about, id));
  }

  async unreadOf(userId: string): Promise<UnreadEntry[]> {
    return this.read(() => this.engine.unreadOf(userId));
  }

  search(text: string, scope: SearchScope, limit: number): Promise<SearchResult[]> {
    return this.engine.search(text, scope, limit);
  }

  async nameHolder(key: string, liveAfter: number): Promise<NameHolder | undefined> {
    return this.read(() => this.engine.nameHolder(key, liveAfter));
  }

  signInByName(signIn: NameSignIn): Promise<NameSignInOutcome> {
    return this.write(() => this.engine.signInByName(signIn));
  }

  addSession(id: string, userId: string, createdAt: number): Promise<void> {
    return this.write(() => this.engine.addSession(id, userId, createdAt));
  }

  async getSession(id: string): Promise<StoredSession | undefined> {
    return this.read(() => this.engine.getSession(id));
  }

  async hasSessions(userId: string): Promise<boolean> {
    return this.read(() => this.engine.hasSessions(userId));
  }

  endSession(id: string, at: number): Promise<void> {
    return this.write(() => this.engine.endSession(id, at));
  }

  endSessionsOf(userId: string, at: number): Promise<void> {
    return this.write(() => this.engine.endSessionsOf(userId, at));
  }

  async sessionsOf(userId: string, liveAfter: number): Promise<SessionInfo[]> {
    return this.read(() => this.engine.accountChanges.sessionsOf(userId, liveAfter));
  }

  async passwordHashOf(userId: string): Promise<string | undefined> {
    return this.read(() => this.engine.accountChanges.passwordHashOf(userId));
  }

  setPassword(userId: string, passwordHash: string, keepSession: string | undefined, at: number): Promise<void> {
    return this.write(() => this.engine.accountChanges.setPassword(userId, passwordHash, keepSession, at));
  }

  renameUser(rename: Rename): Promise<RenameOutcome> {
    return this.write(() => this.engine.accountChanges.renameUser(rename));
  }

  deleteUser(userId: string, at: number): Promise<void> {
    return this.write(() => this.engine.accountChanges.deleteUser(userId, at));
  }

  async sweep(now: number, maxAgeMs: number): Promise<SweepCounts> {
    return this.engine.sweep(now, maxAgeMs);
  }

  async close(): Promise<void> {
    this.commitNow();
    this.engine.close();
  }
}

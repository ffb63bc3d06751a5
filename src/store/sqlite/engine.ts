// Why this file is long: it is the store's one synchronous face, passing each call through to the module of its concern, with the connection's settings, batches and closing that span them all.
// The SQLite engine: opens the file and sets up the connection, brings the schema to the latest
// version (migrations.ts), and answers for the store through one module per concern: messages,
// rooms and memberships, read markers, search, users and sessions. Its calls are synchronous, as
// better-sqlite3's are; the server uses it through SqliteStore (index.ts), which gives it the
// asynchronous `Store` interface and commits each turn's writes together. Tools and tests that
// work on a file directly (seeding a million messages, checking a migration) use it as it is.
// Batches (beginBatch/commitBatch) and closing are here, since they span every concern.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULTS } from '../../config.js';
import {
  type ChatMessage,
  type Conversation,
  type DirectMessage,
  type SearchResult,
  type StoredMessage,
  type UnreadEntry,
  type User,
} from '../../shared/protocol/index.js';
import type { NameHolder, NameSignIn, NameSignInOutcome, NewChat, NewDm, Page, Room, RoomQuery, SearchScope, StoredSession, StoredUser, SweepCounts } from '../store.js';
import { Checkpointer, WAL_LIMIT_BYTES } from './checkpointer.js';
import { Messages } from './messages.js';
import { migrate, schemaVersion } from './migrations.js';
import { Reads } from './reads.js';
import { RoomPurge } from './roomPurge.js';
import { Rooms } from './rooms.js';
import { Search } from './search.js';
import { AccountChanges } from './accountChanges.js';
import { Accounts } from './sessions.js';
import { AccountSweep } from './sweep.js';

/** SQLite's own automatic checkpoint (pages), taken back if the checkpoint worker stops. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface SqliteOptions {
  /** The most the write-ahead log may hold (see checkpointer.ts); smaller in tests. */
  walLimitBytes?: number;
  /** A search's time budget (SEARCH_TIMEOUT_MS); past it the search is refused. */
  searchTimeoutMs?: number;
}

/** One SQLite file in WAL mode under the data folder, with synchronous calls. */
export class SqliteEngine {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly checkpointer: Checkpointer;
  private readonly messages: Messages;
  private readonly reads: Reads;
  private readonly rooms: Rooms;
  private readonly accounts: Accounts;
  /** The account page's changes (accountChanges.ts), called through as they are. */
  readonly accountChanges: AccountChanges;
  private readonly searchIndex: Search;
  private readonly accountSweep: AccountSweep;
  /** The checkpoint worker found the log over its limit while a batch was open: empty it after the commit. */
  private truncateDue = false;
  private readonly purge: RoomPurge;
  /** BEGIN and COMMIT, prepared once (exec parses them again each time). */
  private readonly transaction: { begin: Database.Statement; commit: Database.Statement };
  /** The open transaction has only read so far (beginReading). */
  private readOnly = false;

  constructor(dataDir: string, { walLimitBytes = WAL_LIMIT_BYTES, searchTimeoutMs = DEFAULTS.searchTimeoutMs }: SqliteOptions = {}) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'chat.db');
    const db = new Database(this.file);
    this.db = db;
    try {
      // Before anything is written: a file from a newer release is refused as it is.
      schemaVersion(db);
      // Settings of this connection, made at each opening: SQLite keeps none of them in the file
      // but journal_mode, and that one cannot change inside a migration's transaction.
      // WAL with synchronous=NORMAL: a committed message survives a process crash; readers never block the writer.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Checkpoints run on a worker thread, not inside a commit on the event loop (see checkpointer.ts).
      db.pragma('wal_autocheckpoint = 0');
      // When the log starts over after a checkpoint, a file grown past the limit is cut back to it.
      db.pragma(`journal_size_limit = ${walLimitBytes}`);
      migrate(db);
      // Statement journals in memory: inside a turn's batch each write keeps the pages it changes
      // there, and the indexing's savepoint, where FTS5 merges, passed 64 KiB, which SQLite moved
      // to a temp file made and deleted again batch after batch. After the migrations, whose
      // one-off sorts over a whole old file keep spilling to disk rather than into memory.
      db.pragma('temp_store = MEMORY');
    } catch (error) {
      db.close();
      throw error;
    }
    this.transaction = { begin: db.prepare('BEGIN'), commit: db.prepare('COMMIT') };
    this.checkpointer = new Checkpointer(this.file, (reason) => {
      if (!db.open) return;
      db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      process.emitWarning(`${reason}; SQLite checkpoints inside commits again`, 'CheckpointWarning');
    }, () => this.truncateLog(), walLimitBytes);

    this.messages = new Messages(db);
    this.reads = new Reads(db, this.messages);
    this.purge = new RoomPurge(db, () => this.endReading());
    this.rooms = new Rooms(db, this.reads, this.messages, this.purge);
    this.accounts = new Accounts(db, this.reads);
    this.accountChanges = new AccountChanges(db, this.accounts, this.messages);
    this.searchIndex = new Search(db, this.file, searchTimeoutMs, () => this.endReading());
    this.searchIndex.start();
    this.accountSweep = new AccountSweep(db);
    this.purge.start();
  }

  addUser(user: User, createdAt: number): void {
    this.accounts.addUser(user, createdAt);
  }

  getUser(id: string): StoredUser | undefined {
    return this.accounts.getUser(id);
  }

  listRooms(): Room[] {
    return this.rooms.listRooms();
  }

  findRoom(name: string): Room | undefined {
    return this.rooms.findRoom(name);
  }

  createRoom(name: string, createdAt: number, createdBy?: string, isPrivate = false): Room | undefined {
    return this.rooms.createRoom(name, createdAt, createdBy, isPrivate);
  }

  findRoomByKey(key: string): Room | undefined {
    return this.rooms.findRoomByKey(key);
  }

  findRooms(query: RoomQuery): Room[] {
    return this.rooms.findRooms(query);
  }

  archiveRoom(name: string, at: number): boolean {
    return this.rooms.archiveRoom(name, at);
  }

  deleteRoom(name: string, at: number): boolean {
    return this.rooms.deleteRoom(name, at);
  }

  /** The connection, for a concern composed outside the engine (moderation.ts, with the store's group commit). */
  get database(): Database.Database {
    return this.db;
  }

  /** A room's latest page kept in memory is stale (a message of it was deleted). */
  forgetRoom(room: string): void {
    this.messages.forgetRoom(room);
  }

  /** Deletes up to `limit` messages of deleted rooms (the background does it too); how many. */
  purgeDeletedRooms(limit?: number): number {
    return this.purge.purge(limit);
  }

  /**
   * Opens a transaction for reads, unless one is open: SQLite then takes and drops its locks once
   * for all of them, where each statement alone spends about 8 µs of system calls on that.
   */
  beginReading(): void {
    if (this.db.inTransaction) return;
    this.transaction.begin.run();
    this.readOnly = true;
  }

  /**
   * Ends a transaction that has only read, before writes (a batch's, the sweep's, the search
   * index's, the purge's): its snapshot may predate another writer's commit (`npm run admin`), and
   * SQLite refuses to write on a snapshot not the newest.
   */
  endReading(): void {
    if (this.readOnly && this.db.inTransaction) this.transaction.commit.run();
    this.readOnly = false;
  }

  beginBatch(): void {
    this.endReading();
    if (!this.db.inTransaction) this.transaction.begin.run();
  }

  /** Whether a batch is open (a transaction waiting for its commit). */
  get inBatch(): boolean {
    return this.db.inTransaction;
  }

  commitBatch(): void {
    this.readOnly = false;
    if (!this.db.inTransaction) return;
    try {
      this.transaction.commit.run();
    } catch (error) {
      // Undone, whatever the failure (a COMMIT refused for a deferred constraint leaves the
      // transaction open, and the next batch would join it): nothing of it may be answered from memory.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.messages.forget();
      this.rooms.forget();
      throw error;
    }
    if (this.truncateDue) this.truncateLog();
  }

  /** Empties the write-ahead log (it grew past its limit), between two commits: see checkpointer.ts. */
  private truncateLog(): void {
    if (!this.db.open) return;
    this.truncateDue = this.db.inTransaction;
    if (!this.truncateDue) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Adds the messages not yet in the search index (all of them, or the first `limit`), in one
   * statement; returns how many. Runs on open (after a crash) and before each search.
   */
  indexPending(limit?: number): number {
    return this.searchIndex.indexPending(limit);
  }

  addChat(message: NewChat): ChatMessage {
    return this.messages.addChat(message);
  }

  addDm(message: NewDm): DirectMessage {
    return this.messages.addDm(message);
  }

  roomHistory(room: string, page: Page): ChatMessage[] {
    return this.messages.roomHistory(room, page);
  }

  dmHistory(userId: string, otherId: string, page: Page): DirectMessage[] {
    return this.messages.dmHistory(userId, otherId, page);
  }

  lastMessageId(): number {
    return this.messages.lastMessageId();
  }

  messagesSince(since: number, rooms: string[], dmsOf?: string, limit?: number): StoredMessage[] {
    return this.messages.messagesSince(since, rooms, dmsOf, limit);
  }

  messagesBetween(after: number, upTo: number, limit: number): StoredMessage[] {
    return this.messages.messagesBetween(after, upTo, limit);
  }

  roomsOf(userId: string): string[] {
    return this.rooms.roomsOf(userId);
  }

  joinedRooms(userId: string): Room[] {
    return this.rooms.joinedRooms(userId);
  }

  isMember(userId: string, room: string): boolean {
    return this.rooms.isMember(userId, room);
  }

  membersOf(room: string): string[] {
    return this.rooms.membersOf(room);
  }

  addMembership(userId: string, room: string, joinedAt: number): boolean {
    return this.rooms.addMembership(userId, room, joinedAt);
  }

  removeMembership(userId: string, room: string): void {
    this.rooms.removeMembership(userId, room);
  }

  conversationsOf(userId: string, limit: number): User[] {
    return this.messages.conversationsOf(userId, limit);
  }

  markRead(userId: string, about: Conversation, id: number): boolean {
    return this.reads.markRead(userId, about, id);
  }

  ensureRoomReadMarker(userId: string, room: string): void {
    this.reads.ensureRoomReadMarker(userId, room);
  }

  unreadOf(userId: string): UnreadEntry[] {
    return this.reads.unreadOf(userId, this.rooms.joinedRooms(userId).map((room) => room.name));
  }

  search(text: string, scope: SearchScope, limit: number): Promise<SearchResult[]> {
    return this.searchIndex.search(text, scope, limit);
  }

  nameHolder(key: string, liveAfter: number): NameHolder | undefined {
    return this.accounts.nameHolder(key, liveAfter);
  }

  signInByName(signIn: NameSignIn): NameSignInOutcome {
    return this.accounts.signInByName(signIn);
  }

  addSession(id: string, userId: string, createdAt: number): void {
    this.accounts.addSession(id, userId, createdAt);
  }

  getSession(id: string): StoredSession | undefined {
    return this.accounts.getSession(id);
  }

  hasSessions(userId: string): boolean {
    return this.accounts.hasSessions(userId);
  }

  endSession(id: string, at: number): void {
    this.accounts.endSession(id, at);
  }

  endSessionsOf(userId: string, at: number): void {
    this.accounts.endSessionsOf(userId, at);
  }

  sweep(now: number, maxAgeMs: number): SweepCounts {
    if (!this.db.open) return { sessions: 0, users: 0, more: false };
    // Its own transactions, which it skips inside another one.
    this.endReading();
    return this.accountSweep.sweep(now, maxAgeMs);
  }

  close(): void {
    if (!this.db.open) return;
    this.searchIndex.stop();
    this.purge.stop();
    this.commitBatch();
    this.indexPending();
    this.checkpointer.close();
    this.db.close();
  }
}

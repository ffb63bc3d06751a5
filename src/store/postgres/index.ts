// Why this file is long: it is the one class that puts every module of the engine behind the Store interface, a method each.
// The PostgreSQL store (DATABASE_URL): the `Store` interface over a connection pool, composed of one
// module per concern as the SQLite store is: messages, rooms and memberships, read markers, search,
// users and sessions, the sweep and the purge of deleted rooms. `open()` brings the schema to the
// latest version (migrations.ts) before anything else. Writes go through the group commit
// (groupCommit.ts): a turn's writes in one transaction, each resolving once it is committed. Reads
// run on the pool and never see what is not committed, so `commitPending()` has nothing to do.
// Nothing is cached in memory: several processes may write to the same database. While PostgreSQL
// cannot be reached, every call rejects with StoreUnavailable (reads through `reportingOutages`,
// writes through the group commit) and the pools make new connections once it is back.
import { PostgresChanges } from './changes.js';
import type { EditOutcome, MessageChange, MessageEdit, ToggleOutcome } from '../changes.js';
import type pg from 'pg';
import type { ChatMessage, Conversation, DirectMessage, SearchResult, StoredMessage, UnreadEntry, User } from '../../shared/protocol/index.js';
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
import { DEFAULTS } from '../../config.js';
import { GroupCommit } from './groupCommit.js';
import { Reachability } from './health.js';
import { keptKeys } from './keys.js';
import { Messages } from './messages.js';
import { migrate } from './migrations.js';
import { PostgresModeration } from './moderation.js';
import { openPool, reportingOutages, storable } from './pool.js';
import { Reads } from './reads.js';
import { RoomPurge } from './roomPurge.js';
import { Rooms } from './rooms.js';
import { Search, searchLocaleProblem } from './search.js';
import type { Rename, RenameOutcome, SessionInfo } from '../accountStore.js';
import { AccountChanges } from './accountChanges.js';
import { Accounts } from './sessions.js';
import { whenReachable, type StartWait } from './startup.js';
import { AccountSweep } from './sweep.js';

export interface PostgresOptions {
  /** A search's time budget (SEARCH_TIMEOUT_MS); past it the search is refused. */
  searchTimeoutMs?: number;
  /** Connections of the main pool at most (reads, and the one transaction of the group commit). */
  maxConnections?: number;
  /** How long `open` waits for PostgreSQL to accept connections (DATABASE_WAIT_MS); at once by default. */
  wait?: StartWait;
  /** How long a transaction of this process may sit idle before PostgreSQL ends it (IDLE_IN_TRANSACTION_MS; shorter in tests). */
  idleInTransactionMs?: number;
  /** How long the group commit waits for more writes while they keep coming (COMMIT_DELAY_MS; see groupCommit.ts); none by default. */
  commitDelayMs?: number;
}

/** Connections of the main pool unless told otherwise: the commit's one, and reads beside it. */
const MAX_CONNECTIONS = 8;

/**
 * A transaction that adds messages holds the lock every process's messages wait for (see
 * messageIds.ts). Ours never sit idle for more than a turn of the event loop; one that has sat
 * this long belongs to a process that froze (stopped, paused, swapping) mid-commit, and
 * PostgreSQL ends it, so that the other processes' messages wait this long at most.
 */
const IDLE_IN_TRANSACTION_MS = 10_000;

export class PostgresStore implements Store {
  readonly moderation: PostgresModeration;
  private readonly commits: GroupCommit;
  private readonly messages: Messages;
  private readonly changes: PostgresChanges;
  private readonly reads: Reads;
  private readonly purge: RoomPurge;
  private readonly rooms: Rooms;
  private readonly accounts: Accounts;
  private readonly accountChanges: AccountChanges;
  private readonly searches: Search;
  private readonly accountSweep: AccountSweep;
  private readonly health: Reachability;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
    searchTimeoutMs: number,
    commitDelayMs: number,
  ) {
    // Reads on whichever connection is free, with the parameters PostgreSQL can take (see storable),
    // failing as StoreUnavailable while the server is away.
    const db = reportingOutages(storable(pool));
    this.messages = new Messages(db);
    this.commits = new GroupCommit(pool, this.messages, commitDelayMs);
    this.reads = new Reads(db);
    this.purge = new RoomPurge(pool);
    this.rooms = new Rooms(db, this.reads, this.purge);
    this.accounts = new Accounts(db);
    this.accountChanges = new AccountChanges(db, this.accounts);
    this.searches = new Search(url, searchTimeoutMs);
    this.accountSweep = new AccountSweep(pool);
    this.health = new Reachability(url);
    this.moderation = new PostgresModeration(db, this.commits);
    this.changes = new PostgresChanges(db, this.commits);
  }

  editMessage(edit: MessageEdit): Promise<EditOutcome> {
    return this.changes.edit(edit);
  }

  deleteMessage(id: number, at: number): Promise<MessageChange | undefined> {
    return this.changes.delete(id, at);
  }

  toggleReaction(id: number, userId: string, emoji: string, max: number): Promise<ToggleOutcome> {
    return this.changes.toggle(id, userId, emoji, max);
  }

  lastChange(): Promise<number> {
    return this.changes.lastChange();
  }

  changesSince(after: number, upToId: number, rooms: string[], dmsOf?: string): Promise<MessageChange[]> {
    return this.changes.since(after, upToId, rooms, dmsOf);
  }

  changesBetween(after: number, upTo: number, limit: number): Promise<MessageChange[]> {
    return this.changes.between(after, upTo, limit);
  }

  /** Connects (waiting for the server as `wait` allows), brings the schema to the latest version, and starts the background purge. */
  static async open(
    url: string,
    {
      searchTimeoutMs = DEFAULTS.searchTimeoutMs,
      maxConnections = MAX_CONNECTIONS,
      wait = { waitMs: 0 },
      idleInTransactionMs = IDLE_IN_TRANSACTION_MS,
      commitDelayMs = 0,
    }: PostgresOptions = {},
  ): Promise<PostgresStore> {
    const pool = openPool(url, { max: maxConnections, idleInTransactionMs, name: 'chat' });
    try {
      await whenReachable(pool, wait);
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const problem = await searchLocaleProblem(pool).catch(() => undefined);
    if (problem) process.emitWarning(problem, 'PostgresWarning');
    const store = new PostgresStore(pool, url, searchTimeoutMs, commitDelayMs);
    store.purge.start();
    return store;
  }

  /** The signing keys kept in the database; `candidate` becomes them when none are kept yet (see keys.ts). */
  keptKeys(candidate: string): Promise<string> {
    return keptKeys(this.pool, candidate);
  }

  /** Whether PostgreSQL answers now (see health.ts: its own connection, a short time, kept a second). */
  reachable(): Promise<boolean> {
    return this.health.reachable();
  }

  /** Nothing to do: reads never see uncommitted writes here (see Store). */
  commitPending(): void {}

  addUser(user: User, createdAt: number): Promise<void> {
    return this.commits.write((tx) => this.accounts.addUser(tx, user, createdAt));
  }

  getUser(id: string): Promise<StoredUser | undefined> {
    return this.accounts.getUser(id);
  }

  listRooms(): Promise<Room[]> {
    return this.rooms.listRooms();
  }

  findRoom(name: string): Promise<Room | undefined> {
    return this.rooms.findRoom(name);
  }

  createRoom(name: string, createdAt: number, createdBy?: string, isPrivate = false): Promise<Room | undefined> {
    return this.commits.write((tx) => this.rooms.createRoom(tx, name, createdAt, createdBy, isPrivate));
  }

  findRoomByKey(key: string): Promise<Room | undefined> {
    return this.rooms.findRoomByKey(key);
  }

  findRooms(query: RoomQuery): Promise<Room[]> {
    return this.rooms.findRooms(query);
  }

  archiveRoom(name: string, at: number): Promise<boolean> {
    return this.commits.write((tx) => this.rooms.archiveRoom(tx, name, at));
  }

  deleteRoom(name: string, at: number): Promise<boolean> {
    return this.commits.write((tx) => this.rooms.deleteRoom(tx, name, at));
  }

  addChat(message: NewChat): Promise<ChatMessage> {
    return this.commits.addMessage(this.messages.chat(message));
  }

  addDm(message: NewDm): Promise<DirectMessage> {
    return this.commits.addMessage(this.messages.dm(message));
  }

  roomHistory(room: string, page: Page): Promise<ChatMessage[]> {
    return this.messages.roomHistory(room, page);
  }

  dmHistory(userId: string, otherId: string, page: Page): Promise<DirectMessage[]> {
    return this.messages.dmHistory(userId, otherId, page);
  }

  roomPage(room: string, page: Page): Promise<HistoryPage<ChatMessage>> {
    return this.messages.roomPage(room, page);
  }

  dmPage(userId: string, otherId: string, page: Page): Promise<HistoryPage<DirectMessage>> {
    return this.messages.dmPage(userId, otherId, page);
  }

  lastMessageId(): Promise<number> {
    return this.messages.lastMessageId();
  }

  messagesSince(since: number, rooms: string[], dmsOf?: string, limit?: number): Promise<StoredMessage[]> {
    return this.messages.messagesSince(since, rooms, dmsOf, limit);
  }

  messagesBetween(after: number, upTo: number, limit: number): Promise<StoredMessage[]> {
    return this.messages.messagesBetween(after, upTo, limit);
  }

  roomsOf(userId: string): Promise<string[]> {
    return this.rooms.roomsOf(userId);
  }

  joinedRooms(userId: string): Promise<Room[]> {
    return this.rooms.joinedRooms(userId);
  }

  isMember(userId: string, room: string): Promise<boolean> {
    return this.rooms.isMember(userId, room);
  }

  membersOf(room: string): Promise<string[]> {
    return this.rooms.membersOf(room);
  }

  addMembership(userId: string, room: string, joinedAt: number): Promise<boolean> {
    return this.commits.write((tx) => this.rooms.addMembership(tx, userId, room, joinedAt));
  }

  removeMembership(userId: string, room: string): Promise<void> {
    return this.commits.write((tx) => this.rooms.removeMembership(tx, userId, room));
  }

  conversationsOf(userId: string, limit: number): Promise<User[]> {
    return this.messages.conversationsOf(userId, limit);
  }

  markRead(userId: string, about: Conversation, id: number): Promise<boolean> {
    return this.commits.write((tx) => this.reads.markRead(tx, userId, about, id));
  }

  async unreadOf(userId: string): Promise<UnreadEntry[]> {
    const rooms = (await this.rooms.joinedRooms(userId)).map((room) => room.name);
    return this.reads.unreadOf(userId, rooms);
  }

  search(text: string, scope: SearchScope, limit: number): Promise<SearchResult[]> {
    return this.searches.search(text, scope, limit);
  }

  nameHolder(key: string, liveAfter: number): Promise<NameHolder | undefined> {
    return this.accounts.nameHolder(key, liveAfter);
  }

  signInByName(signIn: NameSignIn): Promise<NameSignInOutcome> {
    return this.commits.write((tx) => this.accounts.signInByName(tx, signIn));
  }

  addSession(id: string, userId: string, createdAt: number): Promise<void> {
    return this.commits.write((tx) => this.accounts.addSession(tx, id, userId, createdAt));
  }

  getSession(id: string): Promise<StoredSession | undefined> {
    return this.accounts.getSession(id);
  }

  hasSessions(userId: string): Promise<boolean> {
    return this.accounts.hasSessions(userId);
  }

  endSession(id: string, at: number): Promise<void> {
    return this.commits.write((tx) => this.accounts.endSession(tx, id, at));
  }

  endSessionsOf(userId: string, at: number): Promise<void> {
    return this.commits.write((tx) => this.accounts.endSessionsOf(tx, userId, at));
  }

  sessionsOf(userId: string, liveAfter: number): Promise<SessionInfo[]> {
    return this.accountChanges.sessionsOf(userId, liveAfter);
  }

  passwordHashOf(userId: string): Promise<string | undefined> {
    return this.accountChanges.passwordHashOf(userId);
  }

  setPassword(userId: string, passwordHash: string, keepSession: string | undefined, at: number): Promise<void> {
    return this.commits.write((tx) => this.accountChanges.setPassword(tx, userId, passwordHash, keepSession, at));
  }

  renameUser(rename: Rename): Promise<RenameOutcome> {
    return this.commits.write((tx) => this.accountChanges.renameUser(tx, rename));
  }

  deleteUser(userId: string, at: number): Promise<void> {
    return this.commits.write((tx) => this.accountChanges.deleteUser(tx, userId, at));
  }

  async sweep(now: number, maxAgeMs: number): Promise<SweepCounts> {
    if (this.closing) return { sessions: 0, users: 0, more: false };
    return this.accountSweep.sweep(now, maxAgeMs);
  }

  /** Commits what is waiting, stops the background work and the searches, and ends the pools. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.purge.stop();
      await this.commits.close();
      await this.searches.close();
      await this.health.close();
      await this.pool.end();
    })();
    return this.closing;
  }
}

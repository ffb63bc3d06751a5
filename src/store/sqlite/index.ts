import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  conversationKey,
  foldName,
  mentions,
  LOBBY,
  UNREAD_CAP,
  type ChatMessage,
  type Conversation,
  type DirectMessage,
  type SearchResult,
  type StoredMessage,
  type UnreadEntry,
  type User,
} from '../../shared/protocol/index.js';
import { Checkpointer } from './checkpointer.js';
import { Messages } from './messages.js';
import { migrate, schemaVersion } from './migrations.js';
import { pairKey } from './rows.js';
import { Search } from './search.js';
import type { Page, Room, SearchScope, Store, StoredSession, StoredUser } from '../store.js';

/** SQLite's own automatic checkpoint (pages), taken back if the checkpoint worker stops. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Unread counts are bounded: per room or conversation, at most the newest UNREAD_WINDOW messages
 * after the reader's marker are looked at, and at most UNREAD_CAP of them (from others) are counted.
 * A count of UNREAD_CAP therefore means "that many or more" (the page shows 999+), and a reader
 * who is 900,000 messages behind costs the same as one who is 2,000 behind. The window is wider
 * than the cap so that the reader's own messages among the newest (which never count) do not
 * hide others' in all but extreme cases (someone who wrote most of the last 2,000 messages
 * without reading any).
 */
const UNREAD_WINDOW = 2 * UNREAD_CAP;

/** Whether a row mentions the reader: the same `mentions()` the page highlights with. */
// CASE is lazy: mentions() runs only on rows with an "@" (at most UNREAD_CAP of them). Not a test
// of "@name" with SQLite's lower(), which folds ASCII only and would miss "@ärger" for Ärger.
const MENTIONED = `CASE WHEN instr(m.data, '@') > 0 THEN mentions(m.data, @name) ELSE 0 END`;

/**
 * Unread in one room (@room) or conversation (@pair) after the marker, bounded as UNREAD_CAP says:
 * the newest @window messages after it, read backwards through the (room, id) or (pair, id) index,
 * then the first @cap of them from others.
 */
const unreadIn = (column: 'room' | 'pair') => `
  SELECT count(*) AS count, coalesce(sum(mentioned), 0) AS mentions FROM (
    SELECT m.id, ${MENTIONED} AS mentioned FROM (
      SELECT id, user_id, data FROM messages WHERE ${column} = @${column} AND id > @marker ORDER BY id DESC LIMIT @window
    ) m WHERE m.user_id <> @user LIMIT @cap
  )`;

interface UnreadParams {
  user: string;
  name: string;
  marker: number;
  window: number;
  cap: number;
}

interface UnreadRow {
  count: number;
  mentions: number;
}

/** The embedded store: one SQLite file in WAL mode under the data folder. */
export class SqliteStore implements Store {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly statements;
  private readonly transactions;
  private readonly checkpointer: Checkpointer;
  private readonly messages: Messages;
  private readonly searchIndex: Search;
  /** The room list, as last read; cleared by whatever changes it. */
  private rooms: readonly Room[] | undefined;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'chat.db');
    this.db = new Database(this.file);
    try {
      // Before anything is written: a file from a newer release is refused as it is.
      schemaVersion(this.db);
      // Settings of this connection, made at each opening (SQLite keeps none of these but journal_mode).
      // WAL with synchronous=NORMAL: a committed message survives a process crash; readers never block the writer.
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      // Checkpoints run on a worker thread, not inside a commit on the event loop (see checkpointer.ts).
      this.db.pragma('wal_autocheckpoint = 0');
      migrate(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.checkpointer = new Checkpointer(this.file, (reason) => {
      if (!this.db.open) return;
      this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      process.emitWarning(`${reason}; SQLite checkpoints inside commits again`, 'CheckpointWarning');
    });
    this.db.function('mentions', { deterministic: true }, (data: unknown, name: unknown) =>
      typeof data === 'string' && typeof name === 'string' && mentions(data, name) ? 1 : 0,
    );

    const db = this.db;
    this.messages = new Messages(db);
    this.searchIndex = new Search(db);
    this.statements = {
      addSession: db.prepare('INSERT INTO sessions (id, user_id, created_at) VALUES (?, ?, ?)'),
      getSession: db.prepare<
        [string],
        { created_at: number; ended_at: number | null; user_id: string; name: string; image: number; user_created_at: number }
      >(
        `SELECT s.created_at, s.ended_at, u.id AS user_id, u.name, u.image, u.created_at AS user_created_at
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
      ),
      hasSessions: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM sessions WHERE user_id = ? LIMIT 1'),
      endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
      endSessionsOf: db.prepare('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL'),
      addUser: db.prepare('INSERT OR IGNORE INTO users (id, name, image, created_at) VALUES (?, ?, ?, ?)'),
      getUser: db.prepare<[string], { id: string; name: string; image: number; created_at: number }>(
        'SELECT id, name, image, created_at FROM users WHERE id = ?',
      ),
      listRooms: db.prepare<[], { name: string; created_at: number }>('SELECT name, created_at FROM rooms ORDER BY id'),
      findRoom: db.prepare<[string], { name: string; created_at: number }>(
        'SELECT name, created_at FROM rooms WHERE key = ?',
      ),
      createRoom: db.prepare('INSERT OR IGNORE INTO rooms (key, name, created_at) VALUES (?, ?, ?)'),
      roomsOf: db.prepare<[string, string], { name: string }>(
        `SELECT r.name FROM memberships ms JOIN rooms r ON r.name = ms.room
         WHERE ms.user_id = ? AND ms.room <> ? ORDER BY r.id`,
      ),
      isMember: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM memberships WHERE user_id = ? AND room = ?'),
      addMembership: db.prepare<[string, string, number]>(
        'INSERT OR IGNORE INTO memberships (user_id, room, joined_at) VALUES (?, ?, ?)',
      ),
      removeMembership: db.prepare<[string, string]>('DELETE FROM memberships WHERE user_id = ? AND room = ?'),
      markRead: db.prepare<[string, string, number]>(
        `INSERT INTO reads (user_id, key, last_read_id) VALUES (?, ?, ?)
         ON CONFLICT (user_id, key) DO UPDATE SET last_read_id = excluded.last_read_id
         WHERE excluded.last_read_id > reads.last_read_id`,
      ),
      initRead: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO reads (user_id, key, last_read_id) VALUES (?, ?, ?)'),
      // Every read marker of the user, rooms and conversations: one row each.
      readsOf: db.prepare<[string], { key: string; last_read_id: number }>('SELECT key, last_read_id FROM reads WHERE user_id = ?'),
      conversationsWith: db.prepare<[string], { other: string; last_in: number }>(
        'SELECT other_id AS other, last_in FROM conversations WHERE user_id = ? AND last_in > 0',
      ),
      unreadInRoom: db.prepare<[UnreadParams & { room: string }], UnreadRow>(unreadIn('room')),
      unreadInPair: db.prepare<[UnreadParams & { pair: string }], UnreadRow>(unreadIn('pair')),
    };
    // Made once: better-sqlite3 builds a new wrapper (and its savepoint statements) per call otherwise.
    this.transactions = {
      addUser: db.transaction((user: User, createdAt: number) => {
        const { changes } = this.statements.addUser.run(user.id, user.name, user.image, createdAt);
        // A newcomer has read the lobby up to now: its past is not "unread" to them.
        if (changes === 1) this.ensureRoomReadMarker(user.id, LOBBY);
      }),
      addMembership: db.transaction((userId: string, room: string, joinedAt: number): boolean => {
        if (this.statements.addMembership.run(userId, room, joinedAt).changes === 0) return false;
        // Joining (again) starts reading from now; a marker from an earlier membership only moves forward.
        this.statements.markRead.run(userId, conversationKey({ room }), this.messages.latestInRoom(room));
        return true;
      }),
    };
    this.searchIndex.start();
  }

  addUser(user: User, createdAt: number): void {
    this.transactions.addUser(user, createdAt);
  }

  getUser(id: string): StoredUser | undefined {
    const row = this.statements.getUser.get(id);
    return row && { id: row.id, name: row.name, image: row.image, createdAt: row.created_at };
  }

  listRooms(): Room[] {
    this.rooms ??= this.statements.listRooms.all().map((row) => Object.freeze({ name: row.name, createdAt: row.created_at }));
    return this.rooms.slice();
  }

  findRoom(name: string): Room | undefined {
    const row = this.statements.findRoom.get(foldName(name));
    return row && { name: row.name, createdAt: row.created_at };
  }

  createRoom(name: string, createdAt: number): Room | undefined {
    const { changes } = this.statements.createRoom.run(foldName(name), name, createdAt);
    if (changes === 1) this.rooms = undefined;
    return changes === 1 ? { name, createdAt } : undefined;
  }

  beginBatch(): void {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
  }

  commitBatch(): void {
    if (!this.db.inTransaction) return;
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      // What the batch wrote may be undone: nothing read from it may be answered from memory.
      this.messages.forget();
      this.rooms = undefined;
      throw error;
    }
  }

  /**
   * Adds the messages not yet in the search index (all of them, or the first `limit`), in one
   * statement; returns how many. Runs on open (after a crash) and before each search.
   */
  indexPending(limit?: number): number {
    return this.searchIndex.indexPending(limit);
  }

  addChat(message: { room: string; user: User; data: string; ts: number }): ChatMessage {
    return this.messages.addChat(message);
  }

  addDm(message: { user: User; to: User; data: string; ts: number }): DirectMessage {
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

  roomsOf(userId: string): string[] {
    return [LOBBY, ...this.statements.roomsOf.all(userId, LOBBY).map((row) => row.name)];
  }

  isMember(userId: string, room: string): boolean {
    return room === LOBBY || this.statements.isMember.get(userId, room) !== undefined;
  }

  addMembership(userId: string, room: string, joinedAt: number): boolean {
    if (room === LOBBY) return false;
    return this.transactions.addMembership(userId, room, joinedAt);
  }

  removeMembership(userId: string, room: string): void {
    if (room !== LOBBY) this.statements.removeMembership.run(userId, room);
  }

  conversationsOf(userId: string, limit: number): User[] {
    return this.messages.conversationsOf(userId, limit);
  }

  markRead(userId: string, about: Conversation, id: number): boolean {
    if (id <= 0) return false;
    return this.statements.markRead.run(userId, conversationKey(about), id).changes === 1;
  }

  ensureRoomReadMarker(userId: string, room: string): void {
    this.statements.initRead.run(userId, conversationKey({ room }), this.messages.latestInRoom(room));
  }

  unreadOf(userId: string, name: string): UnreadEntry[] {
    const markers = new Map<string, number>();
    for (const row of this.statements.readsOf.all(userId)) markers.set(row.key, row.last_read_id);
    const bounds = { user: userId, name, window: UNREAD_WINDOW, cap: UNREAD_CAP };
    const entries: UnreadEntry[] = [];
    for (const room of this.roomsOf(userId)) {
      const marker = markers.get(conversationKey({ room })) ?? 0;
      // Nothing after the marker at all: one index lookup, no count.
      if (this.messages.latestInRoom(room) <= marker) continue;
      const row = this.statements.unreadInRoom.get({ ...bounds, room, marker });
      if (row && row.count > 0) entries.push({ room, count: row.count, mentions: row.mentions, lastReadId: marker });
    }
    // Conversations, most recent unread first: one row per person, then a count only where the
    // other person wrote after the marker.
    const dms: { newest: number; entry: UnreadEntry }[] = [];
    for (const { other, last_in: newest } of this.statements.conversationsWith.all(userId)) {
      const marker = markers.get(conversationKey({ with: other })) ?? 0;
      if (newest <= marker || other === userId) continue;
      const row = this.statements.unreadInPair.get({ ...bounds, pair: pairKey(userId, other), marker });
      if (row && row.count > 0) dms.push({ newest, entry: { with: other, count: row.count, mentions: row.mentions, lastReadId: marker } });
    }
    dms.sort((a, b) => b.newest - a.newest);
    return [...entries, ...dms.map((dm) => dm.entry)];
  }

  search(text: string, scope: SearchScope, limit: number): SearchResult[] {
    return this.searchIndex.search(text, scope, limit);
  }

  addSession(id: string, userId: string, createdAt: number): void {
    this.statements.addSession.run(id, userId, createdAt);
  }

  getSession(id: string): StoredSession | undefined {
    const row = this.statements.getSession.get(id);
    if (!row) return undefined;
    const user = { id: row.user_id, name: row.name, image: row.image, createdAt: row.user_created_at };
    return { id, user, createdAt: row.created_at, ...(row.ended_at === null ? {} : { endedAt: row.ended_at }) };
  }

  hasSessions(userId: string): boolean {
    return this.statements.hasSessions.get(userId) !== undefined;
  }

  endSession(id: string, at: number): void {
    this.statements.endSession.run(at, id);
  }

  endSessionsOf(userId: string, at: number): void {
    this.statements.endSessionsOf.run(at, userId);
  }

  close(): void {
    if (!this.db.open) return;
    this.searchIndex.stop();
    this.commitBatch();
    this.indexPending();
    this.checkpointer.close();
    this.db.close();
  }


}

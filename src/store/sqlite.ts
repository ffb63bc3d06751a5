import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { mentions } from '../shared/mentions.js';
import {
  LOBBY,
  type ChatMessage,
  type DirectMessage,
  type SearchResult,
  type StoredMessage,
  type UnreadEntry,
  type User,
} from '../shared/protocol.js';
import type { Conversation, Page, Room, SearchScope, Store, StoredSession, StoredUser } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  image INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS rooms (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  room TEXT,
  user_id TEXT NOT NULL REFERENCES users(id),
  to_id TEXT REFERENCES users(id),
  pair TEXT,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_room ON messages(room, id) WHERE room IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_by_pair ON messages(pair, id) WHERE pair IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_dm_to ON messages(to_id, id) WHERE room IS NULL;
CREATE INDEX IF NOT EXISTS messages_dm_from ON messages(user_id, id) WHERE room IS NULL;
CREATE INDEX IF NOT EXISTS rooms_by_name ON rooms(name);

-- Who belongs to which room for good (lobby is everyone's and has no rows). room: canonical name.
CREATE TABLE IF NOT EXISTS memberships (
  user_id TEXT NOT NULL REFERENCES users(id),
  room TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, room)
) WITHOUT ROWID;

-- Read markers. key: 'room:<canonical name>' or 'dm:<other user id>'; everything up to last_read_id is read.
CREATE TABLE IF NOT EXISTS reads (
  user_id TEXT NOT NULL REFERENCES users(id),
  key TEXT NOT NULL,
  last_read_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
`;

/**
 * Full-text search over message text. The trigram tokenizer matches any substring of 3 or more
 * characters, in any script (no word splitting needed for Chinese), case-insensitively. External
 * content: the text lives once, in `messages`, and triggers keep the index in step with it.
 */
const SEARCH_SCHEMA = `
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
  data, content = 'messages', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, data) VALUES (new.id, new.data);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, data) VALUES ('delete', old.id, old.data);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_update AFTER UPDATE OF data ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, data) VALUES ('delete', old.id, old.data);
  INSERT INTO messages_fts (rowid, data) VALUES (new.id, new.data);
END;
`;

/** The trigram index cannot match fewer characters than this; shorter searches take the LIKE path. */
const TRIGRAM = 3;

interface MessageRow {
  id: number;
  ts: number;
  room: string | null;
  data: string;
  user_id: string;
  user_name: string;
  user_image: number;
  to_id: string | null;
  to_name: string | null;
  to_image: number | null;
}

const SELECTED = `
  m.id, m.ts, m.room, m.data,
  u.id AS user_id, u.name AS user_name, u.image AS user_image,
  t.id AS to_id, t.name AS to_name, t.image AS to_image`;
const WITH_USERS = `
  JOIN users u ON u.id = m.user_id
  LEFT JOIN users t ON t.id = m.to_id`;
const MESSAGE_COLUMNS = `${SELECTED} FROM messages m ${WITH_USERS}`;

/** Search scope as SQL: @rooms (a JSON array of names), @dmsOf the user whose DMs count (or null). */
const IN_SCOPE = `(m.room IN (SELECT value FROM json_each(@rooms))
  OR (m.room IS NULL AND @dmsOf IS NOT NULL AND (m.user_id = @dmsOf OR m.to_id = @dmsOf)))`;

/** How many of the rows mention the reader: the same `mentions()` the page highlights with. */
// The cheap instr() test first: CASE is evaluated lazily, so mentions() only runs on the few rows with "@name".
const MENTIONS = `sum(CASE WHEN instr(lower(m.data), lower('@' || @name)) > 0 THEN mentions(m.data, @name) ELSE 0 END)`;

interface ReaderParams {
  user: string;
  name: string;
}
interface SearchParams {
  rooms: string;
  dmsOf: string | null;
  text: string;
  limit: number;
}

interface UnreadRow {
  about: string;
  last_read_id: number;
  count: number;
  mentions: number;
}

/** Conversation key: the same for a→b and b→a. */
function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

function roomKey(name: string): string {
  return name.toLowerCase();
}

function readKey(about: Conversation): string {
  return 'room' in about ? `room:${about.room}` : `dm:${about.with}`;
}

/** The text as a LIKE pattern that matches it literally anywhere (escape character: backslash). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The text as one FTS5 phrase: quoted, so operators and punctuation in it are plain characters. */
function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function toMessage(row: MessageRow): StoredMessage {
  const user: User = { id: row.user_id, name: row.user_name, image: row.user_image };
  if (row.room !== null) {
    return { type: 'chat', id: row.id, ts: row.ts, room: row.room, user, data: row.data };
  }
  const to: User = { id: row.to_id ?? '', name: row.to_name ?? '', image: row.to_image ?? 0 };
  return { type: 'dm', id: row.id, ts: row.ts, user, to, data: row.data };
}

// Pages are read newest-first through the index, then turned around to oldest-first.
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/** The embedded store: one SQLite file in WAL mode under the data folder. */
export class SqliteStore implements Store {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly statements;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'chat.db');
    this.db = new Database(this.file);
    // WAL with synchronous=NORMAL: a committed message survives a process crash; readers never block the writer.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.function('mentions', { deterministic: true }, (data: unknown, name: unknown) =>
      typeof data === 'string' && typeof name === 'string' && mentions(data, name) ? 1 : 0,
    );
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      const hadSearch = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'messages_fts'").get() !== undefined;
      this.db.exec(SEARCH_SCHEMA);
      // A file from before search existed: index the messages it already holds.
      if (!hadSearch) this.db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
    })();

    const db = this.db;
    this.statements = {
      addSession: db.prepare('INSERT INTO sessions (id, user_id, created_at) VALUES (?, ?, ?)'),
      getSession: db.prepare<[string], { user_id: string; created_at: number; ended_at: number | null }>(
        'SELECT user_id, created_at, ended_at FROM sessions WHERE id = ?',
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
      addMessage: db.prepare<[number, string | null, string, string | null, string | null, string]>(
        'INSERT INTO messages (ts, room, user_id, to_id, pair, data) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      roomHistory: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} WHERE m.room = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`,
      ),
      dmHistory: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} WHERE m.pair = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`,
      ),
      lastId: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM messages'),
      since: db.prepare<[number, string, string | null, string | null], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS}
         WHERE m.id > ? AND (m.room IN (SELECT value FROM json_each(?)) OR (m.room IS NULL AND (m.user_id = ? OR m.to_id = ?)))
         ORDER BY m.id`,
      ),
      roomsOf: db.prepare<[string, string], { name: string }>(
        `SELECT r.name FROM memberships ms JOIN rooms r ON r.name = ms.room
         WHERE ms.user_id = ? AND ms.room <> ? ORDER BY r.id`,
      ),
      isMember: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM memberships WHERE user_id = ? AND room = ?'),
      addMembership: db.prepare<[string, string, number]>(
        'INSERT OR IGNORE INTO memberships (user_id, room, joined_at) VALUES (?, ?, ?)',
      ),
      removeMembership: db.prepare<[string, string]>('DELETE FROM memberships WHERE user_id = ? AND room = ?'),
      conversationsOf: db.prepare<[{ user: string; limit: number }], { id: string; name: string; image: number }>(
        `SELECT u.id, u.name, u.image FROM (
           SELECT other, max(id) AS newest FROM (
             SELECT to_id AS other, id FROM messages WHERE room IS NULL AND user_id = @user
             UNION ALL
             SELECT user_id AS other, id FROM messages WHERE room IS NULL AND to_id = @user
           ) GROUP BY other
         ) c JOIN users u ON u.id = c.other
         ORDER BY c.newest DESC LIMIT @limit`,
      ),
      lastInRoom: db.prepare<[string], { id: number | null }>('SELECT max(id) AS id FROM messages WHERE room = ?'),
      markRead: db.prepare<[string, string, number]>(
        `INSERT INTO reads (user_id, key, last_read_id) VALUES (?, ?, ?)
         ON CONFLICT (user_id, key) DO UPDATE SET last_read_id = excluded.last_read_id
         WHERE excluded.last_read_id > reads.last_read_id`,
      ),
      initRead: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO reads (user_id, key, last_read_id) VALUES (?, ?, ?)'),
      // Rooms: lobby and the memberships, each with its marker, joined to the messages after it.
      unreadRooms: db.prepare<[ReaderParams & { lobby: string }], UnreadRow>(
        `WITH mine (room, position) AS (
           SELECT @lobby, 0
           UNION ALL
           SELECT r.name, r.id FROM memberships ms JOIN rooms r ON r.name = ms.room WHERE ms.user_id = @user AND ms.room <> @lobby
         ), marked AS (
           SELECT mine.room, mine.position, coalesce(rd.last_read_id, 0) AS last_read_id FROM mine
           LEFT JOIN reads rd ON rd.user_id = @user AND rd.key = 'room:' || mine.room
         )
         SELECT marked.room AS about, marked.last_read_id, count(*) AS count, ${MENTIONS} AS mentions
         FROM marked JOIN messages m ON m.room = marked.room AND m.id > marked.last_read_id
         WHERE m.user_id <> @user
         GROUP BY marked.room ORDER BY marked.position`,
      ),
      // Conversations: DMs to the user after the marker of their sender's conversation.
      unreadDms: db.prepare<[ReaderParams], UnreadRow>(
        `SELECT m.user_id AS about, coalesce(rd.last_read_id, 0) AS last_read_id, count(*) AS count, ${MENTIONS} AS mentions
         FROM messages m
         LEFT JOIN reads rd ON rd.user_id = @user AND rd.key = 'dm:' || m.user_id
         WHERE m.room IS NULL AND m.to_id = @user AND m.user_id <> @user AND m.id > coalesce(rd.last_read_id, 0)
         GROUP BY m.user_id ORDER BY max(m.id) DESC`,
      ),
      searchIndexed: db.prepare<[SearchParams], MessageRow>(
        `SELECT ${SELECTED} FROM messages_fts f JOIN messages m ON m.id = f.rowid ${WITH_USERS}
         WHERE messages_fts MATCH @text AND ${IN_SCOPE}
         ORDER BY f.rowid DESC LIMIT @limit`,
      ),
      searchScan: db.prepare<[SearchParams], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS}
         WHERE m.data LIKE @text ESCAPE '\\' AND ${IN_SCOPE}
         ORDER BY m.id DESC LIMIT @limit`,
      ),
    };
    this.createRoom(LOBBY, Date.now());
  }

  addUser(user: User, createdAt: number): void {
    this.db.transaction(() => {
      const { changes } = this.statements.addUser.run(user.id, user.name, user.image, createdAt);
      // A newcomer has read the lobby up to now: its past is not "unread" to them.
      if (changes === 1) this.ensureRoomReadMarker(user.id, LOBBY);
    })();
  }

  getUser(id: string): StoredUser | undefined {
    const row = this.statements.getUser.get(id);
    return row && { id: row.id, name: row.name, image: row.image, createdAt: row.created_at };
  }

  listRooms(): Room[] {
    return this.statements.listRooms.all().map((row) => ({ name: row.name, createdAt: row.created_at }));
  }

  findRoom(name: string): Room | undefined {
    const row = this.statements.findRoom.get(roomKey(name));
    return row && { name: row.name, createdAt: row.created_at };
  }

  createRoom(name: string, createdAt: number): Room | undefined {
    const { changes } = this.statements.createRoom.run(roomKey(name), name, createdAt);
    return changes === 1 ? { name, createdAt } : undefined;
  }

  beginBatch(): void {
    if (!this.db.inTransaction) this.db.exec('BEGIN');
  }

  commitBatch(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  addChat({ room, user, data, ts }: { room: string; user: User; data: string; ts: number }): ChatMessage {
    const { lastInsertRowid } = this.statements.addMessage.run(ts, room, user.id, null, null, data);
    return { type: 'chat', id: Number(lastInsertRowid), ts, room, user, data };
  }

  addDm({ user, to, data, ts }: { user: User; to: User; data: string; ts: number }): DirectMessage {
    const pair = pairKey(user.id, to.id);
    const { lastInsertRowid } = this.statements.addMessage.run(ts, null, user.id, to.id, pair, data);
    return { type: 'dm', id: Number(lastInsertRowid), ts, user, to, data };
  }

  roomHistory(room: string, page: Page): ChatMessage[] {
    const rows = this.statements.roomHistory.all(room, page.before ?? NO_UPPER_BOUND, page.limit);
    return rows.reverse().map(toMessage) as ChatMessage[];
  }

  dmHistory(userId: string, otherId: string, page: Page): DirectMessage[] {
    const rows = this.statements.dmHistory.all(pairKey(userId, otherId), page.before ?? NO_UPPER_BOUND, page.limit);
    return rows.reverse().map(toMessage) as DirectMessage[];
  }

  lastMessageId(): number {
    return this.statements.lastId.get()?.id ?? 0;
  }

  messagesSince(since: number, rooms: string[], dmsOf?: string): StoredMessage[] {
    const user = dmsOf ?? null;
    return this.statements.since.all(since, JSON.stringify(rooms), user, user).map(toMessage);
  }

  roomsOf(userId: string): string[] {
    return [LOBBY, ...this.statements.roomsOf.all(userId, LOBBY).map((row) => row.name)];
  }

  isMember(userId: string, room: string): boolean {
    return room === LOBBY || this.statements.isMember.get(userId, room) !== undefined;
  }

  addMembership(userId: string, room: string, joinedAt: number): boolean {
    if (room === LOBBY) return false;
    return this.db.transaction(() => {
      if (this.statements.addMembership.run(userId, room, joinedAt).changes === 0) return false;
      // Joining (again) starts reading from now; a marker from an earlier membership only moves forward.
      this.statements.markRead.run(userId, readKey({ room }), this.latestInRoom(room));
      return true;
    })();
  }

  removeMembership(userId: string, room: string): void {
    if (room !== LOBBY) this.statements.removeMembership.run(userId, room);
  }

  conversationsOf(userId: string, limit: number): User[] {
    return this.statements.conversationsOf.all({ user: userId, limit }).map((row) => ({ id: row.id, name: row.name, image: row.image }));
  }

  markRead(userId: string, about: Conversation, id: number): boolean {
    if (id <= 0) return false;
    return this.statements.markRead.run(userId, readKey(about), id).changes === 1;
  }

  ensureRoomReadMarker(userId: string, room: string): void {
    this.statements.initRead.run(userId, readKey({ room }), this.latestInRoom(room));
  }

  unreadOf(userId: string, name: string): UnreadEntry[] {
    const rooms = this.statements.unreadRooms.all({ user: userId, name, lobby: LOBBY });
    const dms = this.statements.unreadDms.all({ user: userId, name });
    const entry = (row: UnreadRow) => ({ count: row.count, mentions: row.mentions, lastReadId: row.last_read_id });
    return [
      ...rooms.map((row): UnreadEntry => ({ room: row.about, ...entry(row) })),
      ...dms.map((row): UnreadEntry => ({ with: row.about, ...entry(row) })),
    ];
  }

  search(text: string, scope: SearchScope, limit: number): SearchResult[] {
    const dmsOf = scope.dmsOf ?? null;
    const params = { rooms: JSON.stringify(scope.rooms), dmsOf, limit };
    const rows =
      Array.from(text).length >= TRIGRAM
        ? this.statements.searchIndexed.all({ ...params, text: ftsPhrase(text) })
        : this.statements.searchScan.all({ ...params, text: containsPattern(text) });
    return rows.map((row): SearchResult => {
      const user: User = { id: row.user_id, name: row.user_name, image: row.user_image };
      const hit = { id: row.id, user, data: row.data, ts: row.ts };
      if (row.room !== null) return { ...hit, room: row.room };
      return { ...hit, with: row.user_id === dmsOf ? (row.to_id ?? '') : row.user_id };
    });
  }

  addSession(id: string, userId: string, createdAt: number): void {
    this.statements.addSession.run(id, userId, createdAt);
  }

  getSession(id: string): StoredSession | undefined {
    const row = this.statements.getSession.get(id);
    return row && { id, userId: row.user_id, createdAt: row.created_at, endedAt: row.ended_at ?? undefined };
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
    this.commitBatch();
    this.db.close();
  }

  /** The newest message id in a room, 0 when there is none. */
  private latestInRoom(room: string): number {
    return this.statements.lastInRoom.get(room)?.id ?? 0;
  }
}

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LOBBY, type ChatMessage, type DirectMessage, type StoredMessage, type User } from '../shared/protocol.js';
import type { Page, Room, Store, StoredUser } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  image INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
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
`;

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

const MESSAGE_COLUMNS = `
  m.id, m.ts, m.room, m.data,
  u.id AS user_id, u.name AS user_name, u.image AS user_image,
  t.id AS to_id, t.name AS to_name, t.image AS to_image
  FROM messages m
  JOIN users u ON u.id = m.user_id
  LEFT JOIN users t ON t.id = m.to_id`;

/** Conversation key: the same for a→b and b→a. */
function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

function roomKey(name: string): string {
  return name.toLowerCase();
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
    this.db.exec(SCHEMA);

    const db = this.db;
    this.statements = {
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
    };
    this.createRoom(LOBBY, Date.now());
  }

  addUser(user: User, createdAt: number): void {
    this.statements.addUser.run(user.id, user.name, user.image, createdAt);
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

  close(): void {
    if (this.db.open) this.db.close();
  }
}

// Schema versions (PRAGMA user_version): a new file, and every file the releases before versions
// left (at version 0, with all tables or without the later ones), open at the latest version
// with all they held readable through the Store; a file at the latest version runs no migration
// again, and a file from a newer release is refused.
// Longer than most: one file for the whole version history, so each new migration adds its case beside the others (each a few fixtures of the old SQL).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate } from '../../src/store/sqlite/migrations.js';
import { SqliteEngine, SqliteStore } from '../../src/store/sqlite/index.js';
import { expectNamesMigrated, version2Seed } from '../helpers/namesMigration.js';
import { expectPrivateRoomsMigrated, version3Seed } from '../helpers/privateRoomsMigration.js';
import { tempDataDir } from '../helpers/server.js';
import { expectIndexIntact, indexedUpTo, readFile, storeFixture } from '../helpers/store.js';

// The schema exactly as the releases before schema versions made it: their SCHEMA and
// SEARCH_SCHEMA, copied from src/store/sqlite.ts of then. SCHEMA in three parts, since the older
// files (from before DM conversations, read markers and search) have only the first.
const OLD_TABLES = `
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

`;
const OLD_CONVERSATIONS = `-- Each user's DM conversations: one row per person they have DMs with, the newest message between
-- them either way (last_id) and the newest one from that person (last_in). Kept by the trigger
-- below, so listing someone's conversations, or finding those with something new from the other
-- person, costs one row per person and never a pass over their messages.
CREATE TABLE IF NOT EXISTS conversations (
  user_id TEXT NOT NULL,
  other_id TEXT NOT NULL,
  last_id INTEGER NOT NULL,
  last_in INTEGER NOT NULL,
  PRIMARY KEY (user_id, other_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_by_recency ON conversations(user_id, last_id);
CREATE TRIGGER IF NOT EXISTS conversations_on_dm AFTER INSERT ON messages WHEN new.room IS NULL BEGIN
  INSERT INTO conversations (user_id, other_id, last_id, last_in) VALUES (new.user_id, new.to_id, new.id, 0)
    ON CONFLICT (user_id, other_id) DO UPDATE SET last_id = excluded.last_id;
  INSERT INTO conversations (user_id, other_id, last_id, last_in) VALUES (new.to_id, new.user_id, new.id, new.id)
    ON CONFLICT (user_id, other_id) DO UPDATE SET last_id = excluded.last_id, last_in = excluded.last_in;
END;

`;
const OLD_READS = `-- Read markers. key: 'room:<canonical name>' or 'dm:<other user id>'; everything up to last_read_id is read.
CREATE TABLE IF NOT EXISTS reads (
  user_id TEXT NOT NULL REFERENCES users(id),
  key TEXT NOT NULL,
  last_read_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
`;
/** The SCHEMA string of the last release before versions: the three parts in one. */
const OLD_SCHEMA = OLD_TABLES + OLD_CONVERSATIONS + OLD_READS;
const OLD_SEARCH_SCHEMA = `
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
  data, content = 'messages', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS search_state (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  indexed_up_to INTEGER NOT NULL
);
DROP TRIGGER IF EXISTS messages_fts_insert;
DROP TRIGGER IF EXISTS messages_fts_delete;
DROP TRIGGER IF EXISTS messages_fts_update;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT indexed_up_to FROM search_state) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, data) VALUES ('delete', old.id, old.data);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF data ON messages
WHEN old.id <= (SELECT indexed_up_to FROM search_state) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, data) VALUES ('delete', old.id, old.data);
  INSERT INTO messages_fts (rowid, data) VALUES (new.id, new.data);
END;
`;

const alice = { id: 'alice-id', name: 'Alice', image: 1 };
const bob = { id: 'bob-id', name: 'Bob', image: 2 };
const carol = { id: 'carol-id', name: 'Carol', image: 3 };

const open = storeFixture();

/** A conversation's key in the messages table, as the old releases wrote it. */
const pair = (a: string, b: string) => (a < b ? `${a}\n${b}` : `${b}\n${a}`);

/** A data folder with a chat.db made by `make` through a plain connection, as an old release left it. */
function oldFile(make: (db: Database.Database) => void): string {
  const dir = tempDataDir();
  const db = new Database(path.join(dir, 'chat.db'));
  try {
    db.pragma('journal_mode = WAL');
    make(db);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
  } finally {
    db.close();
  }
  return dir;
}

function addUsers(db: Database.Database): void {
  const insert = db.prepare('INSERT INTO users (id, name, image, created_at) VALUES (?, ?, ?, ?)');
  for (const [i, u] of [alice, bob, carol].entries()) insert.run(u.id, u.name, u.image, 100 + i);
}

/** Adds messages the way the old releases did; returns their ids in order. */
function addMessages(db: Database.Database, rows: [room: string | null, from: string, to: string | null, data: string][]): number[] {
  const insert = db.prepare('INSERT INTO messages (ts, room, user_id, to_id, pair, data) VALUES (?, ?, ?, ?, ?, ?)');
  return rows.map(([room, from, to, data], i) =>
    Number(insert.run(1000 + i, room, from, to, to === null ? null : pair(from, to), data).lastInsertRowid),
  );
}

const versionOf = (dir: string) => readFile(dir, (db) => db.pragma('user_version', { simple: true }) as number);
const ftsSettings = (dir: string) =>
  readFile(dir, (db) => db.prepare("SELECT k, v FROM messages_fts_config WHERE k IN ('automerge', 'crisismerge') ORDER BY k").all());
const ids = (messages: { id: number }[]) => messages.map((m) => m.id);

describe('schema versions', () => {
  it('a new file is made at the latest version', () => {
    expect(LATEST_VERSION).toBeGreaterThanOrEqual(1);
    const dir = tempDataDir();
    const store = open(dir);
    expect(store.listRooms().map((r) => r.name)).toEqual(['lobby']);
    store.close();
    expect(versionOf(dir)).toBe(LATEST_VERSION);
    expect(ftsSettings(dir)).toEqual([
      { k: 'automerge', v: 0 },
      { k: 'crisismerge', v: 64 },
    ]);
  });

  it('a file from the last release before versions keeps every row, readable through the Store', async () => {
    let m: number[] = [];
    const dir = oldFile((db) => {
      db.exec(OLD_SCHEMA);
      db.exec(OLD_SEARCH_SCHEMA);
      addUsers(db);
      db.exec(`INSERT INTO sessions (id, user_id, created_at, ended_at) VALUES ('s-alice', 'alice-id', 10, NULL), ('s-bob', 'bob-id', 11, 20);
        INSERT INTO rooms (key, name, created_at) VALUES ('lobby', 'lobby', 1), ('dev', 'Dev', 2);
        INSERT INTO memberships (user_id, room, joined_at) VALUES ('alice-id', 'Dev', 3), ('bob-id', 'Dev', 4);`);
      m = addMessages(db, [
        ['lobby', alice.id, null, 'good morning everyone'],
        ['lobby', bob.id, null, 'morning Alice, coffee?'],
        ['Dev', alice.id, null, 'the build is green'],
        [null, alice.id, bob.id, 'secret plans for friday'],
        [null, bob.id, alice.id, 'sounds good @Alice'],
        ['lobby', carol.id, null, 'hello from carol'],
      ]);
      // Indexed up to here; what follows was written just before the old release stopped.
      db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
      db.exec(`INSERT INTO search_state (one, indexed_up_to) VALUES (1, ${m.at(-1)})`);
      m.push(
        ...addMessages(db, [
          ['Dev', bob.id, null, 'deploying now @Alice'],
          [null, carol.id, alice.id, 'are you around?'],
        ]),
      );
      const read = db.prepare('INSERT INTO reads (user_id, key, last_read_id) VALUES (?, ?, ?)');
      read.run(alice.id, 'room:lobby', m[5]);
      read.run(alice.id, 'room:Dev', m[2]);
      read.run(alice.id, `dm:${bob.id}`, m[3]);
      read.run(bob.id, 'room:lobby', m[1]);
      read.run(bob.id, 'room:Dev', m[2]);
      read.run(bob.id, `dm:${alice.id}`, m[4]);
      read.run(carol.id, 'room:lobby', m[5]);
    });
    const [m1, m2, m3, m4, m5, m6, m7, m8] = m as [number, number, number, number, number, number, number, number];

    const store = open(dir);
    expect(versionOf(dir)).toBe(LATEST_VERSION);
    // Users, sessions, rooms and memberships.
    expect(store.getUser(alice.id)).toEqual({ ...alice, createdAt: 100 });
    expect(store.getSession('s-bob')).toEqual({ id: 's-bob', user: { ...bob, createdAt: 101 }, createdAt: 11, endedAt: 20 });
    expect(store.getSession('s-alice')?.endedAt).toBeUndefined();
    expect(store.hasSessions(carol.id)).toBe(false);
    expect(store.listRooms().map((r) => r.name)).toEqual(['lobby', 'Dev']);
    expect(store.findRoom('DEV')).toEqual({ name: 'Dev', createdAt: 2 });
    expect(store.roomsOf(bob.id)).toEqual(['lobby', 'Dev']);
    expect(store.isMember(carol.id, 'Dev')).toBe(false);
    // History, DMs, conversations and resume.
    expect(store.roomHistory('lobby', { limit: 50 })).toEqual([
      { type: 'chat', id: m1, ts: 1000, room: 'lobby', user: alice, data: 'good morning everyone' },
      { type: 'chat', id: m2, ts: 1001, room: 'lobby', user: bob, data: 'morning Alice, coffee?' },
      { type: 'chat', id: m6, ts: 1005, room: 'lobby', user: carol, data: 'hello from carol' },
    ]);
    expect(store.dmHistory(bob.id, alice.id, { limit: 50 })).toEqual([
      { type: 'dm', id: m4, ts: 1003, user: alice, to: bob, data: 'secret plans for friday' },
      { type: 'dm', id: m5, ts: 1004, user: bob, to: alice, data: 'sounds good @Alice' },
    ]);
    expect(store.lastMessageId()).toBe(m8);
    expect(ids(store.messagesSince(m3, ['lobby', 'Dev'], alice.id))).toEqual([m4, m5, m6, m7, m8]);
    expect(store.conversationsOf(alice.id, 10)).toEqual([carol, bob]);
    // The read markers, as unread counts. Mentions are resolved when a message is sent: those
    // from before version 4 mention nobody (never guessed at from today's names).
    expect(store.unreadOf(alice.id)).toEqual([
      { room: 'Dev', count: 1, mentions: 0, lastReadId: m3 },
      { with: carol.id, count: 1, mentions: 0, lastReadId: 0 },
      { with: bob.id, count: 1, mentions: 0, lastReadId: m4 },
    ]);
    expect(store.unreadOf(bob.id)).toEqual([{ room: 'lobby', count: 1, mentions: 0, lastReadId: m2 }]);
    expect(store.unreadOf(carol.id)).toEqual([]);
    // Search: what the old index had, and what it did not have yet.
    const everywhere = { rooms: ['lobby', 'Dev'], dmsOf: alice.id };
    expect(ids(await store.search('morning', everywhere, 10))).toEqual([m2, m1]);
    expect(await store.search('plans', everywhere, 10)).toMatchObject([{ id: m4, with: bob.id }]);
    expect(ids(await store.search('deploying', everywhere, 10))).toEqual([m7]);
    expect(ids(await store.search('around', everywhere, 10))).toEqual([m8]);
    // And it goes on: a new message counts as unread, and is found.
    const news = store.addChat({ room: 'lobby', user: alice, data: 'fresh news', ts: 2000 });
    expect(store.unreadOf(bob.id)).toEqual([{ room: 'lobby', count: 2, mentions: 0, lastReadId: m2 }]);
    expect(ids(await store.search('fresh', everywhere, 10))).toEqual([news.id]);
    store.close();
    expectIndexIntact(dir);
    expect(ftsSettings(dir)).toEqual([
      { k: 'automerge', v: 0 },
      { k: 'crisismerge', v: 64 },
    ]);
  });

  it('an older file, without read markers, conversations or search, has them made and filled', async () => {
    let m: number[] = [];
    const dir = oldFile((db) => {
      db.exec(OLD_TABLES);
      addUsers(db);
      db.exec("INSERT INTO rooms (key, name, created_at) VALUES ('lobby', 'lobby', 1)");
      m = addMessages(db, [
        ['lobby', alice.id, null, 'hello old world'],
        ['lobby', bob.id, null, 'hi @Carol, old friend'],
        [null, alice.id, bob.id, 'an old secret'],
        [null, carol.id, alice.id, 'an old question'],
        [null, bob.id, alice.id, 'an old answer'],
        ['lobby', alice.id, null, 'the last old word'],
      ]);
    });
    const [m1, m2, m3, m4, m5, m6] = m as [number, number, number, number, number, number];
    const has = (name: string) => readFile(dir, (db) => db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(name) !== undefined);
    expect(['reads', 'conversations', 'messages_fts', 'search_state'].map(has)).toEqual([false, false, false, false]);

    const store = open(dir);
    expect(versionOf(dir)).toBe(LATEST_VERSION);
    // Everyone has read the lobby up to its newest message, as a newcomer would have.
    expect(readFile(dir, (db) => db.prepare('SELECT user_id, key, last_read_id FROM reads ORDER BY user_id').all())).toEqual([
      { user_id: alice.id, key: 'room:lobby', last_read_id: m6 },
      { user_id: bob.id, key: 'room:lobby', last_read_id: m6 },
      { user_id: carol.id, key: 'room:lobby', last_read_id: m6 },
    ]);
    // Conversations from the DMs the file holds: newest first, and what the other person wrote unread.
    expect(store.conversationsOf(alice.id, 10)).toEqual([bob, carol]);
    expect(store.conversationsOf(bob.id, 10)).toEqual([alice]);
    expect(store.unreadOf(alice.id)).toEqual([
      { with: bob.id, count: 1, mentions: 0, lastReadId: 0 },
      { with: carol.id, count: 1, mentions: 0, lastReadId: 0 },
    ]);
    expect(store.unreadOf(bob.id)).toEqual([{ with: alice.id, count: 1, mentions: 0, lastReadId: 0 }]);
    expect(store.unreadOf(carol.id)).toEqual([]);
    // The old messages are searchable, and the index says it has them all.
    expect(indexedUpTo(dir)).toBe(m6);
    expect(ids(await store.search('old', { rooms: ['lobby'], dmsOf: alice.id }, 10))).toEqual([m6, m5, m4, m3, m2, m1]);
    expect(ids(await store.search('old', { rooms: ['lobby'] }, 10))).toEqual([m6, m2, m1]);
    // New messages keep the conversations and the index going.
    const dm = store.addDm({ user: carol, to: bob, data: 'a new note', ts: 3000 });
    expect(store.conversationsOf(bob.id, 10)).toEqual([carol, alice]);
    expect(ids(await store.search('new note', { rooms: [], dmsOf: bob.id }, 10))).toEqual([dm.id]);
    store.close();
    expectIndexIntact(dir);
  });

  it('a file of the release before held names (version 2) gets them: holds, suffixes for look-alikes signed in now, room keys; nothing lost', async () => {
    const dir = tempDataDir();
    const raw = new Database(path.join(dir, 'chat.db'));
    try {
      expect(migrate(raw, 2)).toBe(2);
      raw.exec(version2Seed('char(10)'));
    } finally {
      raw.close();
    }
    const store = new SqliteStore(dir);
    try {
      expect(versionOf(dir)).toBe(LATEST_VERSION);
      await expectNamesMigrated(store);
    } finally {
      await store.close();
    }
  });

  it('a file of the release before private rooms (version 3) keeps its rooms public, with their members, and can make private ones', async () => {
    const dir = tempDataDir();
    const raw = new Database(path.join(dir, 'chat.db'));
    try {
      expect(migrate(raw, 3)).toBe(3);
      raw.exec(version3Seed);
    } finally {
      raw.close();
    }
    const store = new SqliteStore(dir);
    try {
      expect(versionOf(dir)).toBe(LATEST_VERSION);
      await expectPrivateRoomsMigrated(store);
    } finally {
      await store.close();
    }
  });

  it('a file at the latest version runs no migration when it is opened again', () => {
    const dir = tempDataDir();
    open(dir).close();
    // A setting version 1 writes on every run: left as set here, it shows that nothing ran again.
    const db = new Database(path.join(dir, 'chat.db'));
    db.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 4)");
    db.close();
    open(dir).close();
    expect(versionOf(dir)).toBe(LATEST_VERSION);
    expect(ftsSettings(dir)).toContainEqual({ k: 'automerge', v: 4 });

    // The same through the migrations themselves: all of them once, then none.
    const raw = new Database(path.join(tempDataDir(), 'chat.db'));
    try {
      expect(migrate(raw)).toBe(LATEST_VERSION);
      expect(migrate(raw)).toBe(0);
    } finally {
      raw.close();
    }
  });

  it('a file from a newer release is refused, and left as it was', () => {
    const dir = tempDataDir();
    open(dir).close();
    const file = path.join(dir, 'chat.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = fs.readFileSync(file);
    expect(() => new SqliteEngine(dir)).toThrow(
      `is at schema version ${LATEST_VERSION + 1}, newer than the latest this program knows (${LATEST_VERSION})`,
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});

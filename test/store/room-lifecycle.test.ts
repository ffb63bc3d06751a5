// Rooms that know who made them and can end (schema version 2): a file from version 1 gets the new
// columns with its rooms kept, the directory pages through open rooms by name, an archived room is
// kept but closed, and a deleted room is gone at once while its messages go a chunk at a time.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PURGE_CHUNK } from '../../src/store/bounds.js';
import { LATEST_VERSION } from '../../src/store/sqlite/migrations.js';
import { tempDataDir } from '../helpers/server.js';
import { expectIndexIntact, readFile, storeFixture } from '../helpers/store.js';

const alice = { id: 'alice-id', name: 'Alice', image: 1 };
const bob = { id: 'bob-id', name: 'Bob', image: 2 };

const open = storeFixture();

const messagesIn = (dir: string, room: string) =>
  readFile(dir, (db) => (db.prepare('SELECT count(*) AS n FROM messages WHERE room = ?').get(room) as { n: number }).n);

describe('rooms of schema version 2', () => {
  it('a file at version 1 gets who made each room (nobody, for its rooms) and keeps them', () => {
    const dir = tempDataDir();
    const first = open(dir);
    first.addUser(alice, 1);
    first.createRoom('Dev', 2);
    first.addMembership(alice.id, 'Dev', 3);
    first.close();
    // The rooms table as version 1 made it, and the file at version 1.
    const raw = new Database(path.join(dir, 'chat.db'));
    raw.exec(`CREATE TABLE rooms_v1 (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at INTEGER NOT NULL);
      INSERT INTO rooms_v1 SELECT id, key, name, created_at FROM rooms;
      DROP TABLE rooms; ALTER TABLE rooms_v1 RENAME TO rooms;
      CREATE INDEX rooms_by_name ON rooms(name); PRAGMA user_version = 1;`);
    raw.close();

    const store = open(dir);
    expect(readFile(dir, (db) => db.pragma('user_version', { simple: true }))).toBe(LATEST_VERSION);
    expect(store.findRoom('dev')).toEqual({ name: 'Dev', createdAt: 2 });
    expect(store.joinedRooms(alice.id).map((r) => r.name)).toEqual(['lobby', 'Dev']);
    expect(store.createRoom('Ops', 4, alice.id)).toEqual({ name: 'Ops', createdAt: 4, createdBy: alice.id });
    expect(store.findRoom('OPS')).toEqual({ name: 'Ops', createdAt: 4, createdBy: alice.id });
  });

  it('the directory: open rooms whose name contains the text, in any case, by name, a page at a time', () => {
    const store = open(tempDataDir());
    store.addUser(alice, 1);
    for (const [i, name] of ['gamma', 'Alpha', 'alphabet', 'beta', '猫咪', 'Talk'].entries()) store.createRoom(name, 10 + i, alice.id);
    store.archiveRoom('beta', 20);
    const names = (q: string, after = '', limit = 10) => store.findRooms({ q, after, limit }).map((r) => r.name);

    expect(names('')).toEqual(['Alpha', 'alphabet', 'gamma', 'lobby', 'Talk', '猫咪']);
    expect(names('AL')).toEqual(['Alpha', 'alphabet', 'Talk']);
    expect(names('猫')).toEqual(['猫咪']);
    expect(names('bet')).toEqual(['alphabet']);
    expect(names('', '', 2)).toEqual(['Alpha', 'alphabet']);
    expect(names('', 'ALPHABET', 2)).toEqual(['gamma', 'lobby']);
    expect(names('nothing')).toEqual([]);
    expect(store.findRooms({ q: 'gam', after: '', limit: 1 })).toEqual([{ name: 'gamma', createdAt: 10, createdBy: alice.id }]);
  });

  it('an archived room is closed: out of the lists and the sidebar, kept for its members’ search, its name taken', async () => {
    const store = open(tempDataDir());
    store.addUser(alice, 1);
    store.createRoom('Old', 2, alice.id);
    store.addMembership(alice.id, 'Old', 3);
    const said = store.addChat({ room: 'Old', user: alice, data: 'minutes of the old meeting', ts: 4 });

    expect(store.archiveRoom('old', 5)).toBe(true);
    expect(store.archiveRoom('Old', 6)).toBe(false);
    expect(store.archiveRoom('lobby', 6)).toBe(false);
    expect(store.archiveRoom('nowhere', 6)).toBe(false);
    expect(store.findRoom('OLD')).toEqual({ name: 'Old', createdAt: 2, createdBy: alice.id, archivedAt: 5 });
    expect(store.listRooms().map((r) => r.name)).toEqual(['lobby']);
    expect(store.joinedRooms(alice.id).map((r) => r.name)).toEqual(['lobby']);
    expect(store.roomsOf(alice.id)).toEqual(['lobby', 'Old']);
    expect((await store.search('old meeting', { rooms: store.roomsOf(alice.id) }, 10)).map((hit) => hit.id)).toEqual([said.id]);
    expect(store.createRoom('old', 7, alice.id)).toBeUndefined();
    // Deleting an archived room is allowed.
    expect(store.deleteRoom('Old', 8)).toBe(true);
    expect(store.findRoom('Old')).toBeUndefined();
  });

  it('a deleted room is gone at once; its messages go a chunk at a time, then its name is free again', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    for (const u of [alice, bob]) store.addUser(u, 1);
    store.createRoom('Big', 2, alice.id);
    store.addMembership(alice.id, 'Big', 3);
    store.addMembership(bob.id, 'Big', 3);
    const total = PURGE_CHUNK * 2 + 34;
    store.beginBatch();
    for (let i = 0; i < total; i++) store.addChat({ room: 'Big', user: i % 2 ? alice : bob, data: `big talk ${i}`, ts: 10 + i });
    store.commitBatch();
    const kept = store.addChat({ room: 'lobby', user: alice, data: 'big talk in the lobby', ts: 5000 });
    store.markRead(bob.id, { room: 'Big' }, 20);
    expect(store.roomHistory('Big', { limit: 50 })).toHaveLength(50);

    expect(store.deleteRoom('lobby', 6000)).toBe(false);
    expect(store.deleteRoom('nowhere', 6000)).toBe(false);
    expect(store.deleteRoom('big', 6000)).toBe(true);
    expect(store.deleteRoom('Big', 6001)).toBe(false);
    expect(store.findRoom('Big')).toBeUndefined();
    expect(store.listRooms().map((r) => r.name)).toEqual(['lobby']);
    expect(store.roomsOf(bob.id)).toEqual(['lobby']);
    expect(store.isMember(bob.id, 'Big')).toBe(false);
    expect(store.unreadOf(bob.id).filter((entry) => 'room' in entry && entry.room === 'Big')).toEqual([]);
    // The first chunk went with the deletion; the name waits for the rest.
    expect(messagesIn(dir, 'Big')).toBe(total - PURGE_CHUNK);
    expect(store.createRoom('Big', 6002, bob.id)).toBeUndefined();

    expect(store.purgeDeletedRooms()).toBe(PURGE_CHUNK);
    expect(store.purgeDeletedRooms()).toBe(34);
    expect(store.purgeDeletedRooms()).toBe(0);
    expect(messagesIn(dir, 'Big')).toBe(0);
    // A new room of that name starts empty: nothing of the old one, not even its cached latest page.
    expect(store.createRoom('Big', 6003, bob.id)).toEqual({ name: 'Big', createdAt: 6003, createdBy: bob.id });
    expect(store.roomHistory('Big', { limit: 50 })).toEqual([]);
    expect((await store.search('big talk', { rooms: ['lobby', 'Big'] }, 10)).map((hit) => hit.id)).toEqual([kept.id]);
    store.close();
    expectIndexIntact(dir);
    expect(readFile(dir, (db) => db.prepare("SELECT count(*) AS n FROM reads WHERE key = 'room:Big'").get())).toEqual({ n: 0 });
  });

  it('a small room’s messages go with it, and its name is free at once', () => {
    const store = open(tempDataDir());
    store.addUser(alice, 1);
    store.createRoom('Tiny', 2, alice.id);
    store.addChat({ room: 'Tiny', user: alice, data: 'hello tiny', ts: 3 });
    expect(store.deleteRoom('Tiny', 4)).toBe(true);
    expect(store.createRoom('tiny', 5, alice.id)).toEqual({ name: 'tiny', createdAt: 5, createdBy: alice.id });
    expect(store.roomHistory('tiny', { limit: 50 })).toEqual([]);
  });
});

// The search index is filled in bulk, off the send path; a search still finds what was just said,
// and messages a crash left unindexed are indexed when the store opens again.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/server.js';
import { expectIndexIntact, indexedUpTo, storeFixture } from '../helpers/store.js';

const alice = { id: 'alice-id', name: 'Alice', image: 1 };
const open = storeFixture();

describe('search index', () => {
  it('is not written on the send path, yet a search finds what was said a moment ago', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.addUser(alice, Date.now());
    const said = store.addChat({ room: 'lobby', user: alice, data: '大家你好啊, the weather is fine', ts: Date.now() });
    store.addChat({ room: 'lobby', user: alice, data: 'nothing to see', ts: Date.now() });
    expect(indexedUpTo(dir)).toBe(0);
    const hits = await store.search('你好', { rooms: ['lobby'] }, 10);
    expect(hits.map((hit) => hit.id)).toEqual([said.id]);
    expect((await store.search('WEATHER', { rooms: ['lobby'] }, 10)).map((hit) => hit.id)).toEqual([said.id]);
    expect(indexedUpTo(dir)).toBe(said.id + 1);
  });

  it('indexes on open what a crash left behind', async () => {
    const dir = tempDataDir();
    const before = open(dir);
    before.addUser(alice, Date.now());
    const said = before.addChat({ room: 'lobby', user: alice, data: 'written just before the crash', ts: Date.now() });
    // A second process opening the file sees the message unindexed, as a restart after kill -9 would.
    const after = open(dir);
    expect(indexedUpTo(dir)).toBe(said.id);
    expect((await after.search('before the crash', { rooms: ['lobby'] }, 10)).map((hit) => hit.id)).toEqual([said.id]);
    expectIndexIntact(dir);
  });

  it('takes over a file from the per-insert trigger days without indexing anything twice', async () => {
    const dir = tempDataDir();
    const first = open(dir);
    first.addUser(alice, Date.now());
    const early = first.addChat({ room: 'lobby', user: alice, data: 'early bird words', ts: Date.now() });
    await first.search('bird', { rooms: ['lobby'] }, 10);
    first.close();
    // As an older version left it: a trigger indexed each insert, there was no search_state, and
    // no schema version either (0).
    const db = new Database(path.join(dir, 'chat.db'));
    db.exec(`DROP TABLE search_state; PRAGMA user_version = 0;
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, data) VALUES (new.id, new.data);
      END;`);
    const late = Number(
      db.prepare("INSERT INTO messages (ts, room, user_id, data) VALUES (?, 'lobby', ?, 'late bird words')").run(Date.now(), alice.id)
        .lastInsertRowid,
    );
    db.close();
    const store = open(dir);
    expect((await store.search('bird words', { rooms: ['lobby'] }, 10)).map((hit) => hit.id)).toEqual([late, early.id]);
    const fresh = store.addChat({ room: 'lobby', user: alice, data: 'fresh bird words', ts: Date.now() });
    expect((await store.search('bird words', { rooms: ['lobby'] }, 10)).map((hit) => hit.id)).toEqual([fresh.id, late, early.id]);
    expectIndexIntact(dir);
  });
});

// A batch whose commit fails is undone, and so is everything the store kept in memory from it:
// the latest page of a room, the newest id and the room list are read again from the file.
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SqliteEngine } from '../../src/store/sqlite/index.js';
import { tempDataDir } from '../helpers/server.js';
import { storeFixture } from '../helpers/store.js';

const alice = { id: 'alice-id', name: 'Alice', image: 1 };
/** Not a user of the store: a message from them breaks a foreign key. */
const ghost = { id: 'ghost-id', name: 'Ghost', image: 2 };

const open = storeFixture();

/** The store's own connection (private), to make its next COMMIT fail and to roll it back. */
const connectionOf = (store: SqliteEngine) => Reflect.get(store, 'db') as Database.Database;

describe('a failed commit', () => {
  it('leaves nothing of the batch in the caches: latest page, newest id and room list', () => {
    const store = open(tempDataDir());
    store.addUser(alice, 1);
    const kept = store.addChat({ room: 'lobby', user: alice, data: 'kept', ts: 1 });
    // Foreign keys checked at COMMIT rather than at each insert: the batch below fails as a whole.
    connectionOf(store).pragma('defer_foreign_keys = ON');

    store.beginBatch();
    store.createRoom('Dev', 2);
    store.addChat({ room: 'lobby', user: alice, data: 'undone', ts: 3 });
    const broken = store.addChat({ room: 'lobby', user: ghost, data: 'breaks the batch', ts: 4 });
    // Read inside the batch, so cached from what is about to be undone (the page joins the
    // author, so the ghost's message is not on it).
    expect(store.roomHistory('lobby', { limit: 50 }).map((m) => m.data)).toEqual(['kept', 'undone']);
    expect(store.lastMessageId()).toBe(broken.id);
    expect(store.listRooms().map((r) => r.name)).toEqual(['lobby', 'Dev']);

    expect(() => store.commitBatch()).toThrow(/FOREIGN KEY/);
    // A deferred foreign key leaves SQLite's transaction open: the store undoes it itself.
    expect(connectionOf(store).inTransaction).toBe(false);

    expect(store.roomHistory('lobby', { limit: 50 }).map((m) => m.data)).toEqual(['kept']);
    expect(store.lastMessageId()).toBe(kept.id);
    expect(store.listRooms().map((r) => r.name)).toEqual(['lobby']);
    expect(store.findRoom('dev')).toBeUndefined();
  });
});

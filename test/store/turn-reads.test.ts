// A turn's reads share one SQLite transaction (SqliteStore's `read`), so that they take SQLite's
// locks once. It ends before the turn's first write, and with the turn: another writer's commit in
// between (`npm run admin` on the same file) never refuses the turn's writes, and nothing is left open.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/server.js';
import { asyncStoreFixture } from '../helpers/store.js';

const alice = { id: 'alice-id', name: 'Alice', image: 1 };
const open = asyncStoreFixture();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('a turn of reads', () => {
  it('lets the turn write after another connection committed since its reads, and sees that commit next turn', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    await store.addUser(alice, Date.now());
    const admin = new Database(path.join(dir, 'chat.db'));
    try {
      // One turn: a read, another writer's commit, then a write.
      const read = store.getUser(alice.id);
      admin.prepare('INSERT INTO users (id, name, image, created_at) VALUES (?, ?, ?, ?)').run('bob-id', 'Bob', 2, Date.now());
      const written = store.addChat({ room: 'lobby', user: alice, data: 'after the admin', ts: Date.now() });
      expect((await read)?.name).toBe('Alice');
      expect((await written).data).toBe('after the admin');
      expect((await store.getUser('bob-id'))?.name).toBe('Bob');
      expect((await store.roomHistory('lobby', { limit: 10 })).map((m) => m.data)).toEqual(['after the admin']);
    } finally {
      admin.close();
    }
  });

  it('lets the store’s own upkeep write after another connection committed since the turn’s reads (search indexing)', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    await store.addUser(alice, Date.now());
    await store.addChat({ room: 'lobby', user: alice, data: 'the weather today', ts: Date.now() });
    const admin = new Database(path.join(dir, 'chat.db'));
    try {
      // One turn: a read, another writer's commit, then a search, which first indexes what is new.
      const read = store.getUser(alice.id);
      admin.prepare('INSERT INTO users (id, name, image, created_at) VALUES (?, ?, ?, ?)').run('bob-id', 'Bob', 2, Date.now());
      const found = store.search('weather', { rooms: ['lobby'] }, 10);
      expect((await read)?.name).toBe('Alice');
      expect((await found).map((result) => result.data)).toEqual(['the weather today']);
    } finally {
      admin.close();
    }
  });

  it('leaves no transaction open once a turn that only read is over', async () => {
    const store = open(tempDataDir());
    await store.addUser(alice, Date.now());
    await nextTurn();
    const reads = [store.getUser(alice.id), store.listRooms(), store.unreadOf(alice.id)];
    expect(store.engine.inBatch).toBe(true);
    await Promise.all(reads);
    await nextTurn();
    expect(store.engine.inBatch).toBe(false);
  });
});

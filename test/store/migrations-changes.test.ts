// Schema version 8 (edits, deletions, reactions, replies) over a store made by the release before
// it (version 7), on both engines: its messages read as they were (no change, no reactions), and
// they can be edited, reacted to, deleted (a placeholder stays) and found again by their changes,
// the change numbers starting at 1.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate as migratePostgres } from '../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { openPool } from '../../src/store/postgres/pool.js';
import { migrate as migrateSqlite } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, postgresForTests, withClient } from '../helpers/postgres.js';
import { tempDataDir } from '../helpers/server.js';

const OLD = { id: 'u-old', name: 'Old', image: 2 };
const BOB = { id: 'u-bob', name: 'Bob', image: 3 };

/** What a version 7 store holds: two users and a message in the lobby (id 1). */
const SEED = (ids: 'sqlite' | 'postgres') => `
INSERT INTO users (id, name, image, created_at) VALUES ('u-old', 'Old', 2, 1000), ('u-bob', 'Bob', 3, 1000);
INSERT INTO messages (id, ts, room, user_id, data) VALUES (1, 1500, 'lobby', 'u-old', 'from before');
${ids === 'postgres' ? 'UPDATE message_ids SET last = 1;' : ''}
`;

async function expectChangesWork(store: Store): Promise<void> {
  const [old] = await store.roomHistory('lobby', { limit: 5 });
  expect(old).toEqual({ type: 'chat', id: 1, ts: 1500, room: 'lobby', user: OLD, data: 'from before' });
  expect(await store.lastChange()).toBe(0);
  const edited = await store.editMessage({ id: 1, data: 'fixed', at: 2000, mentions: [BOB.id] });
  expect(edited).toMatchObject({ kind: 'edited', change: 1, message: { data: 'fixed', editedAt: 2000, mentions: [BOB.id], change: 1 } });
  const reacted = await store.toggleReaction(1, BOB.id, '👍', 20);
  expect(reacted).toMatchObject({ kind: 'reactions', change: 2, message: { reactions: [{ emoji: '👍', count: 1, users: [BOB] }] } });
  expect(await store.toggleReaction(1, OLD.id, '🎉', 1)).toBe('too_many');
  const reply = await store.addChat({ room: 'lobby', user: BOB, data: 'answer', ts: 2500, replyTo: { id: 1, user: OLD, data: 'fixed' } });
  expect((await store.roomHistory('lobby', { limit: 5 })).find((m) => m.id === reply.id)?.replyTo).toEqual({ id: 1, user: OLD, data: 'fixed' });
  expect((await store.changesSince(0, 1, ['lobby'])).map((c) => [c.kind, c.change])).toEqual([['edited', 1], ['reactions', 2]]);
  expect((await store.changesSince(1, 1, ['lobby'])).map((c) => c.kind)).toEqual(['reactions']);
  expect((await store.changesBetween(0, 1, 10)).map((c) => c.change)).toEqual([1]);
  const deleted = await store.deleteMessage(1, 3000);
  expect(deleted).toMatchObject({ kind: 'deleted', change: 3, message: { id: 1, data: '', deleted: true, change: 3 } });
  expect(deleted?.message.reactions).toBeUndefined();
  expect(await store.deleteMessage(1, 3001)).toBeUndefined();
  expect(await store.editMessage({ id: 1, data: 'again', at: 3002 })).toBeUndefined();
  const history = await store.roomHistory('lobby', { limit: 5 });
  expect(history[0]).toEqual({ type: 'chat', id: 1, ts: 1500, room: 'lobby', user: OLD, data: '', deleted: true, change: 3 });
  expect(history.find((m) => m.id === reply.id)?.replyTo).toEqual({ id: 1, user: OLD, data: '', deleted: true });
  expect((await store.changesSince(0, 1, ['lobby'])).map((c) => [c.kind, c.change])).toEqual([['deleted', 3]]);
  expect(await store.lastChange()).toBe(3);
}

const postgresHere = await postgresForTests();

describe('schema version 8 over a version 7 store', () => {
  it('on SQLite', async () => {
    const dir = tempDataDir();
    const raw = new Database(path.join(dir, 'chat.db'));
    try {
      expect(migrateSqlite(raw, 7)).toBe(7);
      raw.exec(SEED('sqlite'));
    } finally {
      raw.close();
    }
    const store = new SqliteStore(dir);
    try {
      await expectChangesWork(store);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!postgresHere)('on PostgreSQL', async () => {
    const database = await createTestDatabase();
    try {
      const pool = openPool(database.url, { max: 2, name: 'migration test' });
      try {
        expect(await migratePostgres(pool, 7)).toBe(7);
      } finally {
        await pool.end();
      }
      await withClient(database.url, (client) => client.query(SEED('postgres')));
      const store = await PostgresStore.open(database.url);
      try {
        await expectChangesWork(store);
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });
});

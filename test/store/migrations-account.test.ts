// Schema version 6 (the account page) over a store made by the release before it (version 3), on
// both engines: users and sessions from then keep working (a session with no browser noted, an
// author not deleted), and the account page's changes work on them.
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

/** What a version 3 store holds: a user signed in holding their name, with a message. */
const SEED = `
INSERT INTO users (id, name, image, created_at) VALUES ('u-old', 'Old', 2, 1000);
INSERT INTO sessions (id, user_id, created_at) VALUES ('s-old', 'u-old', 1000);
INSERT INTO held_names (key, user_id) VALUES ('old', 'u-old');
`;

async function expectAccountsWork(store: Store): Promise<void> {
  expect(await store.sessionsOf('u-old', 0)).toEqual([{ id: 's-old', createdAt: 1000 }]);
  const said = await store.addChat({ room: 'lobby', user: { id: 'u-old', name: 'Old', image: 2 }, data: 'from before', ts: 2000 });
  expect((await store.roomHistory('lobby', { limit: 5 })).find((m) => m.id === said.id)?.user).toEqual({ id: 'u-old', name: 'Old', image: 2 });
  await store.deleteUser('u-old', 3000);
  expect((await store.roomHistory('lobby', { limit: 5 })).find((m) => m.id === said.id)?.user).toEqual({ id: 'u-old', name: 'deleted user', image: 2, deleted: true });
  expect(await store.sessionsOf('u-old', 0)).toEqual([]);
}

const postgresHere = await postgresForTests();

describe('schema version 6 over a version 3 store', () => {
  it('on SQLite', async () => {
    const dir = tempDataDir();
    const raw = new Database(path.join(dir, 'chat.db'));
    try {
      expect(migrateSqlite(raw, 3)).toBe(3);
      raw.exec(SEED);
    } finally {
      raw.close();
    }
    const store = new SqliteStore(dir);
    try {
      await expectAccountsWork(store);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!postgresHere)('on PostgreSQL', async () => {
    const database = await createTestDatabase();
    try {
      const pool = openPool(database.url, { max: 2, name: 'migration test' });
      try {
        expect(await migratePostgres(pool, 3)).toBe(3);
      } finally {
        await pool.end();
      }
      await withClient(database.url, (client) => client.query(SEED));
      const store = await PostgresStore.open(database.url);
      try {
        await expectAccountsWork(store);
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });
});

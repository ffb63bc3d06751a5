// Schema versions on PostgreSQL (src/store/postgres/migrations.ts): a fresh database gets the
// latest version, opening it again runs nothing, two processes migrating one fresh database at once
// both succeed with the schema made once, and a database from a newer release is refused.
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { openPool } from '../../../src/store/postgres/pool.js';
import { createTestDatabase, postgresForTests, withClient, type TestDatabase } from '../../helpers/postgres.js';

/** Runs `test` on a fresh database, dropped afterwards. */
async function onFreshDatabase(test: (database: TestDatabase) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  try {
    await test(database);
  } finally {
    await database.drop();
  }
}

/** migrate() on a pool of its own, as a process starting would; how many migrations it ran. */
async function migrateOnce(url: string): Promise<number> {
  const pool = openPool(url, { max: 2, name: 'migration test' });
  try {
    return await migrate(pool);
  } finally {
    await pool.end();
  }
}

const tables = (url: string) =>
  withClient(url, async (client) =>
    (await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((row) => row.name),
  );

describe.skipIf(!(await postgresForTests()))('PostgreSQL schema versions', () => {
  it('brings a fresh database to the latest version, with every table and the lobby; opening it again runs nothing', async () => {
    await onFreshDatabase(async ({ url }) => {
      expect(await migrateOnce(url)).toBe(LATEST_VERSION);
      expect(await tables(url)).toEqual(['conversations', 'memberships', 'messages', 'reads', 'rooms', 'schema_version', 'sessions', 'signing_keys', 'users']);
      await withClient(url, async (client) => {
        expect(await schemaVersion(client)).toBe(LATEST_VERSION);
        expect((await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).rowCount).toBe(1);
      });
      expect(await migrateOnce(url)).toBe(0);
      const store = await PostgresStore.open(url);
      try {
        expect((await store.listRooms()).map((room) => room.name)).toEqual(['lobby']);
      } finally {
        await store.close();
      }
      expect(await migrateOnce(url)).toBe(0);
    });
  });

  it('lets processes migrate one fresh database at once: all succeed, and the schema is made once', async () => {
    await onFreshDatabase(async ({ url }) => {
      const ran = await Promise.all([migrateOnce(url), migrateOnce(url), migrateOnce(url)]);
      expect(ran.sort()).toEqual([0, 0, LATEST_VERSION]);
      await withClient(url, async (client) => {
        expect((await client.query('SELECT version FROM schema_version')).rows).toEqual([{ version: LATEST_VERSION }]);
        expect((await client.query("SELECT name FROM rooms WHERE key = 'lobby'")).rowCount).toBe(1);
      });
    });
  });

  it('lets two stores open a fresh database at once, as two servers starting together would, and share it', async () => {
    await onFreshDatabase(async ({ url }) => {
      const [first, second] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
      try {
        const alice = { id: 'alice', name: 'Alice', image: 1 };
        await first!.addUser(alice, 1);
        await first!.addChat({ room: 'lobby', user: alice, data: 'from the first', ts: 1 });
        expect((await second!.roomHistory('lobby', { limit: 5 })).map((m) => m.data)).toEqual(['from the first']);
        expect((await second!.listRooms()).map((room) => room.name)).toEqual(['lobby']);
      } finally {
        await Promise.all([first!.close(), second!.close()]);
      }
    });
  });

  it('refuses a database a newer release wrote, saying so, and changes nothing in it', async () => {
    await onFreshDatabase(async ({ name, url }) => {
      await migrateOnce(url);
      await withClient(url, (client) => client.query('UPDATE schema_version SET version = $1', [LATEST_VERSION + 1]));
      const refusal = new RegExp(`the database ${name} is at schema version ${LATEST_VERSION + 1}, newer than the latest this program knows \\(${LATEST_VERSION}\\)`);
      await expect(PostgresStore.open(url)).rejects.toThrow(refusal);
      await expect(migrateOnce(url)).rejects.toThrow(/written by a newer release/);
      await withClient(url, async (client) => {
        expect((await client.query('SELECT version FROM schema_version')).rows).toEqual([{ version: LATEST_VERSION + 1 }]);
      });
    });
  });
});

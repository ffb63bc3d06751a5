// Schema versions on PostgreSQL (src/store/postgres/migrations.ts): a fresh database gets the
// latest version, opening it again runs nothing, two processes migrating one fresh database at once
// both succeed with the schema made once, a database from a newer release is refused, and one of
// the previous release keeps its messages and goes on past every id it ever gave.
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { openPool } from '../../../src/store/postgres/pool.js';
import { expectNamesMigrated, version2Seed } from '../../helpers/namesMigration.js';
import { expectPrivateRoomsMigrated, version3Seed } from '../../helpers/privateRoomsMigration.js';
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

/** migrate() on a pool of its own, as a process starting would (to `target`: as an older release would); how many migrations it ran. */
async function migrateOnce(url: string, target = LATEST_VERSION): Promise<number> {
  const pool = openPool(url, { max: 2, name: 'migration test' });
  try {
    return await migrate(pool, target);
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
      expect(await tables(url)).toEqual([
        'blocked_addresses',
        'change_ids',
        'conversations',
        'held_names',
        'locked_rooms',
        'memberships',
        'message_ids',
        'messages',
        'moderation_log',
        'reactions',
        'reads',
        'removed_people',
        'roles',
        'rooms',
        'schema_version',
        'sessions',
        'sign_in_addresses',
        'signing_keys',
        'users',
      ]);
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

  it('brings a version 1 database with messages to version 2: they are kept, and new ids follow every id the old ones ever had', async () => {
    await onFreshDatabase(async ({ url }) => {
      expect(await migrateOnce(url, 1)).toBe(1);
      await withClient(url, async (client) => {
        await client.query(`INSERT INTO users (id, name, image, created_at) VALUES ('alice', 'Alice', 1, 1), ('bob', 'Bob', 2, 1)`);
        await client.query(`INSERT INTO rooms (key, name, created_at) VALUES ('gone', 'gone', 1)`);
        // Version 1's ids, from the identity: 1..5, then the newest two (6, 7) purged with their room.
        await client.query(`INSERT INTO messages (ts, room, user_id, data) SELECT g, 'lobby', 'alice', 'old ' || g FROM generate_series(1, 4) g`);
        await client.query(`INSERT INTO messages (ts, user_id, to_id, pair, data) VALUES (5, 'alice', 'bob', E'alice\\nbob', 'old dm')`);
        await client.query(`INSERT INTO messages (ts, room, user_id, data) VALUES (6, 'gone', 'bob', 'purged'), (7, 'gone', 'bob', 'purged')`);
        await client.query(`DELETE FROM messages WHERE room = 'gone'`);
        await client.query(`DELETE FROM rooms WHERE name = 'gone'`);
      });
      const store = await PostgresStore.open(url);
      try {
        const alice = { id: 'alice', name: 'Alice', image: 1 };
        const bob = { id: 'bob', name: 'Bob', image: 2 };
        expect((await store.roomHistory('lobby', { limit: 10 })).map((m) => [m.id, m.data])).toEqual([[1, 'old 1'], [2, 'old 2'], [3, 'old 3'], [4, 'old 4']]);
        expect((await store.dmHistory('bob', 'alice', { limit: 10 })).map((m) => [m.id, m.data])).toEqual([[5, 'old dm']]);
        // 6 and 7 may have reached someone before the purge: never given again.
        const next = await Promise.all([store.addChat({ room: 'lobby', user: bob, data: 'new', ts: 8 }), store.addDm({ user: bob, to: alice, data: 'new dm', ts: 9 })]);
        expect(next.map((m) => m.id)).toEqual([8, 9]);
        expect((await store.messagesBetween(0, 100, 100)).map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 8, 9]);
        expect((await store.conversationsOf('alice', 5)).map((user) => user.id)).toEqual(['bob']);
      } finally {
        await store.close();
      }
      await withClient(url, async (client) => {
        expect(await schemaVersion(client)).toBe(LATEST_VERSION);
        expect((await client.query('SELECT last FROM message_ids')).rows).toEqual([{ last: '9' }]);
        // The identity is gone: a message that does not take its id from message_ids is refused.
        await expect(client.query(`INSERT INTO messages (ts, room, user_id, data) VALUES (1, 'lobby', 'alice', 'no id')`)).rejects.toThrow(/null value in column "id"/);
      });
    });
  });

  it('brings a version 2 database to version 3: holds, suffixes for look-alikes signed in now, room keys; nothing lost', async () => {
    await onFreshDatabase(async ({ url }) => {
      expect(await migrateOnce(url, 2)).toBe(2);
      await withClient(url, async (client) => {
        await client.query(version2Seed('chr(10)'));
        await client.query('UPDATE message_ids SET last = 4');
      });
      const store = await PostgresStore.open(url);
      try {
        await expectNamesMigrated(store);
      } finally {
        await store.close();
      }
      await withClient(url, async (client) => expect(await schemaVersion(client)).toBe(LATEST_VERSION));
    });
  });

  it('brings a version 3 database to version 5: its rooms stay public, with their members; private ones can be made', async () => {
    await onFreshDatabase(async ({ url }) => {
      expect(await migrateOnce(url, 3)).toBe(3);
      await withClient(url, (client) => client.query(version3Seed));
      const store = await PostgresStore.open(url);
      try {
        await expectPrivateRoomsMigrated(store);
      } finally {
        await store.close();
      }
      await withClient(url, async (client) => expect(await schemaVersion(client)).toBe(LATEST_VERSION));
    });
  });

  it('starts the ids of a version 1 database that never had a message at 1', async () => {
    await onFreshDatabase(async ({ url }) => {
      await migrateOnce(url, 1);
      expect(await migrateOnce(url)).toBe(LATEST_VERSION - 1);
      const store = await PostgresStore.open(url);
      try {
        const alice = { id: 'alice', name: 'Alice', image: 1 };
        await store.addUser(alice, 1);
        expect((await store.addChat({ room: 'lobby', user: alice, data: 'first', ts: 1 })).id).toBe(1);
      } finally {
        await store.close();
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

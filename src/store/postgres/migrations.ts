// The schema's versions on PostgreSQL: the `schema_version` table holds the number of the last
// migration a database had (none: a new database, version 0). Every start runs what is missing, all
// in one transaction that first takes an advisory lock, so that of two processes starting at once
// on one database the second waits for the first and then finds nothing left to do; a failure
// leaves the database as it was. A database from a newer release is refused before anything runs.
import type pg from 'pg';
import { planHolds, planRoomKeys } from '../nameHolds.js';
import { inTransaction, type Queryable } from './pool.js';
import { ROOM_NAME_KEY_INDEX, SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6, SCHEMA_V7, SCHEMA_V8 } from './schema.js';

interface Migration {
  /** The version the database has after it. */
  version: number;
  sql: string;
  /** What SQL alone cannot do, after `sql`, in the same transaction. */
  then?: (client: Queryable) => Promise<void>;
}

/**
 * Version 3's keys, as on SQLite (nameHolds.ts): each room's, a later room too like an earlier
 * one's none; each user signed in now (a session not ended) holds their name, oldest first, a later
 * one too like an earlier one's with a suffix.
 */
async function fillNameKeys(client: Queryable): Promise<void> {
  const { rows: rooms } = await client.query<{ id: number; name: string }>('SELECT id, name FROM rooms ORDER BY id');
  const keys = planRoomKeys(rooms);
  await client.query('UPDATE rooms r SET name_key = k.key FROM unnest($1::bigint[], $2::text[]) AS k(id, key) WHERE r.id = k.id', [
    keys.map((room) => room.id),
    keys.map((room) => room.key),
  ]);
  await client.query(ROOM_NAME_KEY_INDEX);
  const { rows: signedIn } = await client.query<{ id: string; name: string }>(
    `SELECT u.id, u.name FROM users u
     WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.ended_at IS NULL) ORDER BY u.created_at, u.id`,
  );
  const holds = planHolds(signedIn);
  const renamed = holds.filter((hold) => hold.renamed);
  await client.query('UPDATE users u SET name = r.name FROM unnest($1::text[], $2::text[]) AS r(id, name) WHERE u.id = r.id', [
    renamed.map((hold) => hold.userId),
    renamed.map((hold) => hold.name),
  ]);
  await client.query('INSERT INTO held_names (key, user_id) SELECT * FROM unnest($1::text[], $2::text[])', [
    holds.map((hold) => hold.key),
    holds.map((hold) => hold.userId),
  ]);
}

/** In order; the one at index i brings a database from version i to i + 1. */
const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: SCHEMA_V1 },
  { version: 2, sql: SCHEMA_V2 },
  { version: 3, sql: SCHEMA_V3, then: fillNameKeys },
  { version: 4, sql: SCHEMA_V4 },
  { version: 5, sql: SCHEMA_V5 },
  { version: 6, sql: SCHEMA_V6 },
  { version: 7, sql: SCHEMA_V7 },
  { version: 8, sql: SCHEMA_V8 },
];

/** The version this program makes and reads. */
export const LATEST_VERSION = MIGRATIONS.length;

/** The advisory lock every migration holds: one number for this program's schema, in any database. */
const MIGRATION_LOCK = 0x63686174; // 'chat'

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  version INTEGER NOT NULL
)`;

/** The database's schema version (0 when it has none); an error when it is newer than this program knows. */
export async function schemaVersion(db: Queryable): Promise<number> {
  const { rows: found } = await db.query<{ name: string; present: boolean }>(
    "SELECT current_database() AS name, to_regclass('schema_version') IS NOT NULL AS present",
  );
  if (!found[0]?.present) return 0;
  const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_version WHERE one = 1');
  const version = rows[0]?.version ?? 0;
  if (version > LATEST_VERSION) {
    throw new Error(
      `the database ${found[0].name} is at schema version ${version}, newer than the latest this program knows (${LATEST_VERSION}): ` +
        'it was written by a newer release; run that release, or a copy of the database from before it',
    );
  }
  return version;
}

/**
 * Brings the database to LATEST_VERSION; returns how many migrations ran (0 for one at it already).
 * `target`, a lower version, is for the tests: a database as an older release left it.
 */
export async function migrate(pool: pg.Pool, target = LATEST_VERSION): Promise<number> {
  // Looked at first without the lock: a database at the latest version (every start but the
  // first) takes no lock, and one from a newer release is refused before anything is written.
  if ((await schemaVersion(pool)) >= target) return 0;
  return inTransaction(pool, async (client) => {
    // Held until the transaction ends: whoever comes second reads the version the first left.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(VERSION_TABLE);
    const from = await schemaVersion(client);
    if (from >= target) return 0;
    for (const migration of MIGRATIONS.slice(from, target)) {
      await client.query(migration.sql);
      await migration.then?.(client);
    }
    await client.query(
      `INSERT INTO schema_version (one, version) VALUES (1, $1) ON CONFLICT (one) DO UPDATE SET version = excluded.version`,
      [target],
    );
    return target - from;
  });
}

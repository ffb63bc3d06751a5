// The schema's versions. A file's version is its `PRAGMA user_version`: 0 for a new file and for
// every file made before versions were counted, then the number of the last migration it had.
// Each migration runs once per file, in a transaction that also sets the version, so a file is
// always at one version or the next. Settings of a connection (pragmas such as WAL, the SQL
// functions) are not here: they are made at each opening (see index.ts).
import type Database from 'better-sqlite3';
import { foldName, LOBBY } from '../../shared/protocol/index.js';
import { planHolds, planRoomKeys } from '../nameHolds.js';
import {
  ACCOUNT_COLUMNS,
  CHANGE_COLUMNS,
  CHANGES_SCHEMA,
  CONVERSATIONS_BACKFILL,
  HELD_NAMES,
  MENTIONS_COLUMN,
  MODERATION_SCHEMA,
  NAMES_COLUMNS,
  PRIVATE_ROOMS,
  READS_BACKFILL,
  ROOM_LIFECYCLE_COLUMNS,
  ROOM_LIFECYCLE_INDEXES,
  ROOM_NAME_KEY_INDEX,
  SCHEMA,
  SEARCH_MERGING,
  SEARCH_REBUILD,
  SEARCH_SCHEMA,
  SEARCH_STATE_FILL,
} from './schema.js';

interface Migration {
  /** The `user_version` the file has after it. */
  version: number;
  up(db: Database.Database): void;
}

/**
 * Version 1: the schema as it was when versions began to be counted, over whatever a file had.
 * A new file gets all of it. A file from before (version 0, whichever release made it) gets the
 * tables it lacks, and those filled from what it holds: read markers (the lobby read up to now,
 * as for a newcomer), DM conversations, the search index and how far it goes. A table it has is
 * left as it is; the search triggers are made again (the oldest files indexed on every insert).
 */
function adoptUnversioned(db: Database.Database): void {
  // Which tables a file from before versions has tells which release made it.
  const has = (name: string) => db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(name) !== undefined;
  const hadConversations = has('conversations');
  const hadReads = has('reads');
  const hadSearch = has('messages_fts');
  const hadSearchState = has('search_state');
  db.exec(SCHEMA);
  // A file from before read markers: its users start with the lobby read up to now, like newcomers.
  if (!hadReads) db.exec(READS_BACKFILL);
  if (!hadConversations) db.exec(CONVERSATIONS_BACKFILL);
  db.exec(SEARCH_SCHEMA);
  if (!hadSearch) db.exec(SEARCH_REBUILD);
  // A rebuilt index, or one the old per-insert trigger kept, has every message already.
  if (!hadSearch || !hadSearchState) db.exec(SEARCH_STATE_FILL);
  db.exec(SEARCH_MERGING);
  // Everyone's room, first in the list (rooms are listed by id).
  db.prepare('INSERT OR IGNORE INTO rooms (key, name, created_at) VALUES (?, ?, ?)').run(foldName(LOBBY), LOBBY, Date.now());
}

/** Version 2: rooms know who made them, and can be archived or deleted (see ROOM_LIFECYCLE). */
function roomLifecycle(db: Database.Database): void {
  // A file a test (or a downgrade) set back to an older version may have them already.
  const has = new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('rooms')").all().map((column) => column.name));
  for (const [name, definition] of Object.entries(ROOM_LIFECYCLE_COLUMNS)) {
    if (!has.has(name)) db.exec(`ALTER TABLE rooms ADD COLUMN ${definition}`);
  }
  db.exec(ROOM_LIFECYCLE_INDEXES);
}

/**
 * Version 3: held names and room name keys (see NAMES_COLUMNS, HELD_NAMES). Each room gets its
 * key, a later one too like an earlier one none; each user signed in now (a session not ended)
 * holds their name, oldest first, a later one too like an earlier one's with a suffix (nameHolds.ts).
 */
function heldNames(db: Database.Database): void {
  for (const [table, columns] of Object.entries(NAMES_COLUMNS)) {
    const has = new Set(db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((column) => column.name));
    for (const [name, definition] of Object.entries(columns)) {
      if (!has.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${definition}`);
    }
  }
  db.exec(HELD_NAMES);
  const rooms = db.prepare<[], { id: number; name: string }>('SELECT id, name FROM rooms ORDER BY id').all();
  const setKey = db.prepare<[string | null, number]>('UPDATE rooms SET name_key = ? WHERE id = ?');
  for (const { id, key } of planRoomKeys(rooms)) setKey.run(key, id);
  db.exec(ROOM_NAME_KEY_INDEX);
  const signedIn = db
    .prepare<[], { id: string; name: string }>(
      `SELECT u.id, u.name FROM users u
       WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.ended_at IS NULL) ORDER BY u.created_at, u.id`,
    )
    .all();
  const rename = db.prepare<[string, string]>('UPDATE users SET name = ? WHERE id = ?');
  const hold = db.prepare<[string, string]>('INSERT OR IGNORE INTO held_names (key, user_id) VALUES (?, ?)');
  for (const planned of planHolds(signedIn)) {
    if (planned.renamed) rename.run(planned.name, planned.userId);
    hold.run(planned.key, planned.userId);
  }
}

/**
 * Version 4: who a chat mentions, resolved to ids when it is sent (MENTIONS_COLUMN). Messages from
 * before have none: their `@name`s are left as text, never guessed at from today's names.
 */
function mentionIds(db: Database.Database): void {
  const has = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('messages')").all();
  if (!has.some((column) => column.name === 'mentions')) db.exec(MENTIONS_COLUMN);
}

/** Version 5: private rooms (see PRIVATE_ROOMS): the column where a file lacks it, and memberships by room. */
function privateRooms(db: Database.Database): void {
  const has = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('rooms')").all().some((column) => column.name === 'private');
  if (!has) db.exec(`ALTER TABLE rooms ADD COLUMN ${PRIVATE_ROOMS.column}`);
  db.exec(PRIVATE_ROOMS.index);
}

/** Version 6: the account page's columns (see ACCOUNT_COLUMNS), added where a file lacks them. */
function accountColumns(db: Database.Database): void {
  for (const [table, columns] of Object.entries(ACCOUNT_COLUMNS)) {
    const has = new Set(db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((column) => column.name));
    for (const [name, definition] of Object.entries(columns)) {
      if (!has.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${definition}`);
    }
  }
}

/** Version 7: moderation's tables (see MODERATION_SCHEMA). */
function moderation(db: Database.Database): void {
  db.exec(MODERATION_SCHEMA);
}

/** Version 8: edits, deletions, reactions and replies (see CHANGE_COLUMNS, CHANGES_SCHEMA). */
function changes(db: Database.Database): void {
  const has = new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('messages')").all().map((column) => column.name));
  for (const [name, definition] of Object.entries(CHANGE_COLUMNS)) {
    if (!has.has(name)) db.exec(`ALTER TABLE messages ADD COLUMN ${definition}`);
  }
  db.exec(CHANGES_SCHEMA);
}

/** In order; the one at index i brings a file from version i to i + 1. */
const MIGRATIONS: readonly Migration[] = [
  { version: 1, up: adoptUnversioned },
  { version: 2, up: roomLifecycle },
  { version: 3, up: heldNames },
  { version: 4, up: mentionIds },
  { version: 5, up: privateRooms },
  { version: 6, up: accountColumns },
  { version: 7, up: moderation },
  { version: 8, up: changes },
];

/** The version this program makes and reads. */
export const LATEST_VERSION = MIGRATIONS.length;

/**
 * The file's schema version; an error when it is newer than this program knows, since the file
 * may hold what this code would misread or undo (a newer release wrote it).
 */
export function schemaVersion(db: Database.Database): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_VERSION) {
    throw new Error(
      `${db.name} is at schema version ${version}, newer than the latest this program knows (${LATEST_VERSION}): ` +
        'it was written by a newer release; run that release, or a copy of the file from before it',
    );
  }
  return version;
}

/**
 * Brings the file to LATEST_VERSION; returns how many migrations ran (0 for a file at it already).
 * `target`, a lower version, is for the tests: a file as an older release left it.
 */
export function migrate(db: Database.Database, target = LATEST_VERSION): number {
  // IMMEDIATE, and the version read again inside: of two processes opening one old file at once,
  // the second waits for the first and then finds nothing left to do.
  const step = db.transaction((): boolean => {
    const version = schemaVersion(db);
    const migration = MIGRATIONS[version];
    if (!migration || version >= target) return false;
    migration.up(db);
    db.pragma(`user_version = ${migration.version}`);
    return true;
  });
  let ran = 0;
  // Each pass moves the version on by one at least (here or in another process): no more passes than migrations.
  for (let pass = 0; pass < MIGRATIONS.length && schemaVersion(db) < target; pass++) {
    if (step.immediate()) ran++;
  }
  return ran;
}

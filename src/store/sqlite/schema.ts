// The tables, indexes and triggers of the SQLite store, and the backfills that fill a table added
// to a file that already held messages. Only the migrations (migrations.ts) run this SQL; its
// statements say IF NOT EXISTS so that version 1 can run it over a file that has some of it already.
import { conversationKey, LOBBY } from '../../shared/protocol/index.js';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  image INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS rooms (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  room TEXT,
  user_id TEXT NOT NULL REFERENCES users(id),
  to_id TEXT REFERENCES users(id),
  pair TEXT,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_room ON messages(room, id) WHERE room IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_by_pair ON messages(pair, id) WHERE pair IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_dm_to ON messages(to_id, id) WHERE room IS NULL;
CREATE INDEX IF NOT EXISTS messages_dm_from ON messages(user_id, id) WHERE room IS NULL;
CREATE INDEX IF NOT EXISTS rooms_by_name ON rooms(name);

-- Who belongs to which room for good (lobby is everyone's and has no rows). room: canonical name.
CREATE TABLE IF NOT EXISTS memberships (
  user_id TEXT NOT NULL REFERENCES users(id),
  room TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, room)
) WITHOUT ROWID;

-- Each user's DM conversations: one row per person they have DMs with, the newest message between
-- them either way (last_id) and the newest one from that person (last_in). Kept by the trigger
-- below, so listing someone's conversations, or finding those with something new from the other
-- person, costs one row per person and never a pass over their messages.
CREATE TABLE IF NOT EXISTS conversations (
  user_id TEXT NOT NULL,
  other_id TEXT NOT NULL,
  last_id INTEGER NOT NULL,
  last_in INTEGER NOT NULL,
  PRIMARY KEY (user_id, other_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_by_recency ON conversations(user_id, last_id);
CREATE TRIGGER IF NOT EXISTS conversations_on_dm AFTER INSERT ON messages WHEN new.room IS NULL BEGIN
  INSERT INTO conversations (user_id, other_id, last_id, last_in) VALUES (new.user_id, new.to_id, new.id, 0)
    ON CONFLICT (user_id, other_id) DO UPDATE SET last_id = excluded.last_id;
  INSERT INTO conversations (user_id, other_id, last_id, last_in) VALUES (new.to_id, new.user_id, new.id, new.id)
    ON CONFLICT (user_id, other_id) DO UPDATE SET last_id = excluded.last_id, last_in = excluded.last_in;
END;

-- Read markers. key: 'room:<canonical name>' or 'dm:<other user id>'; everything up to last_read_id is read.
CREATE TABLE IF NOT EXISTS reads (
  user_id TEXT NOT NULL REFERENCES users(id),
  key TEXT NOT NULL,
  last_read_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
`;

/**
 * Full-text search over message text. The trigram tokenizer matches any substring of 3 or more
 * characters, in any script (no word splitting needed for Chinese), case-insensitively. External
 * content: the text lives once, in `messages`. New messages are indexed in bulk (see
 * `indexPending` in search.ts), not one by one as they are sent: a trigger per insert cost the
 * send path about 40 µs a message, bulk indexing a quarter of that. `search_state` says how far
 * the index goes; the triggers below only touch rows the index already has.
 */
export const SEARCH_SCHEMA = `
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
  data, content = 'messages', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS search_state (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  indexed_up_to INTEGER NOT NULL
);
DROP TRIGGER IF EXISTS messages_fts_insert;
DROP TRIGGER IF EXISTS messages_fts_delete;
DROP TRIGGER IF EXISTS messages_fts_update;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT indexed_up_to FROM search_state) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, data) VALUES ('delete', old.id, old.data);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF data ON messages
WHEN old.id <= (SELECT indexed_up_to FROM search_state) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, data) VALUES ('delete', old.id, old.data);
  INSERT INTO messages_fts (rowid, data) VALUES (new.id, new.data);
END;
`;

/** A file from before search existed: index the messages it already holds. */
export const SEARCH_REBUILD = "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')";

/** Indexed so far: everything (when the index was just rebuilt or kept by the old per-insert trigger). */
export const SEARCH_STATE_FILL =
  'INSERT OR REPLACE INTO search_state (one, indexed_up_to) SELECT 1, coalesce(max(id), 0) FROM messages';

/**
 * FTS5 merges its index segments by itself, all at once inside whichever insert tips a level over
 * (10 to 40 ms with the event loop stopped). It is told not to (and to wait longer before a
 * forced "crisis" merge); each indexing pass merges a few pages instead (SEARCH_MERGE_PAGES in
 * search.ts): the same work, in small even steps.
 */
const SEARCH_CRISIS_MERGE = 64;
// A migration's job, not the connection's: FTS5 keeps these settings in the file (messages_fts_config).
export const SEARCH_MERGING = `
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 0);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('crisismerge', ${SEARCH_CRISIS_MERGE});
`;

/** Lobby read markers for the users of a file from before read markers existed. */
export const READS_BACKFILL = `
INSERT OR IGNORE INTO reads (user_id, key, last_read_id)
  SELECT id, '${conversationKey({ room: LOBBY })}', (SELECT coalesce(max(id), 0) FROM messages WHERE room = '${LOBBY}') FROM users;
`;

/** A file from before the conversations table: fill it from the DMs it already holds. */
export const CONVERSATIONS_BACKFILL = `
INSERT INTO conversations (user_id, other_id, last_id, last_in)
  SELECT user_id, to_id, max(id), 0 FROM messages WHERE room IS NULL GROUP BY user_id, to_id;
INSERT INTO conversations (user_id, other_id, last_id, last_in)
  SELECT to_id, user_id, max(id), max(id) FROM messages WHERE room IS NULL GROUP BY to_id, user_id
  ON CONFLICT (user_id, other_id) DO UPDATE SET last_id = max(last_id, excluded.last_id), last_in = excluded.last_in;
`;

/**
 * Version 2: who made each room (NULL for rooms from before), and a room's end: archived (kept,
 * read by nobody over the socket, its name still taken) or deleted (a tombstone until its messages
 * are purged in the background, see roomPurge.ts; then the row goes and the name is free again).
 * Columns, since SQLite has no ADD COLUMN IF NOT EXISTS: the migration adds those a file lacks.
 */
export const ROOM_LIFECYCLE_COLUMNS: Readonly<Record<string, string>> = {
  created_by: 'created_by TEXT REFERENCES users(id)',
  archived_at: 'archived_at INTEGER',
  deleted_at: 'deleted_at INTEGER',
};
export const ROOM_LIFECYCLE_INDEXES = 'CREATE INDEX IF NOT EXISTS rooms_deleted ON rooms(deleted_at) WHERE deleted_at IS NOT NULL;';

/**
 * Version 3: names a person can keep (docs/protocol.md, "Names"). `held_names` says who holds
 * each name key (nameKey): a guest while signed in, a user with a password (`users.password`,
 * identity/passwords.ts) for good; the primary key makes two holders of one name impossible.
 * `rooms.name_key` is a room name's key, unique: `dev` and `dеv` cannot both be made. Columns,
 * added where a file lacks them; the keys are filled by the migration (see ../nameHolds.ts).
 */
export const NAMES_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  users: { password: 'password TEXT' },
  rooms: { name_key: 'name_key TEXT' },
};
export const HELD_NAMES = `
CREATE TABLE IF NOT EXISTS held_names (
  key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS held_names_by_user ON held_names(user_id);
`;
/** Made once every room has its key (or NULL, for a later room too like an earlier one). */
export const ROOM_NAME_KEY_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS rooms_by_name_key ON rooms(name_key);';

/** Version 4: the ids a chat mentions, as rows.ts `encodeMentions` keeps them (NULL: nobody). */
export const MENTIONS_COLUMN = 'ALTER TABLE messages ADD COLUMN mentions TEXT';

/**
 * Version 5: private rooms (docs/protocol.md, "Private rooms"): `rooms.private` is 1 for a room
 * only its members may see; they are its `memberships` rows, now also read by room (who to tell).
 */
export const PRIVATE_ROOMS = {
  column: 'private INTEGER NOT NULL DEFAULT 0',
  index: 'CREATE INDEX IF NOT EXISTS memberships_by_room ON memberships(room);',
} as const;

/**
 * Version 6: the account page (docs/protocol.md, "Your account"). `users.deleted_at`: the account
 * was deleted (its name is "deleted user", its messages kept); `sessions.agent`: a short
 * description of the browser that signed in (from User-Agent), for the list of sessions.
 */
export const ACCOUNT_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  users: { deleted_at: 'deleted_at INTEGER' },
  sessions: { agent: 'agent TEXT' },
};

/**
 * Version 7: moderation (../moderation.ts). Roles of accounts; removed people by name key (no
 * foreign keys: a removed guest may be swept, and the name stays refused); blocked addresses;
 * locked rooms (canonical name); each person's last sign-in address; and the log.
 */
export const MODERATION_SCHEMA = `
CREATE TABLE IF NOT EXISTS roles (
  user_id TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('owner', 'moderator')),
  granted_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS removed_people (
  user_id TEXT PRIMARY KEY,
  name_key TEXT NOT NULL,
  name TEXT NOT NULL,
  removed_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS removed_people_by_key ON removed_people(name_key);
CREATE TABLE IF NOT EXISTS blocked_addresses (
  address TEXT PRIMARY KEY,
  until INTEGER NOT NULL,
  blocked_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS locked_rooms (
  room TEXT PRIMARY KEY,
  locked_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sign_in_addresses (
  user_id TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS moderation_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_id TEXT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT
);
`;

/**
 * Version 8: messages people change (docs/protocol.md, "Editing, reactions and replies"). Columns
 * of `messages`: when it was edited or deleted (a deleted one stays as a placeholder, its text ""),
 * the last change of the site-wide sequence to its text (edit or deletion) and to its reactions
 * (so a resume sends only the kinds that changed), and the message it answers. `reactions`: who
 * reacted with what (`seq` orders them: each emoji by its first reaction). `change_ids`: the last
 * change number given, one row (as messages' ids are, on PostgreSQL: postgres/messageIds.ts).
 */
export const CHANGE_COLUMNS: Readonly<Record<string, string>> = {
  edited_at: 'edited_at INTEGER',
  deleted_at: 'deleted_at INTEGER',
  text_change: 'text_change INTEGER',
  reactions_change: 'reactions_change INTEGER',
  reply_to: 'reply_to INTEGER',
};
export const CHANGES_SCHEMA = `
CREATE INDEX IF NOT EXISTS messages_by_text_change ON messages(text_change) WHERE text_change IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_by_reactions_change ON messages(reactions_change) WHERE reactions_change IS NOT NULL;
CREATE TABLE IF NOT EXISTS reactions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id INTEGER NOT NULL,
  emoji TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  UNIQUE (message_id, emoji, user_id)
);
CREATE INDEX IF NOT EXISTS reactions_by_user ON reactions(user_id);
CREATE TABLE IF NOT EXISTS change_ids (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last INTEGER NOT NULL
);
INSERT OR IGNORE INTO change_ids (one, last) VALUES (1, 0);
`;

// The tables, indexes and triggers of the PostgreSQL store, as the migrations (migrations.ts) make
// them: the same tables, columns and meaning as SQLite's (../sqlite/schema.ts), in PostgreSQL's
// types. Text keys compare byte by byte (COLLATE "C", as SQLite's BINARY does), whatever the
// database's own collation: room keys sort the directory, ids the sweep.
import { foldName, LOBBY } from '../../shared/protocol/index.js';

/** Version 1: everything, on an empty database. */
export const SCHEMA_V1 = `
-- Search: a GIN index of trigrams over message text (see messages_text below).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  image INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  id TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX sessions_by_user ON sessions(user_id, created_at);
-- The sweep removes the oldest first.
CREATE INDEX sessions_by_age ON sessions(created_at);

-- key: the name folded (foldName), unique, so that Dev and dev are one room; name: as it was made.
-- A deleted room stays (deleted_at) until its messages are purged (roomPurge.ts).
CREATE TABLE rooms (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key TEXT COLLATE "C" NOT NULL UNIQUE,
  name TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT COLLATE "C" REFERENCES users(id),
  archived_at BIGINT,
  deleted_at BIGINT
);
CREATE INDEX rooms_by_name ON rooms(name);
CREATE INDEX rooms_deleted ON rooms(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX rooms_by_creator ON rooms(created_by) WHERE created_by IS NOT NULL;

-- A room message has a room (its canonical name); a DM has to_id and pair (pairKey), no room.
CREATE TABLE messages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts BIGINT NOT NULL,
  room TEXT COLLATE "C",
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
  to_id TEXT COLLATE "C" REFERENCES users(id),
  pair TEXT COLLATE "C",
  data TEXT NOT NULL
);
-- History pages, resume and the unread counts: backwards or forwards along one room or conversation.
CREATE INDEX messages_by_room ON messages(room, id) WHERE room IS NOT NULL;
CREATE INDEX messages_by_pair ON messages(pair, id) WHERE pair IS NOT NULL;
-- Resume and the short search path: one person's DMs, sent and received.
CREATE INDEX messages_dm_from ON messages(user_id, id) WHERE room IS NULL;
CREATE INDEX messages_dm_to ON messages(to_id, id) WHERE to_id IS NOT NULL;
-- Whether anyone's message names a user: the sweep, and the check of the foreign key when one goes.
CREATE INDEX messages_by_user ON messages(user_id);
-- Search of 3 characters or more: ILIKE '%text%' through the trigrams of the text.
CREATE INDEX messages_text ON messages USING gin (data gin_trgm_ops);

-- Who belongs to which room for good (lobby is everyone's and has no rows). room: canonical name.
CREATE TABLE memberships (
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
  room TEXT COLLATE "C" NOT NULL,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, room)
);
CREATE INDEX memberships_by_room ON memberships(room);

-- Each user's DM conversations: one row per person, the newest message between them either way
-- (last_id) and the newest from that person (last_in), kept by the trigger below in the
-- transaction that adds the DM. Never moved backwards: another process may commit an older DM later.
CREATE TABLE conversations (
  user_id TEXT COLLATE "C" NOT NULL,
  other_id TEXT COLLATE "C" NOT NULL,
  last_id BIGINT NOT NULL,
  last_in BIGINT NOT NULL,
  PRIMARY KEY (user_id, other_id)
);
CREATE INDEX conversations_by_recency ON conversations(user_id, last_id);
CREATE FUNCTION conversations_on_dm() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversations AS c (user_id, other_id, last_id, last_in) VALUES (NEW.user_id, NEW.to_id, NEW.id, 0)
    ON CONFLICT (user_id, other_id) DO UPDATE SET last_id = greatest(c.last_id, excluded.last_id);
  INSERT INTO conversations AS c (user_id, other_id, last_id, last_in) VALUES (NEW.to_id, NEW.user_id, NEW.id, NEW.id)
    ON CONFLICT (user_id, other_id) DO UPDATE
    SET last_id = greatest(c.last_id, excluded.last_id), last_in = greatest(c.last_in, excluded.last_in);
  RETURN NULL;
END
$$;
CREATE TRIGGER conversations_on_dm AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.room IS NULL) EXECUTE FUNCTION conversations_on_dm();

-- Read markers. key: conversationKey ('room:<canonical name>' or 'dm:<other user id>'); everything
-- up to last_read_id is read.
CREATE TABLE reads (
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
  key TEXT COLLATE "C" NOT NULL,
  last_read_id BIGINT NOT NULL,
  PRIMARY KEY (user_id, key)
);

-- The keys that sign identity cookies when SECRET is not set, one row shared by every process
-- (keys.ts): comma- or newline-separated, the first signing, as in SECRET.
CREATE TABLE signing_keys (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  keys TEXT NOT NULL
);

-- Everyone's room, first in the list (rooms are listed by id).
INSERT INTO rooms (key, name, created_at) VALUES ('${foldName(LOBBY)}', '${LOBBY}', (extract(epoch FROM now()) * 1000)::bigint);
`;


/**
 * Version 2: message ids dense and committed in id order, across every process (messageIds.ts).
 * `message_ids` holds the last id handed out; it starts past every id a message ever had (the
 * identity's sequence may be ahead of max(id): the newest messages were those of a room since
 * purged, or of a rolled back transaction), so that no id a client may have seen is used again. The
 * identity goes: an INSERT that does not take its id from `message_ids` fails (NOT NULL) rather
 * than slip an id in out of order. The table is locked first, against a process of the previous
 * release still adding messages through the identity while this runs.
 */
export const SCHEMA_V2 = `
LOCK TABLE messages IN EXCLUSIVE MODE;
CREATE TABLE message_ids (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last BIGINT NOT NULL
);
INSERT INTO message_ids (one, last) SELECT 1, greatest(
  (SELECT coalesce(max(id), 0) FROM messages),
  coalesce(pg_sequence_last_value(pg_get_serial_sequence('messages', 'id')::regclass), 0)
);
ALTER TABLE messages ALTER COLUMN id DROP IDENTITY;
COMMENT ON COLUMN messages.id IS 'taken from message_ids in the transaction that adds the message (src/store/postgres/messageIds.ts)';
`;

/**
 * Version 3: names a person can keep (docs/protocol.md, "Names"), as SQLite's version 3
 * (../sqlite/schema.ts, HELD_NAMES): `held_names` (a name key's one holder), `users.password`
 * (the hash, identity/passwords.ts; NULL for a guest), `rooms.name_key` (a room name's key). The
 * migration fills the keys (migrations.ts, ../nameHolds.ts), then makes them unique.
 */
export const SCHEMA_V3 = `
ALTER TABLE users ADD COLUMN password TEXT;
ALTER TABLE rooms ADD COLUMN name_key TEXT COLLATE "C";
CREATE TABLE held_names (
  key TEXT COLLATE "C" PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id)
);
CREATE INDEX held_names_by_user ON held_names(user_id);
`;
/** Once every room has its key (or NULL, for a later room too like an earlier one). */
export const ROOM_NAME_KEY_INDEX = 'CREATE UNIQUE INDEX rooms_by_name_key ON rooms(name_key)';

/** Version 4: the ids a chat mentions, as rows.ts `encodeMentions` keeps them (NULL: nobody); older messages have none. */
export const SCHEMA_V4 = `
ALTER TABLE messages ADD COLUMN mentions TEXT COLLATE "C";
`;

/**
 * Version 5: private rooms, as SQLite's version 5 (../sqlite/schema.ts, PRIVATE_ROOMS): a room only
 * its members (its `memberships` rows) may see. `memberships_by_room` exists since version 1.
 */
export const SCHEMA_V5 = `
ALTER TABLE rooms ADD COLUMN private BOOLEAN NOT NULL DEFAULT FALSE;
`;

/**
 * Version 6: the account page, as SQLite's version 6 (../sqlite/schema.ts, ACCOUNT_COLUMNS):
 * `users.deleted_at` (a deleted account, its messages kept under "deleted user"), `sessions.agent`
 * (a short description of the browser that signed in).
 */
export const SCHEMA_V6 = `
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
ALTER TABLE sessions ADD COLUMN agent TEXT;
`;

/**
 * Version 7: moderation (../moderation.ts), as SQLite's version 7 (../sqlite/schema.ts,
 * MODERATION_SCHEMA): roles, removed people by name key, blocked addresses, locked rooms, the last
 * sign-in address of each person, and the log. No foreign keys to users: a removed guest may be swept.
 */
export const SCHEMA_V7 = `
CREATE TABLE roles (
  user_id TEXT COLLATE "C" PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('owner', 'moderator')),
  granted_at BIGINT NOT NULL
);
CREATE TABLE removed_people (
  user_id TEXT COLLATE "C" PRIMARY KEY,
  name_key TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  removed_at BIGINT NOT NULL
);
CREATE INDEX removed_people_by_key ON removed_people(name_key);
CREATE TABLE blocked_addresses (
  address TEXT COLLATE "C" PRIMARY KEY,
  until BIGINT NOT NULL,
  blocked_at BIGINT NOT NULL
);
CREATE TABLE locked_rooms (
  room TEXT COLLATE "C" PRIMARY KEY,
  locked_at BIGINT NOT NULL
);
CREATE TABLE sign_in_addresses (
  user_id TEXT COLLATE "C" PRIMARY KEY,
  address TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE TABLE moderation_log (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id TEXT COLLATE "C",
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT
);
`;

/**
 * Version 8: messages people change (docs/protocol.md, "Editing, reactions and replies"): when a
 * message was edited or deleted (a deleted one stays as a placeholder, its text ""), the last
 * change to its text and to its reactions, the message it answers; who reacted with what (`seq`
 * orders them); and `change_ids`, the counter of the site-wide change sequence, taken first in a
 * transaction as message_ids is (messageIds.ts), so that changes are dense and committed in order.
 */
export const SCHEMA_V8 = `
ALTER TABLE messages ADD COLUMN edited_at BIGINT, ADD COLUMN deleted_at BIGINT, ADD COLUMN text_change BIGINT,
  ADD COLUMN reactions_change BIGINT, ADD COLUMN reply_to BIGINT;
CREATE INDEX messages_by_text_change ON messages(text_change) WHERE text_change IS NOT NULL;
CREATE INDEX messages_by_reactions_change ON messages(reactions_change) WHERE reactions_change IS NOT NULL;
CREATE TABLE reactions (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id BIGINT NOT NULL,
  emoji TEXT NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
  UNIQUE (message_id, emoji, user_id)
);
CREATE INDEX reactions_by_user ON reactions(user_id);
CREATE TABLE change_ids (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last BIGINT NOT NULL
);
INSERT INTO change_ids (one, last) VALUES (1, 0);
`;

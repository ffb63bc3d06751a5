// Messages on PostgreSQL: adding chats and DMs (in the group commit's transaction, all of a turn's
// in one statement), history pages, resume (`messagesSince`), a stretch of ids (`messagesBetween`),
// the newest id, and the people someone has DMs with. Nothing is kept in memory: other processes
// add messages to the same database, so the newest id and the latest pages are read from it each
// time, each through an index (the primary key, (room, id) or (pair, id), with a LIMIT), a few
// index pages whatever the size of the table.
import type { ChatMessage, DirectMessage, StoredMessage, User } from '../../shared/protocol/index.js';
import { encodeMentions, SELECTED_WITHOUT_REPLY, WITH_USERS_WITHOUT_REPLY, pairKey, person, type MessageRow } from '../rows.js';
import { messageReader } from './changes.js';
import type { HistoryPage, NewChat, NewDm, Page } from '../store.js';
import type { NewMessage } from './groupCommit.js';
import type { ChangeStatement } from './changesTogether.js';
import { LAST_CHANGE } from './changeStatements.js';
import type { Prepared, Queryable } from './pool.js';

/** Pages are read newest-first through the index, then turned around to oldest-first. */
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * The messages of one room (or pair, sender or recipient: `column` = `value`) on one side of an id,
 * in id order (`order`): a WHERE and an ORDER BY that only a walk along the (column, id) index answers without
 * sorting every message on that side of the id. Hence `= ANY (ARRAY[value])` rather than `= value`,
 * which would let PostgreSQL drop the column from the ORDER BY and walk the primary key instead,
 * filtering by room: cheap by its statistics for a room that holds most messages (the lobby), but a
 * walk through everything written elsewhere since, whenever that room has gone quiet. The caller
 * adds the LIMIT.
 */
export function along(column: string, value: string, op: '<' | '>', bound: string, order: 'ASC' | 'DESC'): string {
  return `${column} = ANY (ARRAY[${value}]::text[]) AND id ${op} ${bound} ORDER BY ${column} ${order}, id ${order}`;
}

/**
 * The messages whose ids the SELECT `ids` picks (each through an index, under its LIMIT), read by
 * primary key with their authors and recipients (the quotes of replies apart: messageReader), and those only where `where` holds, in id order.
 * An array rather than a join: a join lets PostgreSQL merge the ids with a walk of the primary key
 * from its first id, when it guesses more ids than the LIMIT allows.
 */
export const withIds = (ids: string, order: 'ASC' | 'DESC', where = 'true', also = '') =>
  `SELECT ${also}${SELECTED_WITHOUT_REPLY} FROM messages m ${WITH_USERS_WITHOUT_REPLY} WHERE m.id = ANY (ARRAY(${ids})) AND ${where} ORDER BY m.id ${order}`;

const ROOM_PAGE = `SELECT id FROM messages WHERE ${along('room', '$1', '<', '$2', 'DESC')} LIMIT $3`;
const DM_PAGE = `SELECT id FROM messages WHERE ${along('pair', '$1', '<', '$2', 'DESC')} LIMIT $3`;
/** One statement, one snapshot: the change number read with the rows is exactly the one they show. */
const PAGE_CHANGE = `(${LAST_CHANGE}) AS page_change, `;

/**
 * A batch of messages alone, as one statement and so one transaction of its own: their ids taken
 * (the counter's row locked first, as messageIds.ts requires; the INSERT's checks run after), then
 * the rows with the ids after `before`, in order. $1 the count, then the columns as `addMessages`.
 * The CTEs only: `addMessagesTakingIds`, or with a change after them (changeStatements.ts).
 */
const TAKING_IDS = `taken AS (UPDATE message_ids SET last = last + $1 WHERE one = 1 RETURNING last - $1 AS before),
    added AS (INSERT INTO messages (id, ts, room, user_id, to_id, pair, data, mentions, reply_to)
      SELECT taken.before + m.n, m.ts, m.room, m.user_id, m.to_id, m.pair, m.data, m.mentions, m.reply_to
      FROM taken, unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
        WITH ORDINALITY AS m(ts, room, user_id, to_id, pair, data, mentions, reply_to, n))`;
/** How many parameters TAKING_IDS takes. */
const TAKING_IDS_PARAMETERS = 9;

/** Message rows (the values `chat` and `dm` make) as the 8 column arrays the statements unnest. */
const columnsOf = (rows: readonly (readonly unknown[])[]): unknown[][] => Array.from({ length: 8 }, (_, column) => rows.map((row) => row[column]));

export const MESSAGES_SQL = {
  /**
   * Adds messages, a row per index of the arrays: $1 their ids, taken from message_ids in the same
   * transaction (messageIds.ts), then ts, room, user_id, to_id, pair and data.
   */
  addMessages: `INSERT INTO messages (id, ts, room, user_id, to_id, pair, data, mentions, reply_to)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])`,
  /**
   * A batch of messages alone, in one statement (TAKING_IDS): prepared, as a busy room runs it every
   * turn, and PostgreSQL parsed and planned it anew each time (most of its CPU for a turn of a few messages).
   */
  addMessagesTakingIds: { name: 'messages_taking_ids', text: `WITH ${TAKING_IDS} SELECT before FROM taken` } satisfies Prepared,
  /**
   * The history pages, prepared: PostgreSQL planned each page anew in about as long as it took to
   * read it (the joins to the authors); its generic plan walks the same index, whatever the room
   * (plans.test.ts checks both plans).
   */
  roomHistory: { name: 'room_history', text: withIds(ROOM_PAGE, 'DESC') } satisfies Prepared,
  dmHistory: { name: 'dm_history', text: withIds(DM_PAGE, 'DESC') } satisfies Prepared,
  /** As roomHistory and dmHistory, each row with the last change as the same snapshot saw it: one round trip for both. */
  roomPage: { name: 'room_page', text: withIds(ROOM_PAGE, 'DESC', 'true', PAGE_CHANGE) } satisfies Prepared,
  dmPage: { name: 'dm_page', text: withIds(DM_PAGE, 'DESC', 'true', PAGE_CHANGE) } satisfies Prepared,
  lastId: 'SELECT coalesce(max(id), 0) AS id FROM messages',
  lastInRoom: 'SELECT coalesce(max(id), 0) AS id FROM messages WHERE room = $1',
  /**
   * Resume: each source read in id order through its own index, at most $3 of each (a small room
   * is never found by walking past the lobby's messages), then the first $3 of them all in id
   * order. $1 the rooms, $2 the id after which, $4 the user whose DMs count (or null): those they
   * sent, and those others sent them (their DMs to themselves come with the first; a message
   * with a recipient is a DM). LIMIT NULL is no limit.
   */
  since: withIds(
    `SELECT id FROM (
      SELECT s.id FROM (SELECT DISTINCT unnest($1::text[]) AS name) r
        CROSS JOIN LATERAL (SELECT id FROM messages WHERE ${along('room', 'r.name', '>', '$2', 'ASC')} LIMIT $3) s
      UNION ALL
      SELECT id FROM (SELECT id FROM messages WHERE room IS NULL AND ${along('user_id', '$4', '>', '$2', 'ASC')} LIMIT $3) f
      UNION ALL
      SELECT id FROM (SELECT id FROM messages WHERE user_id <> $4 AND ${along('to_id', '$4', '>', '$2', 'ASC')} LIMIT $3) t
    ) picked ORDER BY id LIMIT $3`,
    'ASC',
  ),
  /**
   * Every message with $1 < id ≤ $2, room chats and DMs alike, the first $3 in id order: a walk
   * along the primary key. Those of a deleted room (waiting for the purge) are left out, by the
   * names of the deleted rooms, read once (a hashed subplan, through rooms_deleted), inside the
   * LIMIT so that a page is short only at $2.
   */
  between: withIds(
    `SELECT id FROM messages WHERE id > $1 AND id <= $2
      AND (room IS NULL OR room NOT IN (SELECT name FROM rooms WHERE deleted_at IS NOT NULL))
      ORDER BY id LIMIT $3`,
    'ASC',
  ),
  conversationsOf: `SELECT u.id, u.name, u.image, u.deleted_at IS NOT NULL AS deleted FROM conversations c JOIN users u ON u.id = c.other_id
    WHERE c.user_id = $1 ORDER BY c.last_id DESC LIMIT $2`,
};

/** The first id of the messages a TAKING_IDS statement added, from its row (`before`: the id before theirs). */
function firstIdOf(row: { before?: string | number } | undefined): number {
  if (row?.before === undefined) throw new Error('message_ids has no row: the schema is not at version 2');
  return Number(row.before) + 1;
}

export class Messages {
  /** Rows as messages, with their reactions. */
  private readonly read: (rows: MessageRow[]) => Promise<StoredMessage[]>;

  constructor(private readonly db: Queryable) {
    this.read = messageReader(db);
  }

  /** A room message for the group commit to add (`insert`), and what it is once it has its id. */
  chat({ room, user, data, ts, mentions, replyTo }: NewChat): NewMessage<ChatMessage> {
    return {
      values: [ts, room, user.id, null, null, data, encodeMentions(mentions), replyTo?.id ?? null],
      result: (id) => ({ type: 'chat', id, ts, room, user, data, ...(mentions?.length && { mentions }), ...(replyTo && { replyTo }) }),
    };
  }

  /** A direct message for the group commit to add. */
  dm({ user, to, data, ts, mentions, replyTo }: NewDm): NewMessage<DirectMessage> {
    return {
      values: [ts, null, user.id, to.id, pairKey(user.id, to.id), data, encodeMentions(mentions), replyTo?.id ?? null],
      result: (id) => ({ type: 'dm', id, ts, user, to, data, ...(mentions?.length && { mentions }), ...(replyTo && { replyTo }) }),
    };
  }

  /** Adds the messages `rows` (as `chat` and `dm` make them), with the ids `firstId`, `firstId + 1`, …, in one statement. */
  async insert(tx: Queryable, firstId: number, rows: readonly (readonly unknown[])[]): Promise<void> {
    await tx.query(MESSAGES_SQL.addMessages, [rows.map((_, i) => firstId + i), ...columnsOf(rows)]);
  }

  /**
   * Adds the messages `rows` alone, in one statement that takes their ids too (one round trip, its
   * own transaction); resolves with the first id. Nothing is kept when it fails.
   */
  async insertTakingIds(db: Queryable, rows: readonly (readonly unknown[])[]): Promise<number> {
    return (await this.takingIds(db, MESSAGES_SQL.addMessagesTakingIds, rows, [])).firstId;
  }

  /**
   * The same, with a change after them in the same statement (`statement` makes it from the
   * messages' CTEs and how many parameters they take): resolves with the first id and the change's row.
   */
  insertTakingIdsWith(
    db: Queryable,
    rows: readonly (readonly unknown[])[],
    statement: (messagesCtes: string, parameters: number) => Prepared,
    values: readonly unknown[],
  ): Promise<{ firstId: number; change: unknown }> {
    return this.takingIds(db, statement(TAKING_IDS, TAKING_IDS_PARAMETERS), rows, values);
  }

  /** The statement of `insertTakingIds` and its values, to run among others (changesTogether.ts), and how its row gives the first id. */
  takingIdsStatement(rows: readonly (readonly unknown[])[]): { statement: ChangeStatement; firstId(row: unknown): number } {
    return {
      statement: { alone: MESSAGES_SQL.addMessagesTakingIds, values: [rows.length, ...columnsOf(rows)] },
      firstId: (row) => firstIdOf(row as { before?: string | number } | undefined),
    };
  }

  /** Runs a statement made of TAKING_IDS (and what follows): the rows as its columns, then `values`. */
  private async takingIds(db: Queryable, statement: Prepared, rows: readonly (readonly unknown[])[], values: readonly unknown[]): Promise<{ firstId: number; change: unknown }> {
    const { rows: taken } = await db.query<{ before: string | number; change?: unknown }>(statement, [rows.length, ...columnsOf(rows), ...values]);
    return { firstId: firstIdOf(taken[0]), change: taken[0]?.change };
  }

  async roomHistory(room: string, page: Page): Promise<ChatMessage[]> {
    const { rows } = await this.db.query<MessageRow>(MESSAGES_SQL.roomHistory, [room, page.before ?? NO_UPPER_BOUND, page.limit]);
    return (await this.read(rows.reverse())) as ChatMessage[];
  }

  async dmHistory(userId: string, otherId: string, page: Page): Promise<DirectMessage[]> {
    const { rows } = await this.db.query<MessageRow>(MESSAGES_SQL.dmHistory, [pairKey(userId, otherId), page.before ?? NO_UPPER_BOUND, page.limit]);
    return (await this.read(rows.reverse())) as DirectMessage[];
  }

  async roomPage(room: string, page: Page): Promise<HistoryPage<ChatMessage>> {
    return this.page<ChatMessage>(MESSAGES_SQL.roomPage, [room, page.before ?? NO_UPPER_BOUND, page.limit]);
  }

  async dmPage(userId: string, otherId: string, page: Page): Promise<HistoryPage<DirectMessage>> {
    return this.page<DirectMessage>(MESSAGES_SQL.dmPage, [pairKey(userId, otherId), page.before ?? NO_UPPER_BOUND, page.limit]);
  }

  /** A page and its change number in one round trip; an empty page has no row to carry it, so that is read apart. */
  private async page<M extends StoredMessage>(statement: Prepared, values: unknown[]): Promise<HistoryPage<M>> {
    const { rows } = await this.db.query<MessageRow & { page_change: number }>(statement, values);
    const change = rows[0]?.page_change ?? Number((await this.db.query<{ last: number }>(LAST_CHANGE)).rows[0]?.last ?? 0);
    return { messages: (await this.read(rows.reverse())) as M[], change: Number(change) };
  }

  async lastMessageId(): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(MESSAGES_SQL.lastId);
    return rows[0]?.id ?? 0;
  }

  /** The newest message id in a room, 0 when there is none. */
  async latestInRoom(room: string, db: Queryable = this.db): Promise<number> {
    const { rows } = await db.query<{ id: number }>(MESSAGES_SQL.lastInRoom, [room]);
    return rows[0]?.id ?? 0;
  }

  async messagesSince(since: number, rooms: string[], dmsOf?: string, limit?: number): Promise<StoredMessage[]> {
    const { rows } = await this.db.query<MessageRow>(MESSAGES_SQL.since, [rooms, since, limit ?? null, dmsOf ?? null]);
    return this.read(rows);
  }

  async messagesBetween(after: number, upTo: number, limit: number): Promise<StoredMessage[]> {
    const { rows } = await this.db.query<MessageRow>(MESSAGES_SQL.between, [after, upTo, limit]);
    return this.read(rows);
  }

  async conversationsOf(userId: string, limit: number): Promise<User[]> {
    const { rows } = await this.db.query<User & { deleted: boolean }>(MESSAGES_SQL.conversationsOf, [userId, limit]);
    return rows.map((row) => person(row.id, row.name, row.image, row.deleted));
  }
}

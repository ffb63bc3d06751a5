// Messages on PostgreSQL: adding chats and DMs (in the group commit's transaction), history pages,
// resume (`messagesSince`), the newest id, and the people someone has DMs with. Nothing is kept in
// memory: other processes add messages to the same database, so the newest id and the latest
// pages are read from it each time, each through an index (the primary key backwards, (room, id)
// or (pair, id) backwards with a LIMIT), a few index pages whatever the size of the table.
import type { ChatMessage, DirectMessage, StoredMessage, User } from '../../shared/protocol/index.js';
import { MESSAGE_COLUMNS, ROOM_MESSAGE_COLUMNS, SELECTED, WITH_USERS, pairKey, toMessage, type MessageRow } from '../rows.js';
import type { Page } from '../store.js';
import type { Queryable } from './pool.js';

/** Pages are read newest-first through the index, then turned around to oldest-first. */
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

const SQL = {
  addMessage: 'INSERT INTO messages (ts, room, user_id, to_id, pair, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
  roomHistory: `SELECT ${ROOM_MESSAGE_COLUMNS} WHERE m.room = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3`,
  dmHistory: `SELECT ${MESSAGE_COLUMNS} WHERE m.pair = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3`,
  lastId: 'SELECT coalesce(max(id), 0) AS id FROM messages',
  lastInRoom: 'SELECT coalesce(max(id), 0) AS id FROM messages WHERE room = $1',
  /**
   * Resume: each source read in id order through its own index, at most $3 of each (a small room
   * is never found by walking past the lobby's messages), then the first $3 of them all in id
   * order. $1 the rooms, $2 the id after which, $4 the user whose DMs count (or null): those they
   * sent, and those others sent them (their DMs to themselves come with the first).
   */
  since: `WITH picked AS (
      SELECT s.id FROM (SELECT DISTINCT unnest($1::text[]) AS name) r
        CROSS JOIN LATERAL (SELECT id FROM messages WHERE room = r.name AND id > $2 ORDER BY id LIMIT $3) s
      UNION ALL
      SELECT id FROM (SELECT id FROM messages WHERE room IS NULL AND user_id = $4 AND id > $2 ORDER BY id LIMIT $3) f
      UNION ALL
      SELECT id FROM (SELECT id FROM messages WHERE to_id = $4 AND room IS NULL AND user_id <> $4 AND id > $2 ORDER BY id LIMIT $3) t
    )
    SELECT ${SELECTED} FROM picked p JOIN messages m ON m.id = p.id ${WITH_USERS} ORDER BY m.id LIMIT $3`,
  conversationsOf: `SELECT u.id, u.name, u.image FROM conversations c JOIN users u ON u.id = c.other_id
    WHERE c.user_id = $1 ORDER BY c.last_id DESC LIMIT $2`,
};

export class Messages {
  constructor(private readonly db: Queryable) {}

  async addChat(tx: Queryable, { room, user, data, ts }: { room: string; user: User; data: string; ts: number }): Promise<ChatMessage> {
    const { rows } = await tx.query<{ id: number }>(SQL.addMessage, [ts, room, user.id, null, null, data]);
    return { type: 'chat', id: (rows[0] as { id: number }).id, ts, room, user, data };
  }

  async addDm(tx: Queryable, { user, to, data, ts }: { user: User; to: User; data: string; ts: number }): Promise<DirectMessage> {
    const { rows } = await tx.query<{ id: number }>(SQL.addMessage, [ts, null, user.id, to.id, pairKey(user.id, to.id), data]);
    return { type: 'dm', id: (rows[0] as { id: number }).id, ts, user, to, data };
  }

  async roomHistory(room: string, page: Page): Promise<ChatMessage[]> {
    const { rows } = await this.db.query<MessageRow>(SQL.roomHistory, [room, page.before ?? NO_UPPER_BOUND, page.limit]);
    return rows.reverse().map(toMessage) as ChatMessage[];
  }

  async dmHistory(userId: string, otherId: string, page: Page): Promise<DirectMessage[]> {
    const { rows } = await this.db.query<MessageRow>(SQL.dmHistory, [pairKey(userId, otherId), page.before ?? NO_UPPER_BOUND, page.limit]);
    return rows.reverse().map(toMessage) as DirectMessage[];
  }

  async lastMessageId(): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(SQL.lastId);
    return rows[0]?.id ?? 0;
  }

  /** The newest message id in a room, 0 when there is none. */
  async latestInRoom(room: string, db: Queryable = this.db): Promise<number> {
    const { rows } = await db.query<{ id: number }>(SQL.lastInRoom, [room]);
    return rows[0]?.id ?? 0;
  }

  async messagesSince(since: number, rooms: string[], dmsOf?: string, limit?: number): Promise<StoredMessage[]> {
    // LIMIT NULL is no limit.
    const { rows } = await this.db.query<MessageRow>(SQL.since, [rooms, since, limit ?? null, dmsOf ?? null]);
    return rows.map(toMessage);
  }

  async conversationsOf(userId: string, limit: number): Promise<User[]> {
    const { rows } = await this.db.query<User>(SQL.conversationsOf, [userId, limit]);
    return rows.map((row) => ({ id: row.id, name: row.name, image: row.image }));
  }
}

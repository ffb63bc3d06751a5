// Read markers and unread counts on PostgreSQL: how far each user has read each room and DM
// conversation (the `reads` table, keyed by `conversationKey`), and what others wrote after that,
// counted within the bounds SQLite keeps (UNREAD_WINDOW, UNREAD_CAP): three statements for every
// room and conversation of a user together, each count a bounded walk back along one index.
import { conversationKey, UNREAD_CAP, type Conversation, type UnreadEntry } from '../../shared/protocol/index.js';
import { UNREAD_WINDOW } from '../bounds.js';
import { pairKey } from '../rows.js';
import { along } from './messages.js';
import type { Queryable } from './pool.js';

/**
 * Unread after the marker in each source (a room, or a conversation's pair key) of the arrays $2
 * (sources) and $3 (markers), bounded as UNREAD_CAP says: the newest $4 messages after the
 * marker, read backwards through the (room, id) or (pair, id) index, then the first $5 of them
 * from others than $1. With the count, how many of them mention $1 (resolved when sent: the
 * `mentions` column, see rows.ts).
 */
const unreadIn = (column: 'room' | 'pair') => `
  SELECT q.ord, c.count, c.mentions FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS q(source, marker, ord)
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS count, (count(*) FILTER (WHERE strpos(x.mentions, ',' || $1 || ',') > 0))::int AS mentions FROM (
      SELECT n.mentions FROM (
        SELECT user_id, mentions, deleted_at FROM messages WHERE ${along(column, 'q.source', '>', 'q.marker', 'DESC')} LIMIT $4
      ) n WHERE n.user_id <> $1 AND n.deleted_at IS NULL LIMIT $5
    ) x
  ) c
  WHERE c.count > 0 ORDER BY q.ord`;

export const READS_SQL = {
  markRead: `INSERT INTO reads (user_id, key, last_read_id) VALUES ($1, $2, $3)
    ON CONFLICT (user_id, key) DO UPDATE SET last_read_id = excluded.last_read_id
    WHERE excluded.last_read_id > reads.last_read_id`,
  /** A member joining (again) reads from the room's newest message on; an earlier marker only moves forward. */
  startReading: `INSERT INTO reads (user_id, key, last_read_id)
    VALUES ($1, $2, (SELECT coalesce(max(id), 0) FROM messages WHERE room = $3))
    ON CONFLICT (user_id, key) DO UPDATE SET last_read_id = excluded.last_read_id
    WHERE excluded.last_read_id > reads.last_read_id`,
  readsOf: 'SELECT key, last_read_id FROM reads WHERE user_id = $1',
  conversationsWith: 'SELECT other_id AS other, last_in FROM conversations WHERE user_id = $1 AND last_in > 0',
  unreadInRooms: unreadIn('room'),
  unreadInPairs: unreadIn('pair'),
};

interface CountRow {
  /** 1-based position in the arrays asked about. */
  ord: number;
  count: number;
  mentions: number;
}

export class Reads {
  constructor(private readonly db: Queryable) {}

  async markRead(tx: Queryable, userId: string, about: Conversation, id: number): Promise<boolean> {
    if (id <= 0) return false;
    return (await tx.query(READS_SQL.markRead, [userId, conversationKey(about), id])).rowCount === 1;
  }

  /** A new member's marker starts at the room's newest message, so its past does not count as unread. */
  async startReading(tx: Queryable, userId: string, room: string): Promise<void> {
    await tx.query(READS_SQL.startReading, [userId, conversationKey({ room }), room]);
  }

  /** What `Store.unreadOf` answers, for `rooms`: the rooms the user is a member of, in order. */
  async unreadOf(userId: string, rooms: readonly string[]): Promise<UnreadEntry[]> {
    const [markerRows, conversations] = await Promise.all([
      this.db.query<{ key: string; last_read_id: number }>(READS_SQL.readsOf, [userId]),
      this.db.query<{ other: string; last_in: number }>(READS_SQL.conversationsWith, [userId]),
    ]);
    const markers = new Map(markerRows.rows.map((row) => [row.key, row.last_read_id]));
    const markerOf = (about: Conversation) => markers.get(conversationKey(about)) ?? 0;
    // Conversations where the other person wrote after the marker; only those are counted.
    const dms = conversations.rows
      .map(({ other, last_in: newest }) => ({ other, newest, marker: markerOf({ with: other }) }))
      .filter(({ other, newest, marker }) => newest > marker && other !== userId);
    const roomMarkers = rooms.map((room) => markerOf({ room }));
    const count = (sql: string, sources: string[], marks: number[]) =>
      sources.length === 0 ? Promise.resolve([]) : this.db.query<CountRow>(sql, [userId, sources, marks, UNREAD_WINDOW, UNREAD_CAP]).then((r) => r.rows);
    const [roomCounts, pairCounts] = await Promise.all([
      count(READS_SQL.unreadInRooms, [...rooms], roomMarkers),
      count(
        READS_SQL.unreadInPairs,
        dms.map((dm) => pairKey(userId, dm.other)),
        dms.map((dm) => dm.marker),
      ),
    ]);
    const entries: UnreadEntry[] = roomCounts.map((row) => {
      const i = row.ord - 1;
      return { room: rooms[i] as string, count: row.count, mentions: row.mentions, lastReadId: roomMarkers[i] as number };
    });
    // Conversations, most recent unread first.
    const unreadDms = pairCounts.map((row) => ({ dm: dms[row.ord - 1] as (typeof dms)[number], row }));
    unreadDms.sort((a, b) => b.dm.newest - a.dm.newest);
    for (const { dm, row } of unreadDms) entries.push({ with: dm.other, count: row.count, mentions: row.mentions, lastReadId: dm.marker });
    return entries;
  }
}

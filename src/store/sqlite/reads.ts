// Read markers and unread counts: how far each user has read each room and DM conversation (the
// `reads` table, keyed by `conversationKey`), and what others wrote after that, counted within bounds.
import type Database from 'better-sqlite3';
import { conversationKey, UNREAD_CAP, type Conversation, type UnreadEntry } from '../../shared/protocol/index.js';
import { UNREAD_WINDOW } from '../bounds.js';
import { pairKey } from '../rows.js';
import type { Messages } from './messages.js';

/** Whether a row mentions the reader: resolved when it was sent (the `mentions` column, see rows.ts). */
const MENTIONED = `coalesce(instr(m.mentions, ',' || @user || ','), 0) > 0`;

/**
 * Unread in one room (@room) or conversation (@pair) after the marker, bounded as UNREAD_CAP says:
 * the newest @window messages after it, read backwards through the (room, id) or (pair, id) index,
 * then the first @cap of them from others.
 */
const unreadIn = (column: 'room' | 'pair') => `
  SELECT count(*) AS count, coalesce(sum(mentioned), 0) AS mentions FROM (
    SELECT m.id, ${MENTIONED} AS mentioned FROM (
      SELECT id, user_id, mentions, deleted_at FROM messages WHERE ${column} = @${column} AND id > @marker ORDER BY id DESC LIMIT @window
    ) m WHERE m.user_id <> @user AND m.deleted_at IS NULL LIMIT @cap
  )`;

interface UnreadParams {
  user: string;
  marker: number;
  window: number;
  cap: number;
}

interface UnreadRow {
  count: number;
  mentions: number;
}

export class Reads {
  private readonly statements;

  /** `messages` tells each room's newest message. */
  constructor(
    db: Database.Database,
    private readonly messages: Messages,
  ) {
    this.statements = {
      markRead: db.prepare<[string, string, number]>(
        `INSERT INTO reads (user_id, key, last_read_id) VALUES (?, ?, ?)
         ON CONFLICT (user_id, key) DO UPDATE SET last_read_id = excluded.last_read_id
         WHERE excluded.last_read_id > reads.last_read_id`,
      ),
      initRead: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO reads (user_id, key, last_read_id) VALUES (?, ?, ?)'),
      // Every read marker of the user, rooms and conversations: one row each.
      readsOf: db.prepare<[string], { key: string; last_read_id: number }>('SELECT key, last_read_id FROM reads WHERE user_id = ?'),
      conversationsWith: db.prepare<[string], { other: string; last_in: number }>(
        'SELECT other_id AS other, last_in FROM conversations WHERE user_id = ? AND last_in > 0',
      ),
      unreadInRoom: db.prepare<[UnreadParams & { room: string }], UnreadRow>(unreadIn('room')),
      unreadInPair: db.prepare<[UnreadParams & { pair: string }], UnreadRow>(unreadIn('pair')),
    };
  }

  markRead(userId: string, about: Conversation, id: number): boolean {
    if (id <= 0) return false;
    return this.statements.markRead.run(userId, conversationKey(about), id).changes === 1;
  }

  /**
   * A member joining (again) starts reading from the room's newest message; a marker from an
   * earlier membership only moves forward.
   */
  startReading(userId: string, room: string): void {
    this.statements.markRead.run(userId, conversationKey({ room }), this.messages.latestInRoom(room));
  }

  ensureRoomReadMarker(userId: string, room: string): void {
    this.statements.initRead.run(userId, conversationKey({ room }), this.messages.latestInRoom(room));
  }

  /** What `Store.unreadOf` answers, for `rooms`: the rooms the user is a member of, in order. */
  unreadOf(userId: string, rooms: readonly string[]): UnreadEntry[] {
    const markers = new Map<string, number>();
    for (const row of this.statements.readsOf.all(userId)) markers.set(row.key, row.last_read_id);
    const bounds = { user: userId, window: UNREAD_WINDOW, cap: UNREAD_CAP };
    const entries: UnreadEntry[] = [];
    for (const room of rooms) {
      const marker = markers.get(conversationKey({ room })) ?? 0;
      // Nothing after the marker at all: one index lookup, no count.
      if (this.messages.latestInRoom(room) <= marker) continue;
      const row = this.statements.unreadInRoom.get({ ...bounds, room, marker });
      if (row && row.count > 0) entries.push({ room, count: row.count, mentions: row.mentions, lastReadId: marker });
    }
    // Conversations, most recent unread first: one row per person, then a count only where the
    // other person wrote after the marker.
    const dms: { newest: number; entry: UnreadEntry }[] = [];
    for (const { other, last_in: newest } of this.statements.conversationsWith.all(userId)) {
      const marker = markers.get(conversationKey({ with: other })) ?? 0;
      if (newest <= marker || other === userId) continue;
      const row = this.statements.unreadInPair.get({ ...bounds, pair: pairKey(userId, other), marker });
      if (row && row.count > 0) dms.push({ newest, entry: { with: other, count: row.count, mentions: row.mentions, lastReadId: marker } });
    }
    dms.sort((a, b) => b.newest - a.newest);
    return [...entries, ...dms.map((dm) => dm.entry)];
  }
}

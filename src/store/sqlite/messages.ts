// Messages: adding chats and DMs, history pages, resume (`messagesSince`), a stretch of ids
// (`messagesBetween`), the newest id, and the people someone has DMs with. Keeps the latest page
// of recent rooms and the newest id in memory; `forget()` drops both when a commit fails.
import type Database from 'better-sqlite3';
import type { ChatMessage, DirectMessage, StoredMessage, User } from '../../shared/protocol/index.js';
import type { NewChat, NewDm, Page } from '../store.js';
import { encodeMentions, MESSAGE_COLUMNS, ROOM_MESSAGE_COLUMNS, pairKey, person, type MessageRow } from '../rows.js';
import { messageReader } from './changes.js';

/** How many rooms' latest pages are kept (the oldest kept goes first). */
const LATEST_PAGES = 64;

/** SQLite's LIMIT for "no limit". */
const UNLIMITED = -1;

// Pages are read newest-first through the index, then turned around to oldest-first.
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * A stretch of ids, every conversation alike, along the primary key; a deleted room's messages left
 * out by the names of the deleted rooms (a few, waiting for their purge), read once.
 */
export const BETWEEN_SQL = `SELECT ${MESSAGE_COLUMNS} WHERE m.id > ? AND m.id <= ?
  AND (m.room IS NULL OR m.room NOT IN (SELECT name FROM rooms WHERE deleted_at IS NOT NULL))
  ORDER BY m.id LIMIT ?`;

/** Rows from several sources, each in id order, as one list in id order. */
function mergeById(sources: MessageRow[][]): MessageRow[] {
  const lists = sources.filter((rows) => rows.length > 0);
  if (lists.length <= 1) return lists[0] ?? [];
  const merged: MessageRow[] = [];
  const next = lists.map(() => 0);
  for (;;) {
    let from = -1;
    let lowest = Infinity;
    lists.forEach((rows, i) => {
      const row = rows[next[i] as number];
      if (row && row.id < lowest) {
        lowest = row.id;
        from = i;
      }
    });
    if (from < 0) return merged;
    merged.push((lists[from] as MessageRow[])[(next[from] as number)++] as MessageRow);
  }
}

export class Messages {
  private readonly statements;
  /**
   * The latest page of each room recently read (GET / reads the lobby's on every load), until a
   * message is added to the room. Messages never change, so nothing else can make a page stale.
   */
  private readonly latestPages = new Map<string, { limit: number; messages: ChatMessage[] }>();
  /** The newest message id, as last read; cleared by whatever changes it. */
  private newestId: number | undefined;
  /** Rows as messages, with their reactions. */
  private readonly read: (rows: MessageRow[]) => StoredMessage[];

  constructor(db: Database.Database) {
    this.read = messageReader(db);
    this.statements = {
      addMessage: db.prepare<[number, string | null, string, string | null, string | null, string, string | null, number | null]>(
        'INSERT INTO messages (ts, room, user_id, to_id, pair, data, mentions, reply_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      roomHistory: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${ROOM_MESSAGE_COLUMNS} WHERE m.room = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`,
      ),
      dmHistory: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} WHERE m.pair = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`,
      ),
      lastId: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM messages'),
      lastInRoom: db.prepare<[string], { id: number | null }>('SELECT max(id) AS id FROM messages WHERE room = ?'),
      // Resume: each source read in id order through its own index, then merged (see messagesSince).
      sinceInRoom: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${ROOM_MESSAGE_COLUMNS} WHERE m.room = ? AND m.id > ? ORDER BY m.id LIMIT ?`,
      ),
      sinceFrom: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} WHERE m.room IS NULL AND m.user_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`,
      ),
      // DMs to the user from others (their DMs to themselves come with sinceFrom).
      sinceTo: db.prepare<[string, string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} WHERE m.room IS NULL AND m.to_id = ? AND m.user_id <> ? AND m.id > ? ORDER BY m.id LIMIT ?`,
      ),
      between: db.prepare<[number, number, number], MessageRow>(BETWEEN_SQL),
      conversationsOf: db.prepare<[string, number], { id: string; name: string; image: number; deleted: number }>(
        `SELECT u.id, u.name, u.image, u.deleted_at IS NOT NULL AS deleted FROM conversations c JOIN users u ON u.id = c.other_id
         WHERE c.user_id = ? ORDER BY c.last_id DESC LIMIT ?`,
      ),
    };
  }

  addChat({ room, user, data, ts, mentions, replyTo }: NewChat): ChatMessage {
    const { lastInsertRowid } = this.statements.addMessage.run(ts, room, user.id, null, null, data, encodeMentions(mentions), replyTo?.id ?? null);
    this.latestPages.delete(room);
    this.newestId = undefined;
    return { type: 'chat', id: Number(lastInsertRowid), ts, room, user, data, ...(mentions?.length && { mentions }), ...(replyTo && { replyTo }) };
  }

  addDm({ user, to, data, ts, mentions, replyTo }: NewDm): DirectMessage {
    const pair = pairKey(user.id, to.id);
    const { lastInsertRowid } = this.statements.addMessage.run(ts, null, user.id, to.id, pair, data, encodeMentions(mentions), replyTo?.id ?? null);
    this.newestId = undefined;
    return { type: 'dm', id: Number(lastInsertRowid), ts, user, to, data, ...(mentions?.length && { mentions }), ...(replyTo && { replyTo }) };
  }

  roomHistory(room: string, page: Page): ChatMessage[] {
    const latest = page.before === undefined;
    if (latest) {
      const cached = this.latestPages.get(room);
      if (cached?.limit === page.limit) return cached.messages.slice();
    }
    const rows = this.statements.roomHistory.all(room, page.before ?? NO_UPPER_BOUND, page.limit);
    const messages = this.read(rows.reverse()).map((message) => Object.freeze(message)) as ChatMessage[];
    if (latest) {
      if (this.latestPages.size >= LATEST_PAGES) this.latestPages.delete(this.latestPages.keys().next().value as string);
      this.latestPages.set(room, { limit: page.limit, messages });
    }
    return messages.slice();
  }

  dmHistory(userId: string, otherId: string, page: Page): DirectMessage[] {
    const rows = this.statements.dmHistory.all(pairKey(userId, otherId), page.before ?? NO_UPPER_BOUND, page.limit);
    return this.read(rows.reverse()) as DirectMessage[];
  }

  lastMessageId(): number {
    // Read again after any insert, so an insert a failed commit undid is never counted.
    this.newestId ??= this.statements.lastId.get()?.id ?? 0;
    return this.newestId;
  }

  /** The newest message id in a room, 0 when there is none. */
  latestInRoom(room: string): number {
    return this.statements.lastInRoom.get(room)?.id ?? 0;
  }

  messagesSince(since: number, rooms: string[], dmsOf?: string, limit = UNLIMITED): StoredMessage[] {
    // Each source through its own index (a small room is never found by walking past the lobby's
    // messages), each already in id order; merging them keeps the whole in id order. The first
    // `limit` of the whole are among the first `limit` of each source.
    const sources = [...new Set(rooms)].map((room) => this.statements.sinceInRoom.all(room, since, limit));
    if (dmsOf !== undefined) {
      sources.push(this.statements.sinceFrom.all(dmsOf, since, limit), this.statements.sinceTo.all(dmsOf, dmsOf, since, limit));
    }
    const merged = mergeById(sources);
    return this.read(limit === UNLIMITED ? merged : merged.slice(0, limit));
  }

  messagesBetween(after: number, upTo: number, limit: number): StoredMessage[] {
    return this.read(this.statements.between.all(after, upTo, limit));
  }

  conversationsOf(userId: string, limit: number): User[] {
    return this.statements.conversationsOf.all(userId, limit).map((row) => person(row.id, row.name, row.image, row.deleted));
  }

  /** A deleted room's latest page, which a new room of the same name must not show. */
  forgetRoom(room: string): void {
    this.latestPages.delete(room);
  }

  /** What the batch wrote may be undone: nothing read from it may be answered from memory. */
  forget(): void {
    this.latestPages.clear();
    this.newestId = undefined;
  }
}

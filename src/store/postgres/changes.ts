// Edits, deletions and reaction toggles on PostgreSQL (../changes.ts): each a write of the group
// commit that takes its number of the change sequence with the batch's (messageIds.ts,
// CHANGE_COUNTER: dense and committed in order across processes), after locking the message's row
// so that two processes' changes to one message take turns; and the reading of reactions for
// every path that reads messages.
import type { StoredMessage } from '../../shared/protocol/index.js';
import { byChange, changeOfRow, changesBetweenSql, changesOf, groupReactions, withReactions, type ChangeRow, type MessageChange, type MessageEdit, type ReactionRow, type ToggleOutcome } from '../changes.js';
import { encodeMentions, REPLY_QUOTES, SELECTED, WITH_USERS, reactedIds, toMessage, type MessageRow } from '../rows.js';
import type { GroupCommit } from './groupCommit.js';
import type { Queryable } from './pool.js';

const SQL = {
  reactions: `SELECT r.message_id, r.emoji, u.id, u.name, u.image, u.deleted_at IS NOT NULL AS deleted
    FROM reactions r JOIN users u ON u.id = r.user_id WHERE r.message_id = ANY ($1::bigint[]) ORDER BY r.seq`,
  last: 'SELECT last FROM change_ids WHERE one = 1',
  row: `SELECT ${SELECTED} FROM messages m ${WITH_USERS} WHERE m.id = $1`,
  lock: 'SELECT deleted_at IS NOT NULL AS deleted FROM messages WHERE id = $1 FOR UPDATE',
  edit: 'UPDATE messages SET data = $1, mentions = $2, edited_at = $3, text_change = $4 WHERE id = $5',
  delete: "UPDATE messages SET data = '', mentions = NULL, deleted_at = $1, text_change = $2 WHERE id = $3",
  dropReactions: 'DELETE FROM reactions WHERE message_id = $1',
  unreact: 'DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3',
  emojis: 'SELECT DISTINCT emoji FROM reactions WHERE message_id = $1',
  react: 'INSERT INTO reactions (message_id, emoji, user_id) VALUES ($1, $2, $3)',
  reactionsChanged: 'UPDATE messages SET reactions_change = $1 WHERE id = $2',
  since: `SELECT ${SELECTED} FROM messages m ${WITH_USERS} WHERE m.id IN (
      SELECT id FROM messages WHERE text_change > $1 UNION SELECT id FROM messages WHERE reactions_change > $1
    ) AND m.id <= $2 AND (m.room = ANY ($3::text[]) OR (m.room IS NULL AND (m.user_id = $4 OR m.to_id = $4)))`,
  between: changesBetweenSql({ after: '$1', upTo: '$2', limit: '$3' }),
};

/** Turns rows into messages with their reactions (one more query, only when some of them have any). */
export function messageReader(db: Queryable): (rows: MessageRow[]) => Promise<StoredMessage[]> {
  return async (rows) => {
    // Rows read without the quotes (SELECTED_WITHOUT_REPLY) get them here, one query for the page.
    const unquoted = rows.filter((row) => row.reply_to !== null && row.reply_user_id === null);
    if (unquoted.length > 0) {
      const { rows: quotes } = await db.query<QuoteRow>(REPLY_QUOTES, [[...new Set(unquoted.map((row) => Number(row.reply_to)))]]);
      const byId = new Map(quotes.map((quote) => [Number(quote.id), quote]));
      rows = rows.map((row) => {
        const quote = row.reply_user_id === null && row.reply_to !== null ? byId.get(Number(row.reply_to)) : undefined;
        return quote ? { ...row, ...quote, id: row.id } : row;
      });
    }
    const messages = rows.map(toMessage);
    const ids = reactedIds(rows);
    if (ids.length === 0) return messages;
    const { rows: reactions } = await db.query<ReactionRow>(SQL.reactions, [ids]);
    return withReactions(messages, groupReactions(reactions));
  };
}

type QuoteRow = Pick<MessageRow, 'id' | 'reply_user_id' | 'reply_user_name' | 'reply_user_image' | 'reply_user_deleted' | 'reply_data' | 'reply_deleted_at'>;

export class PostgresChanges {
  private readonly read: (rows: MessageRow[]) => Promise<StoredMessage[]>;

  constructor(
    private readonly db: Queryable,
    private readonly commits: GroupCommit,
  ) {
    this.read = messageReader(db);
  }

  /** The message as the transaction sees it now, with its reactions. */
  private async current(tx: Queryable, id: number, kind: MessageChange['kind'], change: number): Promise<MessageChange> {
    const { rows } = await tx.query<MessageRow>(SQL.row, [id]);
    const [message] = await messageReader(tx)(rows);
    return { kind, message: message!, change };
  }

  /** Locks the message's row: undefined when it is not there or deleted. */
  private async open(tx: Queryable, id: number): Promise<boolean> {
    const { rows } = await tx.query<{ deleted: boolean }>(SQL.lock, [id]);
    return rows[0] !== undefined && !rows[0].deleted;
  }

  edit({ id, data, mentions, at }: MessageEdit): Promise<MessageChange | undefined> {
    return this.commits.writeChange(async (tx, next) => {
      if (!(await this.open(tx, id))) return undefined;
      const change = next();
      await tx.query(SQL.edit, [data, encodeMentions(mentions), at, change, id]);
      return this.current(tx, id, 'edited', change);
    });
  }

  delete(id: number, at: number): Promise<MessageChange | undefined> {
    return this.commits.writeChange(async (tx, next) => {
      if (!(await this.open(tx, id))) return undefined;
      const change = next();
      await tx.query(SQL.delete, [at, change, id]);
      await tx.query(SQL.dropReactions, [id]);
      return this.current(tx, id, 'deleted', change);
    });
  }

  toggle(id: number, userId: string, emoji: string, max: number): Promise<ToggleOutcome> {
    return this.commits.writeChange(async (tx, next): Promise<ToggleOutcome> => {
      if (!(await this.open(tx, id))) return undefined;
      const removed = (await tx.query(SQL.unreact, [id, emoji, userId])).rowCount ?? 0;
      if (removed === 0) {
        const { rows } = await tx.query<{ emoji: string }>(SQL.emojis, [id]);
        if (rows.length >= max && !rows.some((row) => row.emoji === emoji)) return 'too_many';
        await tx.query(SQL.react, [id, emoji, userId]);
      }
      const change = next();
      await tx.query(SQL.reactionsChanged, [change, id]);
      return this.current(tx, id, 'reactions', change);
    });
  }

  async lastChange(): Promise<number> {
    const { rows } = await this.db.query<{ last: number }>(SQL.last);
    return Number(rows[0]?.last ?? 0);
  }

  async since(after: number, upToId: number, rooms: string[], dmsOf?: string): Promise<MessageChange[]> {
    const { rows } = await this.db.query<MessageRow>(SQL.since, [after, upToId, rooms, dmsOf ?? null]);
    const messages = await this.read(rows);
    return byChange(rows.flatMap((row, i) => changesOf(row, messages[i]!, after)));
  }

  async between(after: number, upTo: number, limit: number): Promise<MessageChange[]> {
    const { rows } = await this.db.query<ChangeRow>(SQL.between, [after, upTo, limit]);
    const messages = await this.read(rows);
    return rows.map((row, i) => changeOfRow(row, messages[i]!));
  }
}

// Edits, deletions and reaction toggles on PostgreSQL (../changes.ts): each one statement, a write
// of the group commit run as a transaction of its own, that takes its number of the change
// sequence and locks the message's row (changeStatements.ts: why the numbers are dense and
// committed in order across processes, and why two processes' changes to one message take turns);
// and the reading of changes and of reactions for every path that reads messages.
import type { StoredMessage } from '../../shared/protocol/index.js';
import { byChange, changeOfRow, changesBetweenSql, changesOf, groupReactions, withReactions, type ChangeRow, type EditOutcome, type MessageChange, type MessageEdit, type ReactionRow, type ToggleOutcome } from '../changes.js';
import { encodeMentions, REPLY_QUOTES, SELECTED, WITH_USERS, reactedIds, toMessage, type MessageRow } from '../rows.js';
import { CHANGE_SQL, LAST_CHANGE, withMessages, type ChangeKind, type StatementRow } from './changeStatements.js';
import type { GroupCommit } from './groupCommit.js';
import type { Queryable } from './pool.js';

const SQL = {
  reactions: `SELECT r.message_id, r.emoji, u.id, u.name, u.image, u.deleted_at IS NOT NULL AS deleted
    FROM reactions r JOIN users u ON u.id = r.user_id WHERE r.message_id = ANY ($1::bigint[]) ORDER BY r.seq`,
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

const KINDS: Record<ChangeKind, MessageChange['kind']> = { edit: 'edited', delete: 'deleted', toggle: 'reactions' };

/** What a change statement did, as its caller reads it: the change made, `refused` (changeStatements.ts, ChangeState), or undefined (no message to change). */
type StatementOutcome = MessageChange | 'refused' | undefined;

/** What a change statement's row says (changeStatements.ts): the change made, `refused`, nothing to change, or `stale`. */
function outcomeOf(kind: ChangeKind, row: StatementRow | undefined): StatementOutcome | 'stale' {
  if (row === undefined) throw new Error('a change statement returned no row');
  if (row.state === 'stale') return 'stale';
  if (row.state === 'gone') return undefined;
  if (row.state === 'refused') return 'refused';
  const message = toMessage(row);
  const reactions = (row.reactions ?? []).map((reaction) => ({ ...reaction, message_id: message.id }));
  const change = Number(kind === 'toggle' ? row.reactions_change : row.text_change);
  return { kind: KINDS[kind], message: withReactions([message], groupReactions(reactions))[0]!, change };
}

/** How many times a change runs again when its snapshot was not current (changeStatements.ts): each time, another change to its message had just committed. */
const STALE_RETRIES = 100;

export class PostgresChanges {
  private readonly read: (rows: MessageRow[]) => Promise<StoredMessage[]>;

  constructor(
    private readonly db: Queryable,
    private readonly commits: GroupCommit,
  ) {
    this.read = messageReader(db);
  }

  async edit({ id, data, mentions, at }: MessageEdit): Promise<EditOutcome> {
    const outcome = await this.change('edit', [id, data, encodeMentions(mentions), at]);
    // Refused: it has that text already.
    return outcome === 'refused' ? 'unchanged' : outcome;
  }

  async delete(id: number, at: number): Promise<MessageChange | undefined> {
    // Never refused: made, or there was no message to delete.
    const outcome = await this.change('delete', [id, at]);
    return outcome === 'refused' ? undefined : outcome;
  }

  async toggle(id: number, userId: string, emoji: string, max: number): Promise<ToggleOutcome> {
    const outcome = await this.change('toggle', [id, emoji, userId, max]);
    // Refused: a new emoji past the cap.
    return outcome === 'refused' ? 'too_many' : outcome;
  }

  /**
   * One change statement as a write of the group commit (a transaction of its own, or in the
   * statement of its turn's messages: changeStatements.ts, withMessages), run again while it says `stale`.
   */
  private change(kind: ChangeKind, values: unknown[]): Promise<StatementOutcome> {
    const alone = async (db: Queryable): Promise<StatementOutcome> => {
      for (let run = 0; run <= STALE_RETRIES; run++) {
        const { rows } = await db.query<StatementRow>(CHANGE_SQL[kind], values);
        const outcome = outcomeOf(kind, rows[0]);
        if (outcome !== 'stale') return outcome;
      }
      throw new Error(`message ${String(values[0])} kept changing under a change to it`);
    };
    return this.commits.writeChange(alone, {
      statement: (messagesCtes, parameters) => withMessages(kind, messagesCtes, parameters),
      alone: CHANGE_SQL[kind],
      values,
      read: (row) => {
        const outcome = outcomeOf(kind, row as StatementRow | undefined);
        return outcome === 'stale' ? 'alone' : { value: outcome };
      },
    });
  }

  async lastChange(): Promise<number> {
    const { rows } = await this.db.query<{ last: number }>(LAST_CHANGE);
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

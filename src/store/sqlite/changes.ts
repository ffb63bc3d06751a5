// Edits, deletions and reaction toggles on SQLite (../changes.ts), each in a savepoint of the
// turn's transaction, with the next number of the change sequence; and the reading of a message's
// reactions for every path that reads messages. One process writes the file, so the change numbers
// are given in the order the writes are made, which is the order they are announced in.
import type Database from 'better-sqlite3';
import type { StoredMessage } from '../../shared/protocol/index.js';
import { byChange, changeOfRow, changesBetweenSql, changesOf, groupReactions, withReactions, type ChangeRow, type EditOutcome, type MessageChange, type MessageEdit, type ReactionRow, type ToggleOutcome } from '../changes.js';
import { encodeMentions, MESSAGE_COLUMNS, reactedIds, toMessage, type MessageRow } from '../rows.js';

const REACTIONS_SQL = `SELECT r.message_id, r.emoji, u.id, u.name, u.image, u.deleted_at IS NOT NULL AS deleted
  FROM reactions r JOIN users u ON u.id = r.user_id
  WHERE r.message_id IN (SELECT value FROM json_each(?)) ORDER BY r.seq`;

/** Turns rows into messages with their reactions (one more query, only when some of them have any). */
export function messageReader(db: Database.Database): (rows: MessageRow[]) => StoredMessage[] {
  const reactions = db.prepare<[string], ReactionRow>(REACTIONS_SQL);
  return (rows) => {
    const messages = rows.map(toMessage);
    const ids = reactedIds(rows);
    return ids.length === 0 ? messages : withReactions(messages, groupReactions(reactions.all(JSON.stringify(ids))));
  };
}

export class SqliteChanges {
  private readonly sql;
  private readonly read: (rows: MessageRow[]) => StoredMessage[];
  /** Each change in a savepoint: a change that fails half-way leaves nothing of itself, the change number included. Made once (better-sqlite3 builds a wrapper per call otherwise). */
  private readonly inSavepoint;

  constructor(
    private readonly db: Database.Database,
    /** A room whose latest page was kept in memory: it changed. */
    private readonly forgetRoom: (room: string) => void,
  ) {
    this.read = messageReader(db);
    this.sql = {
      take: db.prepare<[], { last: number }>('UPDATE change_ids SET last = last + 1 WHERE one = 1 RETURNING last'),
      last: db.prepare<[], { last: number }>('SELECT last FROM change_ids WHERE one = 1'),
      row: db.prepare<[number], MessageRow>(`SELECT ${MESSAGE_COLUMNS} WHERE m.id = ?`),
      // What a change needs to know first: whether there is a message to change, and its text.
      before: db.prepare<[number], { data: string; deleted_at: number | null }>('SELECT data, deleted_at FROM messages WHERE id = ?'),
      edit: db.prepare<[string, string | null, number, number, number]>(
        'UPDATE messages SET data = ?, mentions = ?, edited_at = ?, text_change = ? WHERE id = ? AND deleted_at IS NULL',
      ),
      delete: db.prepare<[number, number, number]>(
        "UPDATE messages SET data = '', mentions = NULL, deleted_at = ?, text_change = ? WHERE id = ? AND deleted_at IS NULL",
      ),
      dropReactions: db.prepare<[number]>('DELETE FROM reactions WHERE message_id = ?'),
      hasReaction: db.prepare<[number, string, string]>('SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?'),
      unreact: db.prepare<[number, string, string]>('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?'),
      emojis: db.prepare<[number], { emoji: string }>('SELECT DISTINCT emoji FROM reactions WHERE message_id = ?'),
      react: db.prepare<[number, string, string]>('INSERT INTO reactions (message_id, emoji, user_id) VALUES (?, ?, ?)'),
      reactionsChanged: db.prepare<[number, number]>('UPDATE messages SET reactions_change = ? WHERE id = ?'),
      // Resume: the changed messages of the rooms and the user's DMs, through the change indexes.
      since: db.prepare<{ after: number; upTo: number; rooms: string; user: string | null }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} WHERE m.id IN (
           SELECT id FROM messages WHERE text_change > @after UNION SELECT id FROM messages WHERE reactions_change > @after
         ) AND m.id <= @upTo
         AND (m.room IN (SELECT value FROM json_each(@rooms)) OR (m.room IS NULL AND (m.user_id = @user OR m.to_id = @user)))`,
      ),
      between: db.prepare<{ after: number; upTo: number; limit: number }, ChangeRow>(changesBetweenSql({ after: '@after', upTo: '@upTo', limit: '@limit' })),
    };
    this.inSavepoint = {
      edit: db.transaction(({ id, data, mentions, at }: MessageEdit): EditOutcome => {
        const text = this.textOf(id);
        if (text === undefined) return undefined;
        if (text === data) return 'unchanged';
        const change = this.take();
        this.sql.edit.run(data, encodeMentions(mentions), at, change, id);
        return this.changed(id, 'edited', change);
      }),
      delete: db.transaction((id: number, at: number): MessageChange | undefined => {
        if (this.textOf(id) === undefined) return undefined;
        const change = this.take();
        // The search index loses its text with the update (the messages_fts_update trigger).
        this.sql.delete.run(at, change, id);
        this.sql.dropReactions.run(id);
        return this.changed(id, 'deleted', change);
      }),
      toggle: db.transaction((id: number, userId: string, emoji: string, max: number): ToggleOutcome => {
        if (this.textOf(id) === undefined) return undefined;
        if (this.sql.hasReaction.get(id, emoji, userId)) {
          this.sql.unreact.run(id, emoji, userId);
        } else {
          const emojis = this.sql.emojis.all(id);
          if (emojis.length >= max && !emojis.some((row) => row.emoji === emoji)) return 'too_many';
          this.sql.react.run(id, emoji, userId);
        }
        const change = this.take();
        this.sql.reactionsChanged.run(change, id);
        return this.changed(id, 'reactions', change);
      }),
    };
  }

  /** A message as it is now, with its reactions. */
  private current(id: number): { row: MessageRow; message: StoredMessage } | undefined {
    const row = this.sql.row.get(id);
    return row && { row, message: this.read([row])[0]! };
  }

  private take(): number {
    return this.sql.take.get()!.last;
  }

  /** The message's text, unless there is no such message or it is deleted. */
  private textOf(id: number): string | undefined {
    const before = this.sql.before.get(id);
    return before && before.deleted_at === null ? before.data : undefined;
  }

  private changed(id: number, kind: MessageChange['kind'], change: number): MessageChange {
    const { message } = this.current(id)!;
    if (message.type === 'chat') this.forgetRoom(message.room);
    return { kind, message, change };
  }

  edit(edit: MessageEdit): EditOutcome {
    return this.inSavepoint.edit(edit);
  }

  delete(id: number, at: number): MessageChange | undefined {
    return this.inSavepoint.delete(id, at);
  }

  toggle(id: number, userId: string, emoji: string, max: number): ToggleOutcome {
    return this.inSavepoint.toggle(id, userId, emoji, max);
  }

  lastChange(): number {
    return this.sql.last.get()?.last ?? 0;
  }

  since(after: number, upToId: number, rooms: string[], dmsOf?: string): MessageChange[] {
    const rows = this.sql.since.all({ after, upTo: upToId, rooms: JSON.stringify(rooms), user: dmsOf ?? null });
    const messages = this.read(rows);
    return byChange(rows.flatMap((row, i) => changesOf(row, messages[i]!, after)));
  }

  between(after: number, upTo: number, limit: number): MessageChange[] {
    const rows = this.sql.between.all({ after, upTo, limit });
    const messages = this.read(rows);
    return rows.map((row, i) => changeOfRow(row, messages[i]!));
  }
}

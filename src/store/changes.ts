// Messages people change (docs/protocol.md, "Editing, reactions and replies"): what the store
// answers about an edit, a deletion or a reaction toggle, the store methods for them, and how both
// engines turn reaction rows into a message's list. Every change takes the next number of one
// site-wide sequence (`change_ids`); a message keeps the last one of its text (edit, deletion) and
// of its reactions, so that a resume finds what changed after a number, and sends only those kinds.
import type { Reaction, StoredMessage } from '../shared/protocol/index.js';
import { person, SELECTED, WITH_USERS, type MessageRow } from './rows.js';

/** One change as committed, with the message as it is after it (its reactions read too). */
export interface MessageChange {
  kind: 'edited' | 'deleted' | 'reactions';
  message: StoredMessage;
  /** Its number in the site-wide sequence. */
  change: number;
}

/** An edit to store: the new text, who it mentions now (replacing what it did), when. */
export interface MessageEdit {
  id: number;
  data: string;
  mentions?: string[];
  at: number;
}

/** A reaction toggle: the change, `too_many` (a new emoji past `max`), or undefined (no such message, or deleted). */
export type ToggleOutcome = MessageChange | 'too_many' | undefined;

/** An edit: the change, `unchanged` (the text it has already: nothing changes, no number is taken), or undefined (no such message, or deleted). */
export type EditOutcome = MessageChange | 'unchanged' | undefined;

/** What any change's write answers. */
export type ChangeOutcome = ToggleOutcome | EditOutcome;

export interface ChangeStore {
  /** Replaces a message's text and mentions (write); `unchanged` when it has that text already, undefined when it is not there or deleted. */
  editMessage(edit: MessageEdit): Promise<EditOutcome>;
  /**
   * Deletes a message (write): it stays as a placeholder (its text "", no mentions or reactions),
   * so search no longer finds it; undefined when it is not there or deleted already.
   */
  deleteMessage(id: number, at: number): Promise<MessageChange | undefined>;
  /** Adds the user's reaction, or takes it away when they had it (write). */
  toggleReaction(id: number, userId: string, emoji: string, max: number): Promise<ToggleOutcome>;
  /** The last change number given (committed), 0 when none. */
  lastChange(): Promise<number>;
  /**
   * For a resume: every message with id ≤ `upToId` in these rooms (and with `dmsOf` that user's
   * DMs) whose text or reactions changed after `after`, as one change of each kind that did, in change order.
   */
  changesSince(after: number, upToId: number, rooms: string[], dmsOf?: string): Promise<MessageChange[]>;
  /**
   * Every change with `after` < number ≤ `upTo` still current (a later one of the same kind replaced
   * the others), in change order, the first `limit`: fewer means there are no more (a stretch is read in pages).
   */
  changesBetween(after: number, upTo: number, limit: number): Promise<MessageChange[]>;
}

/** A reaction as the engines read it, with the one who reacted. */
export interface ReactionRow {
  message_id: number;
  emoji: string;
  id: string;
  name: string;
  image: number;
  deleted: number | boolean;
}

/** Reaction rows (in `seq` order) as each message's list: each emoji once, in the order it was first made. */
export function groupReactions(rows: readonly ReactionRow[]): Map<number, Reaction[]> {
  const lists = new Map<number, Map<string, Reaction>>();
  for (const row of rows) {
    const id = Number(row.message_id);
    let list = lists.get(id);
    if (!list) lists.set(id, (list = new Map()));
    let reaction = list.get(row.emoji);
    if (!reaction) list.set(row.emoji, (reaction = { emoji: row.emoji, count: 0, users: [] }));
    const user = person(row.id, row.name, row.image, row.deleted);
    reaction.users.push(user.deleted ? user : { id: user.id, name: user.name, image: user.image });
    reaction.count++;
  }
  return new Map([...lists].map(([id, list]) => [id, [...list.values()]]));
}

/** The messages with their reactions, where they have any. */
export function withReactions<T extends StoredMessage>(messages: T[], reactions: Map<number, Reaction[]>): T[] {
  for (const message of messages) {
    const list = reactions.get(message.id);
    if (list && list.length > 0) message.reactions = list;
  }
  return messages;
}

/**
 * The changes a row stands for after `after` (a resume's): its text's (an edit, or the deletion)
 * and its reactions' (not for a deleted message: it has none), each with its own number.
 */
export function changesOf(row: MessageRow, message: StoredMessage, after: number): MessageChange[] {
  const out: MessageChange[] = [];
  const text = row.text_change === null ? undefined : Number(row.text_change);
  const reactions = row.reactions_change === null ? undefined : Number(row.reactions_change);
  if (text !== undefined && text > after) out.push({ kind: row.deleted_at !== null ? 'deleted' : 'edited', message, change: text });
  if (reactions !== undefined && reactions > after && row.deleted_at === null) {
    out.push({ kind: 'reactions', message, change: reactions });
  }
  return out;
}

/**
 * `changesBetween` on either engine, spelled with its placeholders: each current change a row of
 * its own (a message whose text and reactions both changed is two), ordered by its own number
 * before the limit, so that a page cut by the limit ends at a number and the next page goes on
 * from there. Not the changes of deleted rooms (their messages are being purged), nor the
 * reactions of a deleted message (it has none).
 */
export function changesBetweenSql(p: { after: string; upTo: string; limit: string }): string {
  const inRange = (column: string) => `${column} > ${p.after} AND ${column} <= ${p.upTo}
      AND (room IS NULL OR room NOT IN (SELECT name FROM rooms WHERE deleted_at IS NOT NULL))`;
  return `WITH changed AS (
      SELECT id, text_change AS change_number, 1 AS text_kind FROM messages WHERE ${inRange('text_change')}
      UNION ALL
      SELECT id, reactions_change, 0 FROM messages WHERE ${inRange('reactions_change')} AND deleted_at IS NULL
      ORDER BY change_number LIMIT ${p.limit}
    )
    SELECT ${SELECTED}, c.change_number, c.text_kind FROM changed c JOIN messages m ON m.id = c.id ${WITH_USERS}
    ORDER BY c.change_number`;
}

/** A row of `changesBetweenSql`: the message's columns, with the change it stands for. */
export type ChangeRow = MessageRow & { change_number: number | string; text_kind: number };

/** The change a row of `changesBetweenSql` stands for: its text's (an edit, or the deletion) or its reactions'. */
export function changeOfRow(row: ChangeRow, message: StoredMessage): MessageChange {
  const kind = Number(row.text_kind) === 0 ? 'reactions' : row.deleted_at !== null ? 'deleted' : 'edited';
  return { kind, message, change: Number(row.change_number) };
}

/** Changes in the sequence's order. */
export function byChange(changes: MessageChange[]): MessageChange[] {
  return changes.sort((a, b) => a.change - b.change);
}

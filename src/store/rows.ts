// Rows as every engine's SQL reads them, and what they become: a message (its row, with its author
// and recipient joined), a room, a search hit; the columns that read them, and the conversation key
// of a DM. Shared by the SQLite and PostgreSQL stores, whose SQL spells these columns alike.
import { REPLY_QUOTE_LENGTH, type MessageState, type SearchResult, type StoredMessage, type User } from '../shared/protocol/index.js';
import type { Room } from './store.js';

export interface MessageRow {
  id: number;
  ts: number;
  room: string | null;
  data: string;
  user_id: string;
  user_name: string;
  user_image: number;
  /** The author's account was deleted (0/1 on SQLite, a boolean on PostgreSQL). */
  user_deleted: number | boolean;
  to_id: string | null;
  to_name: string | null;
  to_image: number | null;
  to_deleted: number | boolean | null;
  /** Who a chat mentions, as `encodeMentions` keeps it. */
  mentions: string | null;
  /** Schema version 8 (edits, deletions, reactions, replies): see ./changes.ts. */
  edited_at: number | null;
  deleted_at: number | null;
  text_change: number | null;
  reactions_change: number | null;
  reply_to: number | null;
  reply_user_id: string | null;
  reply_user_name: string | null;
  reply_user_image: number | null;
  reply_user_deleted: number | boolean | null;
  reply_data: string | null;
  reply_deleted_at: number | null;
}

/** What a message carries of its changes. */
const CHANGE_COLUMNS = 'm.edited_at, m.deleted_at, m.text_change, m.reactions_change, m.reply_to';
/** The quote of the message it answers (joined as `p`, its author as `pu`). */
const QUOTE_COLUMNS = `p.user_id AS reply_user_id, pu.name AS reply_user_name, pu.image AS reply_user_image, pu.deleted_at IS NOT NULL AS reply_user_deleted,
  substr(p.data, 1, ${REPLY_QUOTE_LENGTH}) AS reply_data, p.deleted_at AS reply_deleted_at`;
const NO_QUOTE_COLUMNS =
  'NULL AS reply_user_id, NULL AS reply_user_name, NULL AS reply_user_image, NULL AS reply_user_deleted, NULL AS reply_data, NULL AS reply_deleted_at';
const STATE_COLUMNS = `${CHANGE_COLUMNS},
  ${QUOTE_COLUMNS}`;
const WITH_REPLY = `
  LEFT JOIN messages p ON p.id = m.reply_to
  LEFT JOIN users pu ON pu.id = p.user_id`;

const selected = (quotes: string) => `
  m.id, m.ts, m.room, m.data, m.mentions,
  u.id AS user_id, u.name AS user_name, u.image AS user_image, u.deleted_at IS NOT NULL AS user_deleted,
  t.id AS to_id, t.name AS to_name, t.image AS to_image, t.deleted_at IS NOT NULL AS to_deleted,
  ${CHANGE_COLUMNS},
  ${quotes}`;
const WITH_AUTHORS = `
  JOIN users u ON u.id = m.user_id
  LEFT JOIN users t ON t.id = m.to_id`;

export const SELECTED = selected(QUOTE_COLUMNS);
export const WITH_USERS = `${WITH_AUTHORS}${WITH_REPLY}`;
export const MESSAGE_COLUMNS = `${SELECTED} FROM messages m ${WITH_USERS}`;
/**
 * SELECTED without the answered message's columns (NULL in their place), and WITH_USERS without
 * its joins: PostgreSQL plans every statement afresh, and two more joins doubled a history page's
 * planning; its pages read the quotes apart, only when a row answers a message (postgres/changes.ts).
 */
export const SELECTED_WITHOUT_REPLY = selected(NO_QUOTE_COLUMNS);
export const WITH_USERS_WITHOUT_REPLY = WITH_AUTHORS;
/** The quote columns of the messages `$1` (ids) answer, as SELECTED names them, by `id`. */
export const REPLY_QUOTES = `SELECT p.id, ${QUOTE_COLUMNS}
  FROM messages p JOIN users pu ON pu.id = p.user_id WHERE p.id = ANY ($1::bigint[])`;
/** The same columns for room messages only, which have no recipient to look up. */
export const ROOM_MESSAGE_COLUMNS = `
  m.id, m.ts, m.room, m.data, m.mentions,
  u.id AS user_id, u.name AS user_name, u.image AS user_image, u.deleted_at IS NOT NULL AS user_deleted,
  NULL AS to_id, NULL AS to_name, NULL AS to_image, NULL AS to_deleted,
  ${STATE_COLUMNS}
  FROM messages m JOIN users u ON u.id = m.user_id${WITH_REPLY}`;

/**
 * The `mentions` column: the ids between commas (`,a,b,`), so that "does it mention X" is a
 * substring test in SQL on either engine; NULL for nobody.
 */
export function encodeMentions(ids: readonly string[] | undefined): string | null {
  return ids && ids.length > 0 ? `,${ids.join(',')},` : null;
}

export function decodeMentions(column: string | null): string[] | undefined {
  return column ? column.split(',').filter(Boolean) : undefined;
}

/** Conversation key (the `pair` column): the same for a→b and b→a. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** A message's author or recipient; a deleted account says so (its name is DELETED_USER_NAME already). */
export function person(id: string, name: string, image: number, deleted: number | boolean | null): User {
  return deleted ? { id, name, image, deleted: true } : { id, name, image };
}

/** A count column as a number (PostgreSQL's bigint comes as a string). */
const num = (value: number | string | null): number | undefined => (value === null ? undefined : Number(value));

/** What the row says of the message's changes and of the message it answers (its reactions are read apart: ./changes.ts). */
function stateOf(row: MessageRow): MessageState {
  const state: MessageState = {};
  const change = Math.max(num(row.text_change) ?? 0, num(row.reactions_change) ?? 0);
  if (row.deleted_at !== null) {
    state.deleted = true;
  } else {
    if (row.edited_at !== null) state.editedAt = Number(row.edited_at);
    if (row.reply_to !== null && row.reply_user_id !== null) {
      const user = person(row.reply_user_id, row.reply_user_name ?? '', row.reply_user_image ?? 0, row.reply_user_deleted);
      const gone = row.reply_deleted_at !== null;
      state.replyTo = gone ? { id: Number(row.reply_to), user, data: '', deleted: true } : { id: Number(row.reply_to), user, data: row.reply_data ?? '' };
    }
  }
  if (change > 0) state.change = change;
  return state;
}

export function toMessage(row: MessageRow): StoredMessage {
  const mentions = row.deleted_at === null ? decodeMentions(row.mentions) : undefined;
  const user = person(row.user_id, row.user_name, row.user_image, row.user_deleted);
  const state = stateOf(row);
  if (row.room !== null) {
    return { type: 'chat', id: row.id, ts: row.ts, room: row.room, user, data: row.data, ...(mentions && { mentions }), ...state };
  }
  const to = person(row.to_id ?? '', row.to_name ?? '', row.to_image ?? 0, row.to_deleted);
  return { type: 'dm', id: row.id, ts: row.ts, user, to, data: row.data, ...(mentions && { mentions }), ...state };
}

/** The ids of the rows whose messages may have reactions (some were made, and it is not deleted): those to read them for. */
export function reactedIds(rows: readonly MessageRow[]): number[] {
  return rows.filter((row) => row.reactions_change !== null && row.deleted_at === null).map((row) => Number(row.id));
}

/** A search hit: a room's message, or a DM with `with` the other person as seen from `dmsOf`. */
export function toSearchResult(row: MessageRow, dmsOf: string | undefined): SearchResult {
  const user = person(row.user_id, row.user_name, row.user_image, row.user_deleted);
  const hit = { id: row.id, user, data: row.data, ts: row.ts };
  if (row.room !== null) return { ...hit, room: row.room };
  return { ...hit, with: row.user_id === dmsOf ? (row.to_id ?? '') : row.user_id };
}

export interface RoomRow {
  name: string;
  created_at: number;
  created_by: string | null;
  archived_at: number | null;
  /** 0 or 1 on SQLite, a boolean on PostgreSQL. */
  private: number | boolean;
}

/** A room's columns, from `rooms r`. */
export const ROOM_COLUMNS = 'r.name, r.created_at, r.created_by, r.archived_at, r.private';
/** Neither archived nor deleted. */
export const OPEN_ROOM = 'r.archived_at IS NULL AND r.deleted_at IS NULL';

export function toRoom(row: RoomRow): Room {
  const room: Room = { name: row.name, createdAt: row.created_at };
  if (row.created_by !== null) room.createdBy = row.created_by;
  if (row.archived_at !== null) room.archivedAt = row.archived_at;
  if (row.private) room.private = true;
  return room;
}

// A message as the SQL of the store reads it (its row, with its author and recipient joined), the
// columns that read it, and its conversation key: shared by messages, unread counts and search.
import type { StoredMessage, User } from '../../shared/protocol/index.js';

export interface MessageRow {
  id: number;
  ts: number;
  room: string | null;
  data: string;
  user_id: string;
  user_name: string;
  user_image: number;
  to_id: string | null;
  to_name: string | null;
  to_image: number | null;
}

export const SELECTED = `
  m.id, m.ts, m.room, m.data,
  u.id AS user_id, u.name AS user_name, u.image AS user_image,
  t.id AS to_id, t.name AS to_name, t.image AS to_image`;
export const WITH_USERS = `
  JOIN users u ON u.id = m.user_id
  LEFT JOIN users t ON t.id = m.to_id`;
export const MESSAGE_COLUMNS = `${SELECTED} FROM messages m ${WITH_USERS}`;
/** The same columns for room messages only, which have no recipient to look up. */
export const ROOM_MESSAGE_COLUMNS = `
  m.id, m.ts, m.room, m.data,
  u.id AS user_id, u.name AS user_name, u.image AS user_image,
  NULL AS to_id, NULL AS to_name, NULL AS to_image
  FROM messages m JOIN users u ON u.id = m.user_id`;

/** Conversation key (the `pair` column): the same for a→b and b→a. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

export function toMessage(row: MessageRow): StoredMessage {
  const user: User = { id: row.user_id, name: row.user_name, image: row.user_image };
  if (row.room !== null) {
    return { type: 'chat', id: row.id, ts: row.ts, room: row.room, user, data: row.data };
  }
  const to: User = { id: row.to_id ?? '', name: row.to_name ?? '', image: row.to_image ?? 0 };
  return { type: 'dm', id: row.id, ts: row.ts, user, to, data: row.data };
}

// What a user name and a room name may be, how two names are compared, and the one key for a
// conversation (a room or a DM thread) used wherever one is kept in a map or a table.
import { MAX_NAME_LENGTH } from './limits.js';
import type { Conversation } from './types.js';

/** The room everyone is always in. */
export const LOBBY = 'lobby';

/** Code points, not UTF-16 units: `路人甲` is 3 and an emoji is 1. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

// C0, DEL and C1 controls; line and paragraph separators too, since a name is one line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** A display name as the contract allows it, trimmed; null when it is not acceptable. */
export function normalizeUserName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const name = raw.normalize('NFC').trim();
  const length = codePointLength(name);
  if (length < 1 || length > MAX_NAME_LENGTH || CONTROL.test(name)) return null;
  return name;
}

const ROOM_NAME = /^[\p{L}\p{M}\p{N}_-]+$/u;

/** A room name: 1 to 32 letters (any script), digits, `-` and `_`; null otherwise. */
export function normalizeRoomName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const name = raw.normalize('NFC').trim();
  const length = codePointLength(name);
  if (length < 1 || length > MAX_NAME_LENGTH || !ROOM_NAME.test(name)) return null;
  return name;
}

/** The form in which two names are compared: `Dev` and `dev` are one room. */
export function foldName(name: string): string {
  return name.toLowerCase();
}

/**
 * A conversation as one string, for maps and tables: `room:<name>` (the room's own spelling) or
 * `dm:<the other person's id>` (so it is relative to whoever holds it).
 */
export function conversationKey(conversation: Conversation): string {
  return 'room' in conversation ? `room:${conversation.room}` : `dm:${conversation.with}`;
}

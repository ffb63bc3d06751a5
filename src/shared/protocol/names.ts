// What a user name and a room name may be, how two names are compared, and the one key for a
// conversation (a room or a DM thread) used wherever one is kept in a map or a table. Whether two
// names are one name (held or taken) is nameKey.ts's; foldName is only how a room is found.
import { hasInvisibleInRoomName, hasInvisibleInUserName } from './invisible.js';
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

/** A name as given, trimmed and in NFC; or why it is not one: its length, or a character that shows nothing. */
export type NameCheck = { ok: true; name: string } | { ok: false; problem: 'length' | 'invisible' };

function lengthOk(name: string): boolean {
  const length = codePointLength(name);
  return length >= 1 && length <= MAX_NAME_LENGTH;
}

/**
 * A user name: 1 to 32 code points once trimmed, no control, invisible or bidi-control character
 * (invisible.ts; a variation selector, as in ❤️, is fine).
 */
export function checkUserName(raw: unknown): NameCheck {
  if (typeof raw !== 'string') return { ok: false, problem: 'length' };
  const name = raw.normalize('NFC').trim();
  if (!lengthOk(name)) return { ok: false, problem: 'length' };
  if (hasInvisibleInUserName(name)) return { ok: false, problem: 'invisible' };
  return { ok: true, name };
}

/** A display name as the contract allows it, trimmed; null when it is not acceptable. */
export function normalizeUserName(raw: unknown): string | null {
  const checked = checkUserName(raw);
  return checked.ok ? checked.name : null;
}

const ROOM_NAME = /^[\p{L}\p{M}\p{N}_-]+$/u;

/**
 * A room name: 1 to 32 letters (any script), digits, `-` and `_`, none of them invisible (a
 * Hangul filler is a letter, a variation selector a mark: both refused).
 */
export function checkRoomName(raw: unknown): NameCheck {
  if (typeof raw !== 'string') return { ok: false, problem: 'length' };
  const name = raw.normalize('NFC').trim();
  if (!lengthOk(name) || !ROOM_NAME.test(name)) return { ok: false, problem: 'length' };
  if (hasInvisibleInRoomName(name)) return { ok: false, problem: 'invisible' };
  return { ok: true, name };
}

/** A room name as checkRoomName allows it; null otherwise. */
export function normalizeRoomName(raw: unknown): string | null {
  const checked = checkRoomName(raw);
  return checked.ok ? checked.name : null;
}

/** How a room is found by the name asked for: `Dev` finds `dev`. (Whether a new name is taken: nameKey.) */
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

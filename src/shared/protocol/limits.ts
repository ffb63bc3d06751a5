// Sizes, rates and intervals both sides of the socket know. Settings an operator can change live
// in src/config.ts; these are fixed by the protocol.

/** Longest `ref` a client may attach to a message. */
export const MAX_REF_LENGTH = 64;
/** Largest page a `history` request may ask for. */
export const MAX_HISTORY_LIMIT = 100;
/** Longest user or room name, in code points. */
export const MAX_NAME_LENGTH = 32;
/** A password that keeps a name, in code points: long enough to guess slowly, short enough to hash at once. */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 200;
/** The server passes on at most one `typing` per user per room or conversation in this time; the rest are dropped. */
export const TYPING_THROTTLE_MS = 2000;

/**
 * Presence changes (`join`, `left`, `presence`) go out at most once per interval per room, so a
 * burst of arrivals costs each member one write per interval rather than one per arrival. Each
 * flush writes to every member, so past 200 connections (BIG_ROOM, where the page shows a number
 * rather than names) the interval grows with the room: a room's presence then costs at most 4,000
 * socket writes a second, whatever its size (1.25 s at 5,000 connections, at most 2 s).
 */
export const PRESENCE_FLUSH_MS = 50;
export const PRESENCE_WRITES_PER_SECOND = 4000;
export const PRESENCE_FLUSH_MAX_MS = 2000;

/** How long a room of this many connections waits between presence flushes. */
export function presenceInterval(members: number): number {
  return Math.min(PRESENCE_FLUSH_MAX_MS, Math.max(PRESENCE_FLUSH_MS, (members * 1000) / PRESENCE_WRITES_PER_SECOND));
}

/**
 * `counts` frames (`?counts=live`) go out at most once per this interval per process, with every
 * public room whose head-count changed meanwhile: one frame a second, however many joins.
 */
export const COUNTS_INTERVAL_MS = 1000;
/** The most rooms one `counts` frame carries; the rest wait for the next one. */
export const MAX_COUNTS_PER_FRAME = 500;

/** More people online than this, and a `people=lazy` connection is told the room by number. */
export const BIG_ROOM = 200;
/** The most people one `people` request returns. */
export const PEOPLE_RESULTS = 20;
/** The longest `q` of a `people` request, in code points: a name and the space after it. */
export const MAX_PEOPLE_QUERY_LENGTH = MAX_NAME_LENGTH + 1;

/**
 * Unread counts stop at this many per room or conversation: a count of UNREAD_CAP means "that
 * many or more", and the page shows it as 999+.
 */
export const UNREAD_CAP = 1000;

/** An unread count as badges and the tab title show it: "999+" from UNREAD_CAP on. */
export function unreadLabel(count: number): string {
  return count >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(count);
}

/** `GET /search`: the most results one search returns, newest first. */
export const SEARCH_LIMIT = 50;
/** `GET /search`: the longest query, in code points (after trimming). */
export const MAX_SEARCH_LENGTH = 200;

/** `GET /rooms?q=`: rooms in one page of the directory, unless `limit` asks for another number. */
export const ROOM_DIRECTORY_PAGE = 20;
/** `GET /rooms?q=`: the largest `limit`. */
export const MAX_ROOM_DIRECTORY_PAGE = 100;

/** Distinct reactions one message may have: a new one past this is `too_many_reactions`. */
export const MAX_REACTIONS_PER_MESSAGE = 20;
/** The longest reaction, in grapheme clusters (what a reader sees as characters: 👍🏽 is one). */
export const MAX_EMOJI_LENGTH = 16;
/** How much of the text of the message answered a reply quotes, in code points. */
export const REPLY_QUOTE_LENGTH = 100;

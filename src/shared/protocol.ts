// The typed map of everything that crosses the WebSocket, shared by the server and the browser
// bundle: rename a field here and both sides stop compiling. No Node or DOM imports in this file.

export const WS_PATH = '/ws/chat';
export const LOBBY = 'lobby';

/** Close codes, named once (RFC 6455 codes plus our 4001). */
export const CloseCode = {
  /** Server going away: shutdown. */
  GOING_AWAY: 1001,
  /** A binary frame. */
  UNSUPPORTED_DATA: 1003,
  /** Kept sending past the rate limit. */
  POLICY_VIOLATION: 1008,
  /** Something broke on our side while handling a frame; the client reconnects. */
  INTERNAL_ERROR: 1011,
  /** Frame over the size limit (ws closes with it itself when maxPayload is exceeded). */
  MESSAGE_TOO_BIG: 1009,
  /** No valid identity cookie: the browser goes to /signin. */
  INVALID_USER: 4001,
} as const;

export const CloseReason = {
  INVALID_USER: 'Invalid user',
  GOING_AWAY: 'Server shutting down',
  BINARY: 'Binary frames are not supported',
  RATE_LIMITED: 'Rate limit exceeded',
  SIGNED_OUT: 'Signed out',
  INTERNAL_ERROR: 'Internal error',
  TOO_MANY_CONNECTIONS: 'Too many connections',
} as const;

/** Longest `ref` a client may attach to a message. */
export const MAX_REF_LENGTH = 64;
/** Largest page a `history` request may ask for. */
export const MAX_HISTORY_LIMIT = 100;
/** Longest user or room name, in code points. */
export const MAX_NAME_LENGTH = 32;
/** The server passes on at most one `typing` per user per room or conversation in this time; the rest are dropped. */
export const TYPING_THROTTLE_MS = 2000;
/**
 * Presence changes (`join`, `left`, `presence`) go out at most once per interval per room, so a
 * burst of arrivals costs each member one write per interval rather than one per arrival. The
 * interval grows with the room, since each flush writes to every member: 50 ms up to 500
 * connections, 500 ms at 5,000, at most 2 s.
 */
export const PRESENCE_FLUSH_MS = 50;
export const PRESENCE_FLUSH_MS_PER_MEMBER = 0.1;
export const PRESENCE_FLUSH_MAX_MS = 2000;

/** How long a room of this many connections waits between presence flushes. */
export function presenceInterval(members: number): number {
  return Math.min(PRESENCE_FLUSH_MAX_MS, Math.max(PRESENCE_FLUSH_MS, members * PRESENCE_FLUSH_MS_PER_MEMBER));
}
/** Query parameter value of `presence` that asks for batched `presence` frames. */
export const PRESENCE_BATCH = 'batch';
/**
 * Query parameter value of `people` (with `presence=batch`) that asks for big rooms by number: in
 * a room with more than BIG_ROOM people online, such a connection gets how many are there
 * (`list` and `presence` with `count`, no users) and finds people with `people` requests, instead
 * of a list that every arrival would resend in full. The page asks for it.
 */
export const PEOPLE_LAZY = 'lazy';
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

export type ErrorCode =
  | 'bad_message'
  | 'unknown_type'
  | 'empty'
  | 'too_long'
  | 'no_such_room'
  | 'not_in_room'
  | 'no_such_user'
  | 'rate_limited';

export interface User {
  id: string;
  name: string;
  image: number;
}

export interface ChatMessage {
  type: 'chat';
  id: number;
  ts: number;
  room: string;
  user: User;
  data: string;
  ref?: string;
}

export interface DirectMessage {
  type: 'dm';
  id: number;
  ts: number;
  user: User;
  to: User;
  data: string;
  ref?: string;
}

export type StoredMessage = ChatMessage | DirectMessage;

/** Server → client, keyed by `type`. */
export interface ServerMessages {
  history:
    | { type: 'history'; room: string; data: ChatMessage[]; before?: number }
    | { type: 'history'; with: string; data: DirectMessage[]; before?: number };
  /** `count` only for `people=lazy` in a big room: how many are online, and `data` is empty. */
  list: { type: 'list'; room: string; data: User[]; count?: number };
  join: { type: 'join'; room: string; user: User; data: string };
  left: { type: 'left'; room: string; user: User; data: string };
  /**
   * Instead of `join`/`left`, for connections opened with `?presence=batch` (the page's): the net
   * change since the last one, at most one per room per flush.
   */
  presence: { type: 'presence'; room: string; joined: User[]; left: User[]; count?: number };
  /** The answer to a `people` request: online people of the room whose name matches `q`. */
  people: { type: 'people'; room: string; q: string; data: User[]; ref?: string };
  chat: ChatMessage;
  dm: DirectMessage;
  rooms: { type: 'rooms'; data: string[] };
  /** Someone else is typing in a room, or (`with` = their id) to you. */
  typing: { type: 'typing'; room: string; user: User } | { type: 'typing'; with: string; user: User };
  /** Another connection of yours has read up to `id`. */
  read: { type: 'read'; room: string; id: number } | { type: 'read'; with: string; id: number };
  /** On connect: every room and conversation of yours with something unread. */
  unread: { type: 'unread'; data: UnreadEntry[] };
  error: { type: 'error'; data: { code: ErrorCode; message: string }; ref?: string };
}
export type ServerMessage = ServerMessages[keyof ServerMessages];

/** One result of `GET /search`: a room message, or a DM with `with` = the other person's id. */
export type SearchResult =
  | { id: number; room: string; user: User; data: string; ts: number }
  | { id: number; with: string; user: User; data: string; ts: number };

export type UnreadEntry =
  | { room: string; count: number; mentions: number; lastReadId: number }
  | { with: string; count: number; mentions: number; lastReadId: number };

/** Client → server, keyed by `type`, as they are after validation. */
export interface ClientMessages {
  chat: { type: 'chat'; room: string; data: string; ref?: string };
  dm: { type: 'dm'; to: string; data: string; ref?: string };
  /** `since` (an extension): resume the room after that id instead of the latest history. */
  join: { type: 'join'; room: string; since?: number; ref?: string };
  leave: { type: 'leave'; room: string; ref?: string };
  history:
    | { type: 'history'; room: string; before?: number; limit?: number; ref?: string }
    | { type: 'history'; with: string; before?: number; limit?: number; ref?: string };
  typing: { type: 'typing'; room: string; ref?: string } | { type: 'typing'; with: string; ref?: string };
  read: { type: 'read'; room: string; id: number; ref?: string } | { type: 'read'; with: string; id: number; ref?: string };
  /** Who is online in a room (that you are in) under a name matching `q`; see `peopleMatching`. */
  people: { type: 'people'; room: string; q: string; ref?: string };
}
export type ClientMessage = ClientMessages[keyof ClientMessages];

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

/** Whether a server message belongs to a room view (as opposed to a DM or global event). */
export function isDirect(message: StoredMessage): message is DirectMessage {
  return message.type === 'dm';
}

/**
 * The people a `people` request finds, at most PEOPLE_RESULTS: a name matches when it contains
 * `q`, or `q` starts with it (so `@name message`, sent whole, finds `name`), ignoring case. Those
 * `q` starts with come first, then those whose name starts with `q`, then the rest.
 */
export function peopleMatching(users: Iterable<User>, q: string): User[] {
  const query = q.toLocaleLowerCase();
  const ranked: [User[], User[], User[]] = [[], [], []];
  for (const user of users) {
    const name = user.name.toLocaleLowerCase();
    if (query.startsWith(name)) ranked[0].push(user);
    else if (name.startsWith(query)) ranked[1].push(user);
    else if (name.includes(query)) ranked[2].push(user);
    if (ranked[0].length >= PEOPLE_RESULTS) break;
  }
  return ranked.flat().slice(0, PEOPLE_RESULTS);
}

// The typed map of everything that crosses the WebSocket, shared by the server and the browser
// bundle: rename a field here and both sides stop compiling. No Node or DOM imports.

export type ErrorCode =
  | 'bad_message'
  | 'unknown_type'
  | 'empty'
  | 'too_long'
  | 'no_such_room'
  | 'not_in_room'
  | 'no_such_user'
  | 'rate_limited'
  /** Extension: joining one more room would pass MAX_ROOMS_PER_USER. */
  | 'too_many_rooms'
  /** An extension: the room is archived, so nobody may join, post, read or type there. */
  | 'archived'
  /** An extension: the store cannot be reached just now; nothing the message asked for was done (not stored, not sent). */
  | 'unavailable'
  /** An extension: `invite` or `remove` about a room that is not private (anyone may join it). */
  | 'not_private'
  /** An extension: `remove` by someone who may not remove that member (see roomRights.ts). */
  | 'not_allowed'
  /** An extension: `delete` of a message that is not there (or that the sender cannot see). */
  | 'no_such_message'
  /** An extension: `delete` of someone else's message by a non-moderator. */
  | 'not_yours'
  /** An extension: a `chat` to a room a moderator locked (read-only for everyone else). */
  | 'room_locked'
  /** An extension: `edit` of a message sent longer ago than the edit window (EDIT_WINDOW_MINUTES). */
  | 'too_late'
  /** An extension: `react` with a new reaction on a message that has MAX_REACTIONS_PER_MESSAGE distinct ones already. */
  | 'too_many_reactions';

export interface User {
  id: string;
  name: string;
  image: number;
  /** An extension: the account was deleted; `name` is then "deleted user" (pages say it in their language). */
  deleted?: true;
}

/** One reaction of a message: the emoji (or short text), how many reacted with it, and who, in the order they did. */
export interface Reaction {
  emoji: string;
  count: number;
  users: User[];
}

/** The message a message answers, as it is now: its author and the start of its current text. */
export interface ReplyQuote {
  id: number;
  user: User;
  /** The first REPLY_QUOTE_LENGTH characters of its current text; "" once it was deleted. */
  data: string;
  deleted?: true;
}

/** What a message carries of what happened to it since it was sent (docs/protocol.md, "Editing, reactions and replies"). */
export interface MessageState {
  /** When it was last edited (ms). */
  editedAt?: number;
  /** It was deleted: `data` is "" and it has no mentions, reactions or replyTo. */
  deleted?: true;
  /** Its reactions, in the order each was first made; absent when none. */
  reactions?: Reaction[];
  /** The message it answers. */
  replyTo?: ReplyQuote;
  /** The last change (of the site-wide sequence) applied to it; absent when none. */
  change?: number;
}

export interface ChatMessage extends MessageState {
  type: 'chat';
  id: number;
  ts: number;
  room: string;
  user: User;
  data: string;
  /** The ids of the people its `@name`s named when it was sent or last edited (see mentions.ts); absent: nobody. */
  mentions?: string[];
  ref?: string;
}

export interface DirectMessage extends MessageState {
  type: 'dm';
  id: number;
  ts: number;
  user: User;
  to: User;
  data: string;
  /** As a chat's: the people its `@name`s named when it was sent or last edited. */
  mentions?: string[];
  ref?: string;
}

export type StoredMessage = ChatMessage | DirectMessage;

/**
 * What a history page, a typing signal, a read marker or an unread count is about: a room (by
 * name), or the direct-message conversation with one other user (by id).
 */
export type Conversation = { room: string } | { with: string };

/** What happened to a room: made, archived or deleted (by whoever may). */
export type RoomChange = 'created' | 'archived' | 'deleted';

/** How many people are online in a room now, site-wide (each once, whatever their tabs). */
export interface RoomCount {
  room: string;
  count: number;
}

/** Server → client, keyed by `type`. */
export interface ServerMessages {
  history:
    | { type: 'history'; room: string; data: ChatMessage[]; before?: number; change?: number }
    | { type: 'history'; with: string; data: DirectMessage[]; before?: number; change?: number };
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
  /** Instead of `rooms`, for connections opened with `?rooms=changes` (the page's): what changed. */
  room: { type: 'room'; change: RoomChange; room: string; private?: true };
  /**
   * `user` was made a member of the private room `room` by `by`: to every connection of the
   * invitee (the room is theirs now: it goes in their list) and of the inviter.
   */
  invited: { type: 'invited'; room: string; user: User; by: User; ref?: string };
  /**
   * `user` is no longer a member of the private room `room`: `by` removed them. To every connection
   * of the removed and of the remover; the removed's connections in the room then hear `left`.
   */
  removed: { type: 'removed'; room: string; user: User; by: User };
  /** Someone else is typing in a room, or (`with` = their id) to you; `stopped` (an extension): they emptied the box. */
  typing: { type: 'typing'; room: string; user: User; stopped?: true } | { type: 'typing'; with: string; user: User; stopped?: true };
  /** Another connection of yours has read up to `id`. */
  read: { type: 'read'; room: string; id: number } | { type: 'read'; with: string; id: number };
  /** On connect: every room and conversation of yours with something unread. */
  unread: { type: 'unread'; data: UnreadEntry[] };
  /** A message was deleted (by its author or a moderator): a placeholder in history and resume, gone from search. */
  deleted: { type: 'deleted'; id: number; room: string; change: number; ref?: string } | { type: 'deleted'; id: number; with: string; change: number; ref?: string };
  /** A message was edited by its author: its new text and who it mentions now. */
  edited:
    | { type: 'edited'; id: number; room: string; data: string; editedAt: number; mentions?: string[]; change: number; ref?: string }
    | { type: 'edited'; id: number; with: string; data: string; editedAt: number; mentions?: string[]; change: number; ref?: string };
  /** A message's reactions changed: its whole current list. */
  reactions:
    | { type: 'reactions'; id: number; room: string; data: Reaction[]; change: number; ref?: string }
    | { type: 'reactions'; id: number; with: string; data: Reaction[]; change: number; ref?: string };
  /** A moderator locked or unlocked a room: while locked, only moderators may post there. */
  locked: { type: 'locked'; room: string; locked: boolean };
  /**
   * For connections opened with `?counts=live` (the page's): public rooms whose number of people
   * online changed since the last one, at most one a COUNTS_INTERVAL_MS per process.
   */
  counts: { type: 'counts'; data: RoomCount[] };
  /**
   * You became a member of `room` (joined it) or stopped being one (left it) on another connection:
   * to your other connections that asked for room changes (`?rooms=changes`), on every process, so
   * each tab's list of your rooms follows.
   */
  membership: { type: 'membership'; room: string; member: boolean; private?: true; createdBy?: string };
  /** The answer to `ping`: it comes after everything the server sent this connection before it. */
  pong: { type: 'pong'; ref?: string };
  /** `retryAfter` (an extension, on `rate_limited` for a chat or DM): in how many ms one would be let in. */
  error: { type: 'error'; data: { code: ErrorCode; message: string; retryAfter?: number }; ref?: string };
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
  chat: { type: 'chat'; room: string; data: string; replyTo?: number; ref?: string };
  dm: { type: 'dm'; to: string; data: string; replyTo?: number; ref?: string };
  /** `since` (an extension): resume the room after that id instead of the latest history; `changes` the changes after that number too. */
  /** `again`: re-entering a room of mine (a page reconnecting): refused when I am no longer a member, never making me one. */
  join: { type: 'join'; room: string; since?: number; changes?: number; again?: true; ref?: string };
  leave: { type: 'leave'; room: string; ref?: string };
  history:
    | { type: 'history'; room: string; before?: number; limit?: number; ref?: string }
    | { type: 'history'; with: string; before?: number; limit?: number; ref?: string };
  /** `stopped` (an extension): the box is empty again, so the others' "is typing" line goes at once. */
  typing: { type: 'typing'; room: string; stopped?: true; ref?: string } | { type: 'typing'; with: string; stopped?: true; ref?: string };
  read: { type: 'read'; room: string; id: number; ref?: string } | { type: 'read'; with: string; id: number; ref?: string };
  /** Who is online in a room (that you are in) under a name matching `q`; see `peopleMatching`. */
  people: { type: 'people'; room: string; q: string; ref?: string };
  /** Deletes a message: one's own, or (a moderator) anyone's. */
  delete: { type: 'delete'; id: number; ref?: string };
  /** Replaces the text of one's own message (within the edit window). */
  edit: { type: 'edit'; id: number; data: string; ref?: string };
  /** Toggles one's reaction `emoji` on a message one can see. */
  react: { type: 'react'; id: number; emoji: string; ref?: string };
  /** Asks for a `pong`: a reply ordered after everything sent to this connection before it. */
  ping: { type: 'ping'; ref?: string };
  /** Makes someone (by id, or by a name they hold) a member of a private room you are a member of. */
  invite: { type: 'invite'; room: string; user: string; ref?: string } | { type: 'invite'; room: string; name: string; ref?: string };
  /** Ends someone else's membership of a private room, for whoever may (roomRights.ts, mayRemoveMember). */
  remove: { type: 'remove'; room: string; user: string; ref?: string };
}
export type ClientMessage = ClientMessages[keyof ClientMessages];
export type ClientMessageType = keyof ClientMessages;

// The page's state, in one place: who I am, the conversations open in this tab, the one on
// screen, my rooms and the people met so far. Other modules read it here; nothing here draws.
import { LOBBY, conversationKey, type Conversation, type ErrorCode, type User } from '../shared/protocol/index.js';

/** A message shown as "sending…" until the server confirms it by its ref. */
export interface Pending {
  item: HTMLLIElement;
  data: string;
  /** The message it answers. */
  replyTo?: number;
  /** Refused (or not sent, from before a reload): why. It is not sent again without Retry, or the rate limit's wait. */
  failed?: ErrorCode;
}

/** One conversation on screen: a room or a direct-message thread. */
export interface View {
  key: string;
  kind: 'room' | 'dm';
  /** Room name, or the other user's id. */
  target: string;
  title: string;
  list: HTMLOListElement;
  users: Map<string, User>;
  /** A big room (the server sends how many, not who): the number of people here. */
  count: number | undefined;
  /** In a big room: who the last people search found. */
  found: User[];
  pending: Map<string, Pending>;
  /** Its latest page has arrived (a DM view can exist before, from a live message). */
  loaded: boolean;
  /** No older history left to load. */
  complete: boolean;
  /** A page of older messages has been asked for and not arrived yet. */
  loadingOlder: boolean;
  /** Replayed messages after a reconnect are on their way: they were counted by the server. */
  replaying: boolean;
  scrollTop: number | undefined;
  draft: string;
  /** The message the next one sent here answers (Reply), with its author's name for the line above the box. */
  replyTo: { id: number; name: string } | undefined;
  unread: number;
  mentioned: number;
  /** The newest id this user has read here, as the server keeps it. */
  lastReadId: number;
  /** The read position the server has been told. */
  sentReadId: number;
  /** Where the "New messages" line goes while the view is open: after this id. */
  dividerAfter: number | undefined;
  typing: Map<string, { user: User; timer: ReturnType<typeof setTimeout> }>;
}

const body = document.body;

function parseJson<T>(text: string | undefined, fallback: T): T {
  try {
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

export const me = JSON.parse(body.dataset.user ?? 'null') as User;
/** Messages per page; a page shorter than this means the start of the conversation is in view. */
export const historyLimit = Number(body.dataset.historyLimit ?? 50);
/** The longest message the server takes, in characters (MAX_MESSAGE_LENGTH). */
export const maxMessageLength = Number(body.dataset.maxMessageLength ?? 2000);
/** The newest message id the server rendered: the socket resumes after it. */
export const renderedLastId = Number(body.dataset.lastId ?? 0);
/** Rooms this user belongs to, kept by the server across visits. */
export const myRooms = new Set<string>(parseJson<string[]>(body.dataset.myRooms, [LOBBY]));
/** People seen anywhere on the page, for the `@name message` shortcut. */
export const knownUsers = new Map<string, User>();
/** Every conversation this tab has a view of, by `conversationKey`. */
export const views = new Map<string, View>();
/** The view on screen (a live binding: set it with `setCurrent`). */
export let current: View;

export function setCurrent(view: View): void {
  current = view;
}

/** A new, empty view around a message list, registered in `views`. */
export function makeView(kind: View['kind'], target: string, title: string, list: HTMLOListElement): View {
  const view: View = {
    key: conversationKey(kind === 'room' ? { room: target } : { with: target }),
    kind,
    target,
    title,
    list,
    users: new Map(),
    count: undefined,
    found: [],
    pending: new Map(),
    loaded: kind === 'room',
    complete: false,
    loadingOlder: false,
    replaying: false,
    scrollTop: undefined,
    draft: '',
    replyTo: undefined,
    unread: 0,
    mentioned: 0,
    lastReadId: 0,
    sentReadId: 0,
    dividerAfter: undefined,
    typing: new Map(),
  };
  views.set(view.key, view);
  return view;
}

export function viewFor(conversation: Conversation): View | undefined {
  return views.get(conversationKey(conversation));
}

/** The conversation a view is, as the protocol names it in `history`, `typing` and `read`. */
export function conversationOf(view: View): Conversation {
  return view.kind === 'room' ? { room: view.target } : { with: view.target };
}

export function remember(user: User): void {
  if (user.id !== me.id) knownUsers.set(user.id, user);
}

/** Where a view is, as permalinks name it: `room=<name>` or `with=<user id>`. */
export function addressOf(view: View): string {
  return `${view.kind === 'room' ? 'room' : 'with'}=${encodeURIComponent(view.target)}`;
}

/** How many are in a room's view: its people, or the number the server gave for a big room. */
export function peopleCount(view: View): number {
  return view.count ?? view.users.size;
}

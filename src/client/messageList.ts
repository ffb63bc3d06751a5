// The messages of a conversation: live messages and notices, the latest and older history pages,
// the "New messages" line, and keeping the scroll where the reader wants it.
import { mentionsUser, type ServerMessages, type StoredMessage } from '../shared/protocol/index.js';
import { send } from './connection.js';
import { catchUp } from './changes.js';
import { markDay, markDays } from './days.js';
import { byId, element, noticeItem } from './dom.js';
import { messageItem } from './messageRow.js';
import { t } from './i18n.js';
import { confirmPending } from './pending.js';
import { conversationOf, current, historyLimit, me, remember, views, type View } from './state.js';
import { stopTyping } from './typing.js';
import { markRead, noteArrival } from './unread.js';

/** Closer to the bottom than this, the reader is following along: new messages keep it in view. */
const FOLLOWING_PX = 80;

const scroller = byId('scroller');

/** An empty, hidden message list for a new view, in the page's scroller. */
export function newList(): HTMLOListElement {
  const list = element('ol', { className: 'messages', attrs: { 'aria-live': 'polite', 'aria-relevant': 'additions' } });
  list.hidden = true;
  byId('empty').before(list);
  return list;
}

export function nearBottom(): boolean {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < FOLLOWING_PX;
}

export function scrollToBottom(): void {
  scroller.scrollTop = scroller.scrollHeight;
}

/** The "no messages yet" line and the "older" button, for the view on screen. */
export function refreshEmpty(): void {
  byId('empty').hidden = current.list.querySelector('li') !== null;
  byId('older').hidden = current.complete || current.list.querySelector('li[data-id]') === null;
}

export function hasMessage(view: View, id: number): boolean {
  return view.list.querySelector(`li[data-id="${id}"]`) !== null;
}

/** The newest message shown in a view (0 if none). */
export function lastId(view: View): number {
  const items = view.list.querySelectorAll<HTMLElement>('li[data-id]');
  return Number(items[items.length - 1]?.dataset.id ?? 0);
}

/** A message naming me, by the ids it was sent with (the server marks the pages it renders alike). */
function itemFor(view: View, message: StoredMessage): HTMLLIElement {
  const item = messageItem(message, me);
  if (message.type === 'chat' && !message.deleted && message.user.id !== me.id && mentionsUser(message, me.id)) item.classList.add('mention');
  catchUp(view, item);
  return item;
}

/** Adds a live message to its view: replaces its pending copy, never shows it twice. */
export function addMessage(view: View, message: StoredMessage): void {
  if (hasMessage(view, message.id)) return;
  remember(message.user);
  const stick = view === current && nearBottom();
  const item = itemFor(view, message);
  // My own copy leaves the bottom for its id's place: everyone sees one order, the server's.
  const pending = confirmPending(view, message);
  pending?.item.remove();
  placeInOrder(view, item, message.id);
  // Put in the middle, or where a bubble (and its date line) was: the date lines are drawn again.
  if (pending || item.nextElementSibling?.matches('li[data-id]')) markDays(view.list);
  else markDay(item);
  stopTyping(view, message.user.id);
  if (message.user.id !== me.id) {
    noteArrival(view, message, item.classList.contains('mention'), view === current && !document.hidden && stick);
  }
  if (view === current) {
    refreshEmpty();
    if (stick || message.user.id === me.id) scrollToBottom();
    markRead(view);
  }
}

/**
 * Puts a message at its id's place: before the first shown message with a higher id (a resumed
 * older one can arrive after a newer live one), else before my unsent messages, which stay last.
 */
function placeInOrder(view: View, item: HTMLLIElement, id: number): void {
  const rows = view.list.querySelectorAll<HTMLElement>('li[data-id]');
  // Nearly always the newest: only when it is not, look for its place.
  const last = rows[rows.length - 1];
  const later = last && Number(last.dataset.id) > id ? [...rows].find((row) => Number(row.dataset.id) > id) : undefined;
  const before = later ?? view.list.querySelector('li.pending');
  if (before) before.before(item);
  else view.list.append(item);
}

export function addNotice(view: View, text: string): void {
  const stick = view === current && nearBottom();
  // Above my unsent messages, which stay last, as messages do.
  const unsent = view.list.querySelector('li.pending');
  if (unsent) unsent.before(noticeItem(text));
  else view.list.append(noticeItem(text));
  if (stick) scrollToBottom();
}

/** A history page: an older one goes on top, the latest one replaces what the view shows. */
export function receiveHistory(view: View, message: ServerMessages['history']): void {
  const data: StoredMessage[] = message.data;
  for (const m of data) remember(m.user);
  if (message.before !== undefined) {
    const items = data.filter((m) => !hasMessage(view, m.id)).map((m) => itemFor(view, m));
    // Keep what the reader was looking at in place.
    view.loadingOlder = false;
    if (data.length < historyLimit) view.complete = true;
    const height = scroller.scrollHeight;
    const top = scroller.scrollTop;
    view.list.prepend(...items);
    markDays(view.list);
    if (view === current) scroller.scrollTop = top + scroller.scrollHeight - height;
  } else {
    // Live messages newer than the page stay, and so do the unsent.
    view.loaded = true;
    view.complete = data.length < historyLimit;
    const newest = data[data.length - 1]?.id ?? 0;
    const newer = [...view.list.querySelectorAll<HTMLLIElement>('li[data-id]')].filter((li) => Number(li.dataset.id) > newest);
    view.list.replaceChildren(...data.map((m) => itemFor(view, m)), ...newer, ...[...view.pending.values()].map((p) => p.item));
    markDays(view.list);
    if (view === current) {
      placeDivider(view);
      scrollToBottom();
      markRead(view);
    }
  }
  if (view === current) refreshEmpty();
}

/** Asks for the page before the oldest message on screen, unless one is on its way or none is left. */
export function loadOlder(): void {
  if (current.complete || current.loadingOlder) return;
  const first = current.list.querySelector<HTMLElement>('li[data-id]');
  const before = Number(first?.dataset.id);
  if (!before) return;
  current.loadingOlder = true;
  send({ type: 'history', ...conversationOf(current), before });
}

/** A "New messages" line above the first message the person had not read when they opened the view. */
export function placeDivider(view: View): void {
  view.list.querySelector('.divider')?.remove();
  const after = view.dividerAfter;
  if (after === undefined) return;
  const first = [...view.list.querySelectorAll<HTMLElement>('li[data-id]')].find(
    (item) => Number(item.dataset.id) > after && item.dataset.userId !== me.id,
  );
  if (!first) return;
  first.before(element('li', { className: 'divider', text: t('messages.newDivider'), attrs: { role: 'separator' } }));
}

/** Leaving a view: where the reader was goes with it. */
export function rememberScroll(view: View): void {
  view.scrollTop = scroller.scrollTop;
}

/** Puts a view's list on screen at its first unread message, or where the reader left it. */
export function revealList(view: View): void {
  for (const other of views.values()) other.list.hidden = other !== view;
  view.dividerAfter = view.unread > 0 ? view.lastReadId : undefined;
  placeDivider(view);
  refreshEmpty();
  const divider = view.list.querySelector<HTMLElement>('.divider');
  if (divider) divider.scrollIntoView({ block: 'center' });
  else if (view.scrollTop === undefined) scrollToBottom();
  else scroller.scrollTop = view.scrollTop;
}

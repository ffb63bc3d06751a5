// Unread counts: the sidebar badges, the tab title, and the read position each conversation has
// on the server (which shares it with the person's other tabs), sent at most once a second.
import { unreadLabel, type StoredMessage, type UnreadEntry } from '../shared/protocol/index.js';
import { send } from './connection.js';
import { dmView, roomView, show } from './conversation.js';
import { byId } from './dom.js';
import { t } from './i18n.js';
import { lastId, nearBottom, placeDivider } from './messageList.js';
import { notify } from './notify.js';
import { sidebarButton } from './sidebar/button.js';
import { conversationOf, current, knownUsers, myRooms, viewFor, views, type View } from './state.js';

/** At most one `read` a second per conversation: each one is a write on the server. */
const READ_EVERY_MS = 1000;
const readTimers = new Map<View, ReturnType<typeof setTimeout>>();

export function clearCounts(view: View): void {
  view.unread = 0;
  view.mentioned = 0;
}

/** The sidebar badges of a view and the tab title, from the view's counts. */
export function updateBadges(view: View): void {
  const badge = sidebarButton(view)?.querySelector<HTMLElement>('.unread');
  if (badge) {
    badge.textContent = unreadLabel(view.unread);
    badge.hidden = view.unread === 0;
    // A DM is for me as a mention is: its badge is the mention colour, live and as counted on connect alike.
    badge.classList.toggle('has-mention', view.mentioned > 0 || view.kind === 'dm');
    badge.title =
      view.mentioned === 0 ? '' : view.mentioned === 1 ? t('unread.mentionOne') : t('unread.mentionMany', { count: view.mentioned });
  }
  let total = 0;
  for (const v of views.values()) total += v.unread;
  const title = current.kind === 'room' ? t('title.room', { room: current.title }) : t('title.dm', { name: current.title });
  document.title = total > 0 ? t('title.unread', { count: unreadLabel(total), title }) : title;
  // On a phone the sidebar is folded away: its menu button carries the total.
  const menuBadge = byId('menu-unread');
  menuBadge.textContent = unreadLabel(total);
  menuBadge.hidden = total === 0;
}

/**
 * Someone else's message arrived in a view: counted unless the reader saw it come (or the server
 * counted it already, in a replay), and notified when it is for me (a DM, or `mentioned`) and the
 * tab is hidden. Mentions are counted as the server counts them: by the message's `mentions`.
 */
export function noteArrival(view: View, message: StoredMessage, mentioned: boolean, seen: boolean): void {
  if (!view.replaying && !seen) {
    view.unread += 1;
    if (mentioned) view.mentioned += 1;
    updateBadges(view);
  }
  if (document.hidden && (mentioned || message.type === 'dm')) {
    notify(
      message.type === 'dm' ? t('notify.newMessage', { name: message.user.name }) : t('notify.mention', { name: message.user.name, room: view.title }),
      message.data,
      view.key,
      () => show(view),
    );
  }
}

/** Sends the view's read position if the server has not had it yet. */
function sendRead(view: View): void {
  if (view.lastReadId <= view.sentReadId) return;
  view.sentReadId = view.lastReadId;
  send({ type: 'read', ...conversationOf(view), id: view.lastReadId });
}

/** Notes that everything shown in the current view has been seen, and tells the server (and so the other tabs). */
export function markRead(view: View): void {
  if (view !== current || document.hidden || !nearBottom()) return;
  clearCounts(view);
  updateBadges(view);
  view.lastReadId = Math.max(view.lastReadId, lastId(view));
  if (readTimers.has(view)) return; // what was seen meanwhile goes out when the second is over
  sendRead(view);
  readTimers.set(
    view,
    setTimeout(() => {
      readTimers.delete(view);
      sendRead(view);
    }, READ_EVERY_MS),
  );
}

/** Before the person leaves a view or the page: what they saw is read, now. */
export function flushRead(view: View): void {
  clearTimeout(readTimers.get(view));
  readTimers.delete(view);
  sendRead(view);
}

/** A room that ended: nothing more about it goes to the server, which would refuse it. */
export function forgetRead(view: View): void {
  clearTimeout(readTimers.get(view));
  readTimers.delete(view);
  view.sentReadId = Math.max(view.sentReadId, view.lastReadId);
}

/** Another tab of mine read up to `id`: once that is the newest here, nothing is unread. */
export function readElsewhere(view: View, id: number): void {
  view.lastReadId = Math.max(view.lastReadId, id);
  if (id >= lastId(view)) {
    clearCounts(view);
    updateBadges(view);
  }
}

/** The view an unread entry counts for: made if need be, none for a room I am no longer in. */
function viewOf(entry: UnreadEntry): View | undefined {
  const view = viewFor(entry);
  if (view) return view;
  if ('with' in entry) {
    const user = knownUsers.get(entry.with);
    return user ? dmView(user) : undefined;
  }
  return myRooms.has(entry.room) ? roomView(entry.room) : undefined;
}

/** The server's counts on connect: the truth from then on. */
export function applyUnread(entries: UnreadEntry[]): void {
  for (const view of views.values()) clearCounts(view);
  for (const entry of entries) {
    const view = viewOf(entry);
    if (!view) continue;
    view.unread = entry.count;
    view.mentioned = entry.mentions;
    view.lastReadId = entry.lastReadId;
    view.sentReadId = entry.lastReadId;
  }
  for (const view of views.values()) updateBadges(view);
  if (current.unread > 0) {
    current.dividerAfter = current.lastReadId;
    placeDivider(current);
  }
  markRead(current);
}

// Which conversation is on screen: the view of a room or a DM thread (made when first needed),
// opening one, switching to it, leaving a room, and rejoining everything after a reconnect.
import { LOBBY, type ServerMessages, type User } from '../shared/protocol/index.js';
import { newRef, send } from './connection.js';
import { byId } from './dom.js';
import { loadDraft, saveDraft } from './composer.js';
import { newList, rememberScroll, revealList } from './messageList.js';
import { markCurrentButton } from './sidebar/button.js';
import { ensureDmLink } from './sidebar/dms.js';
import { renderUsers } from './sidebar/people.js';
import { showInvite } from './invite.js';
import { showLockState } from './moderation.js';
import { forgetJoined, joinRoom, showRoomActions } from './roomEnds.js';
import { ensureRoomLink, removeRoomLink } from './sidebar/rooms.js';
import { current, makeView, myRooms, setCurrent, viewFor, views, type View } from './state.js';
import { renderTyping } from './typing.js';
import { withUnsent } from './unsent.js';
import { cancelEdit } from './editing.js';
import { highestChange } from './messageState.js';
import { showReply } from './replying.js';
import { closeMenu } from './messageMenu.js';
import { clearCounts, flushRead, markRead, updateBadges } from './unread.js';

/** The view of a room; made (empty, not on screen) if this tab has none yet. */
export function roomView(room: string): View {
  return viewFor({ room }) ?? withUnsent(makeView('room', room, room, newList()));
}

/** The view of the thread with a person, and its sidebar link; made if this tab has none yet. */
export function dmView(user: User): View {
  ensureDmLink(user);
  return viewFor({ with: user.id }) ?? withUnsent(makeView('dm', user.id, user.name, newList()));
}

/** Puts a view on screen, keeping the one it replaces as the person left it. */
export function show(view: View): void {
  if (current && current !== view) {
    // An edit belongs to the conversation it was started in: leaving it cancels it, and the box's draft comes back first.
    cancelEdit();
    closeMenu();
    rememberScroll(current);
    saveDraft(current);
    flushRead(current);
  }
  setCurrent(view);
  byId('title').textContent = view.kind === 'room' ? `# ${view.title}` : `@ ${view.title}`;
  loadDraft(view);
  showReply(view);
  byId('leave').hidden = view.kind !== 'room' || view.target === LOBBY || !myRooms.has(view.target);
  showRoomActions(view);
  showInvite(view);
  showLockState(view);
  markCurrentButton(view);
  // On a phone the sidebar covers the conversation: picking one closes it.
  document.body.classList.remove('sidebar-open');
  renderUsers();
  renderTyping();
  revealList(view);
  updateBadges(view);
  markRead(view);
}

/** Opens a room, joining it first if I am not in it; `createdBy` is who made it, when known. */
export function openRoom(room: string, createdBy?: string): void {
  let view = viewFor({ room });
  if (!view || !myRooms.has(room)) {
    view ??= roomView(room);
    myRooms.add(room);
    ensureRoomLink(room, createdBy);
    joinRoom(room);
  }
  show(view);
  focusComposer();
}

export function openDm(user: User): void {
  const view = dmView(user);
  if (!view.loaded) send({ type: 'history', with: user.id });
  show(view);
  focusComposer();
}

/** A conversation the person opened (click, keyboard, link) is for writing in: the box gets the focus, the list stays where it is. */
export function focusComposer(): void {
  byId('input').focus({ preventScroll: true });
}

/** I left a room (in this tab or another), or it ended: its view and its sidebar row go, and the lobby shows if it was on screen. */
export function closeRoom(view: View): void {
  view.list.remove();
  views.delete(view.key);
  myRooms.delete(view.target);
  forgetJoined(view.target);
  removeRoomLink(view.target);
  if (current === view) show(viewFor({ room: LOBBY }) as View);
}

/** Leaves this tab sent because another one left: a refusal (this connection was not in the room) is no news. */
const followedLeaves = new Set<string>();

/**
 * I joined or left a room in another tab (or device): this one follows, as membership is mine, not
 * a tab's. A room joined elsewhere is listed and joined here too, without taking over the screen.
 */
export function followMembership({ room, member, private: isPrivate, createdBy }: ServerMessages['membership']): void {
  if (room === LOBBY) return;
  const view = viewFor({ room });
  if (member) {
    if (myRooms.has(room)) return;
    myRooms.add(room);
    ensureRoomLink(room, createdBy ?? '', isPrivate === true);
    joinRoom(room);
    return;
  }
  if (!myRooms.has(room) && !view) return;
  const ref = newRef('follow-leave');
  followedLeaves.add(ref);
  send({ type: 'leave', room, ref });
  if (view) closeRoom(view);
  else {
    myRooms.delete(room);
    forgetJoined(room);
    removeRoomLink(room);
  }
}

/** An error answering a leave sent by `followMembership`: nothing to show. */
export function followRefused(ref: string | undefined): boolean {
  return ref !== undefined && followedLeaves.delete(ref);
}

/** On every (re)connection: asks again for what is missing and joins every room of mine. */
export function rejoin(resumed: boolean, lastSeenId: number): void {
  // Requests sent while offline were lost: ask again for what is still missing. Counts start
  // over: the server sends `unread` right after the greeting when anything is unread.
  for (const view of views.values()) {
    view.loadingOlder = false;
    clearCounts(view);
    updateBadges(view);
    if (view.kind === 'dm' && !view.loaded) send({ type: 'history', with: view.target });
  }
  // Every room of this user is joined on each connection, so counts stay live; a room already
  // on screen resumes after the last message seen, a new one gets its latest page.
  for (const room of myRooms) {
    if (room === LOBBY) continue;
    const view = roomView(room);
    if (resumed && view.loaded) {
      view.replaying = true;
      joinRoom(room, lastSeenId, highestChange());
    } else {
      joinRoom(room);
    }
  }
}

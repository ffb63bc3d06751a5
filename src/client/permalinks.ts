// Links to one message, `#room=<name>&message=<id>` or `#with=<user id>&message=<id>`: the
// conversation opens at that message, with older pages loaded until it is on screen. A link to a
// room I am not in only offers to join it: following a link must never make me a member. A room
// that does not exist (or is private and not mine) is the server's "no such room" page instead.
// `#room=<name>` alone opens (or offers) the room, `#with=<user id>` alone the conversation.
import { foldName, normalizeRoomName, type Conversation } from '../shared/protocol/index.js';
import { openDm, openRoom } from './conversation.js';
import { byId, element } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { hasMessage, loadOlder } from './messageList.js';
import { current, knownUsers, myRooms, type View } from './state.js';

const HIGHLIGHT_MS = 4000;
/** How long to wait for a page that was asked for, and how often to look. */
const PAGE_WAIT_MS = 5000;
const PAGE_POLL_MS = 50;
/** The most older pages loaded while looking for the message. */
const MAX_PAGES = 200;
const OFFER_ID = 'room-offer';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits (briefly) until the view has its latest page and no older page is on its way. */
async function settled(view: View): Promise<void> {
  for (let waited = 0; waited < PAGE_WAIT_MS && (!view.loaded || view.loadingOlder); waited += PAGE_POLL_MS) await sleep(PAGE_POLL_MS);
}

/** The room as spelled where this page knows it (my rooms, the sidebar); as the link spells it otherwise. */
function spelling(room: string): string {
  const folded = foldName(room);
  const mine = [...myRooms].find((name) => foldName(name) === folded);
  if (mine) return mine;
  const listed = [...document.querySelectorAll<HTMLElement>('.room-link[data-room]')].find((b) => foldName(b.dataset.room ?? '') === folded);
  return listed?.dataset.room ?? room;
}

function closeOffer(): void {
  document.getElementById(OFFER_ID)?.remove();
}

/** The room's own address, `/rooms/<name>`: the chat page on it, or the server's "no such room" page. */
function roomAddress(room: string): string {
  return `/rooms/${encodeURIComponent(room)}`;
}

/** Whether the server says there is no such room for me (404); on any other answer, or none, it may be there. */
async function noSuchRoom(room: string): Promise<boolean> {
  try {
    return (await fetch(roomAddress(room), { redirect: 'manual', headers: { accept: 'text/html' } })).status === 404;
  } catch {
    return false;
  }
}

/** Shows the room a link points into, with a button to join it (and then open the message, if the link names one). */
function offerRoom(room: string, id?: number): void {
  closeOffer();
  const offer = element('div', { className: 'chooser', attrs: { id: OFFER_ID, role: 'dialog', 'aria-labelledby': `${OFFER_ID}-title` } });
  const join = element('button', { text: t('permalink.join', { room }), attrs: { type: 'button', id: `${OFFER_ID}-join` } });
  const close = element('button', { className: 'link', text: t('action.close'), attrs: { type: 'button' } });
  join.addEventListener('click', () => {
    closeOffer();
    const joining = !myRooms.has(room);
    openRoom(room);
    // The join's answer brings the latest page: the search for the message waits for it.
    if (joining) current.loaded = false;
    if (id !== undefined) void openMessage({ room }, id);
  });
  close.addEventListener('click', closeOffer);
  offer.append(element('p', { className: 'chooser-title', text: t(id === undefined ? 'permalink.roomNotMember' : 'permalink.notMember', { room }), attrs: { id: `${OFFER_ID}-title` } }), join, ' ', close);
  byId('scroller').before(offer);
  join.focus();
}

/** Opens a conversation at one message, highlighted for a moment; a room I am not in is only offered. */
export async function openMessage(conversation: Conversation, id: number): Promise<void> {
  closeOffer();
  if ('room' in conversation) {
    const room = spelling(conversation.room);
    if (!myRooms.has(room)) return offerOrLeave(room, id);
    openRoom(room);
  } else {
    openDm(knownUsers.get(conversation.with) ?? { id: conversation.with, name: conversation.with.slice(0, 8), image: 0 });
  }
  const view = current;
  for (let page = 0; page < MAX_PAGES; page++) {
    await settled(view);
    if (current !== view || hasMessage(view, id) || view.complete) break;
    loadOlder();
  }
  const item = view.list.querySelector<HTMLElement>(`li[data-id="${id}"]`);
  if (!item) {
    flash(t('error.notFound'));
    return;
  }
  item.scrollIntoView({ block: 'center' });
  item.classList.add('highlight');
  setTimeout(() => item.classList.remove('highlight'), HIGHLIGHT_MS);
}

/** A room I am not in: offered when it is there for me, else the server's "no such room" page in place of this one. */
async function offerOrLeave(room: string, id?: number): Promise<void> {
  if (await noSuchRoom(room)) location.replace(roomAddress(room));
  else offerRoom(room, id);
}

/** The message the address names, if it names one; or the room, if it names only a room. */
export function openFromAddress(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = Number(params.get('message'));
  const room = normalizeRoomName(params.get('room'));
  const other = params.get('with');
  if (room && !params.has('message')) {
    closeOffer();
    const spelled = spelling(room);
    if (myRooms.has(spelled)) openRoom(spelled);
    else void offerOrLeave(spelled);
    return;
  }
  if (other && !params.has('message')) {
    openDm(knownUsers.get(other) ?? { id: other, name: other.slice(0, 8), image: 0 });
    return;
  }
  if (!Number.isSafeInteger(id) || id <= 0) return;
  if (room) void openMessage({ room }, id);
  else if (other) void openMessage({ with: other }, id);
}

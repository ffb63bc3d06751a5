// The chat page's entry point: the server has already rendered the lobby; this takes over what it
// rendered, wires the page's controls to the modules that own them, and connects.
import { LOBBY } from '../shared/protocol/index.js';
import { autosize, draftTyped, showPrivateChip, submit } from './composer.js';
import { connect, retryNow, send } from './connection.js';
import { focusComposer, openDm, openRoom, rejoin, show } from './conversation.js';
import { byId, localizeTimes } from './dom.js';
import { markDays, relabelAtMidnight } from './days.js';
import { wireContext } from './composerContext.js';
import { cancelEdit, editLast, isEditing, saveEdit } from './editing.js';
import { wireMessageMenu } from './messageMenu.js';
import { adoptRendered } from './messageRow.js';
import { wireReactions } from './reactions.js';
import { cancelReply, isReplying } from './replying.js';
import { receive } from './handlers.js';
import { loadOlder, nearBottom } from './messageList.js';
import { wireModeration } from './moderation.js';
import { showNotifyButton } from './notify.js';
import { openFromAddress } from './permalinks.js';
import { wireRoomActions } from './roomEnds.js';
import { search } from './search.js';
import { closeDirectory, directoryPick, findAsYouType, findRooms } from './sidebar/directory.js';
import { dmLinkUser, rememberListedDms } from './sidebar/dms.js';
import { personShown, searchPeople } from './sidebar/people.js';
import { removeClicked, sendInvite } from './invite.js';
import { createRoom, existingPicked, roomLinkName } from './sidebar/rooms.js';
import { addressOf, current, historyLimit, makeView, me, setCurrent, views } from './state.js';
import { typingSignal } from './typing.js';
import { withUnsent } from './unsent.js';
import { flushRead, markRead } from './unread.js';

const body = document.body;
const input = byId<HTMLTextAreaElement>('input');

/** Submitting a form runs `action` instead of loading a page. */
function onSubmit(id: string, action: (form: HTMLFormElement) => void): void {
  const form = byId<HTMLFormElement>(id);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    action(form);
  });
}

/** The lobby as the server rendered it becomes the first view. */
function adoptRenderedLobby(): void {
  localizeTimes(document);
  adoptRendered(byId('messages'), me, `room=${LOBBY}`);
  const lobby = withUnsent(makeView('room', LOBBY, LOBBY, byId<HTMLOListElement>('messages')));
  markDays(lobby.list);
  relabelAtMidnight();
  lobby.complete = lobby.list.querySelectorAll('li[data-id]').length < historyLimit;
  rememberListedDms();
  setCurrent(lobby);
  show(lobby);
}

function wireComposer(): void {
  // While a message of mine is being edited, the box saves it instead of sending a new one.
  const sendOrSave = () => (isEditing() ? saveEdit() : submit());
  onSubmit('composer', sendOrSave);
  wireContext();
  input.addEventListener('keydown', (event) => {
    // isComposing: Enter that confirms a Chinese or Japanese IME candidate must not send.
    if (event.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      sendOrSave();
    } else if (event.key === 'ArrowUp' && input.value === '' && !isEditing() && editLast()) {
      event.preventDefault();
    } else if (event.key === 'Escape' && (isEditing() || isReplying())) {
      if (isEditing()) cancelEdit();
      else cancelReply();
    }
  });
  input.addEventListener('input', () => {
    autosize();
    if (isEditing()) return; // an edit is not a new message: nobody sees me typing one, and no /msg chip
    draftTyped();
    showPrivateChip();
    typingSignal(input.value);
  });
}

function wireSidebar(): void {
  byId('rooms').addEventListener('click', (event) => {
    const room = roomLinkName(event.target);
    if (room) openRoom(room);
  });
  byId('dms').addEventListener('click', (event) => {
    const user = dmLinkUser(event.target);
    if (user) openDm(user);
  });
  byId('users').addEventListener('click', (event) => {
    if (removeClicked(event.target)) return;
    const user = personShown(event.target);
    if (user && user.id !== me.id) openDm(user);
  });
  byId('people-input').addEventListener('input', searchPeople);
  onSubmit('people-search', searchPeople);
  onSubmit('new-room', (form) => void createRoom(form).then((room) => room && openRoom(room, me.id)));
  byId('new-room-existing').addEventListener('click', () => {
    const room = existingPicked();
    if (room) openRoom(room);
  });
  byId('room-finder-input').addEventListener('input', findAsYouType);
  onSubmit('room-finder', () => void findRooms());
  onSubmit('invite', sendInvite);
  byId('directory-more').addEventListener('click', () => void findRooms(true));
  byId('directory-list').addEventListener('click', (event) => {
    const room = directoryPick(event.target);
    if (!room) return;
    byId<HTMLInputElement>('room-finder-input').value = '';
    closeDirectory();
    openRoom(room.name, room.createdBy);
  });
  byId('menu').addEventListener('click', () => body.classList.toggle('sidebar-open'));
  // The top bar's folded part (narrow or short screens): ⋯ opens and closes it.
  const more = byId('topbar-more');
  more.addEventListener('click', () => more.setAttribute('aria-expanded', String(body.classList.toggle('topbar-open'))));
  document.addEventListener('click', (event) => {
    if (!body.classList.contains('topbar-open') || (event.target as Element).closest('#me-extra, #topbar-more')) return;
    body.classList.remove('topbar-open');
    more.setAttribute('aria-expanded', 'false');
  });
}

function wireConversation(): void {
  const scroller = byId('scroller');
  byId('leave').addEventListener('click', () => {
    if (current.kind === 'room' && current.target !== LOBBY) send({ type: 'leave', room: current.target });
  });
  wireRoomActions();
  wireModeration();
  wireMessageMenu();
  wireReactions();
  byId('older').addEventListener('click', loadOlder);
  // Scrolling up to the top loads the page before, like any chat.
  new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) loadOlder();
  }, { root: scroller }).observe(byId('older'));
  scroller.addEventListener('scroll', () => {
    if (nearBottom()) markRead(current);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) markRead(current);
  });
  window.addEventListener('pagehide', () => {
    for (const view of views.values()) flushRead(view);
  });
}

function wireSearch(): void {
  onSubmit('search', () => {
    const query = byId<HTMLInputElement>('search-input').value.trim();
    if (query) void search(query);
  });
  byId('results-close').addEventListener('click', () => {
    byId('results').hidden = true;
    input.focus();
  });
  window.addEventListener('hashchange', openFromAddress);
}

function start(): void {
  adoptRenderedLobby();
  wireComposer();
  wireSidebar();
  wireConversation();
  wireSearch();
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      byId('chooser').hidden = true;
      byId('results').hidden = true;
      closeDirectory();
      body.classList.remove('sidebar-open', 'topbar-open');
      byId('topbar-more').setAttribute('aria-expanded', 'false');
    }
  });
  byId('skip-to-composer').addEventListener('click', (event) => {
    event.preventDefault(); // not a #fragment: the address names conversations (permalinks.ts)
    focusComposer();
  });
  showNotifyButton(byId<HTMLButtonElement>('notify'));
  // Another language is this page again: it reopens the conversation on screen (and its draft, drafts.ts).
  for (const link of document.querySelectorAll<HTMLAnchorElement>('a.lang-switch')) {
    link.addEventListener('click', () => (link.hash = addressOf(current)));
  }
  byId('retry').addEventListener('click', retryNow);
  window.addEventListener('online', retryNow);
  connect({ opened: rejoin, message: receive });
  openFromAddress();
}

start();

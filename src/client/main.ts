// The chat page's behaviour. The server has already rendered the lobby; this file keeps it live.
import { LOBBY, type ServerMessage, type ServerMessages, type User } from '../shared/protocol/index.js';
import { wsErrorKey } from '../shared/i18n/index.js';
import { autosize, submit } from './composer.js';
import { connect, retryNow, send } from './connection.js';
import { closeRoom, dmView, openDm, openRoom, rejoin, roomView, show } from './conversation.js';
import { byId, element, linkifyRendered, listItem, localizeTimes, renderText, setTime } from './dom.js';
import { flash } from './flash.js';
import { openFromAddress } from './permalinks.js';
import { search } from './search.js';
import { t } from './i18n.js';
import { addMessage, hasMessage, loadOlder, markRenderedMentions, nearBottom, receiveHistory } from './messageList.js';
import { showNotifyButton } from './notify.js';
import { failPending, resendUnconfirmed } from './pending.js';
import { dmLinkUser, rememberListedDms } from './sidebar/dms.js';
import { peopleChanged, personShown, receivePeople, searchPeople, setHeadcount, setPeople } from './sidebar/people.js';
import { createRoom, roomLinkName } from './sidebar/rooms.js';
import { current, historyLimit, knownUsers, makeView, me, myRooms, peopleCount, setCurrent, viewFor, views, type View } from './state.js';
import { showTyping, typingSignal } from './typing.js';
import { applyUnread, flushRead, markRead, readElsewhere, updateBadges } from './unread.js';

const body = document.body;
const scroller = byId('scroller');
const input = byId<HTMLTextAreaElement>('input');

function renderRooms(names: string[], counts: Map<string, number> = new Map()): void {
  const list = byId('rooms');
  list.replaceChildren();
  for (const name of names) {
    const button = element('button', { className: 'room-link', attrs: { type: 'button', 'data-room': name } });
    const view = viewFor({ room: name });
    button.classList.toggle('joined', myRooms.has(name));
    const unread = element('span', { className: 'unread', text: String(view?.unread ?? 0) });
    unread.hidden = !view?.unread;
    button.append(
      element('span', { className: 'room-name', text: `# ${name}` }),
      ' ',
      unread,
      element('span', { className: 'count', text: String(view ? peopleCount(view) : (counts.get(name) ?? 0)), attrs: { title: t('rooms.peopleHere') } }),
    );
    if (current.kind === 'room' && current.target === name) button.setAttribute('aria-current', 'true');
    const item = element('li');
    item.append(button);
    list.append(item);
  }
  for (const view of views.values()) updateBadges(view);
}

const handlers: { [K in keyof ServerMessages]: (message: ServerMessages[K]) => void } = {
  history(message) {
    const view = 'room' in message ? roomView(message.room) : viewFor(message);
    if (view) receiveHistory(view, message);
  },
  list(message) {
    const view = viewFor({ room: message.room });
    if (!view) return;
    view.replaying = false; // the list comes after the messages replayed on rejoining
    setPeople(view, message);
    resendUnconfirmed(view);
  },
  join(message) {
    const view = viewFor({ room: message.room });
    if (view) peopleChanged(view, [message.user], []);
  },
  left(message) {
    const view = viewFor({ room: message.room });
    if (!view) return;
    if (message.user.id === me.id) closeRoom(view);
    else peopleChanged(view, [], [message.user]);
  },
  presence(message) {
    // The batched form of join/left (the page connects with ?presence=batch): one render per batch.
    const view = viewFor({ room: message.room });
    if (!view) return;
    if (message.count !== undefined) setHeadcount(view, message.count);
    else peopleChanged(view, message.joined, message.left);
  },
  people(message) {
    receivePeople(message, viewFor({ room: message.room }));
  },
  chat(message) {
    const view = viewFor({ room: message.room });
    if (view) addMessage(view, message);
  },
  dm(message) {
    addMessage(dmView(message.user.id === me.id ? message.to : message.user), message);
  },
  rooms(message) {
    void refreshRooms(message.data);
  },
  room() {},
  pong() {},
  typing(message) {
    const view = viewFor(message) ?? ('with' in message ? dmView(message.user) : undefined);
    if (view && message.user.id !== me.id) showTyping(view, message.user);
  },
  read(message) {
    const view = viewFor(message);
    if (view) readElsewhere(view, message.id);
  },
  unread(message) {
    applyUnread(message.data);
  },
  error(message) {
    const reason = t(wsErrorKey(message.data.code));
    if (!failPending(message.ref, reason)) flash(reason);
  },
};

function receive(message: ServerMessage): void {
  const handler = handlers[message.type] as ((m: ServerMessage) => void) | undefined;
  handler?.(message);
}

async function refreshRooms(names: string[]): Promise<void> {
  const counts = new Map<string, number>();
  try {
    const response = await fetch('/rooms', { headers: { accept: 'application/json' } });
    if (response.ok) {
      for (const room of (await response.json()) as { name: string; users: User[] }[]) counts.set(room.name, room.users.length);
    }
  } catch {
    // Counts are a nicety; the names are what matter.
  }
  renderRooms(names, counts);
}

// --- wiring --------------------------------------------------------------------------------------

function start(): void {
  localizeTimes(document);
  linkifyRendered(document);
  const lobby = makeView('room', LOBBY, LOBBY, byId<HTMLOListElement>('messages'));
  lobby.complete = lobby.list.querySelectorAll('li[data-id]').length < historyLimit;
  markRenderedMentions(lobby.list);
  rememberListedDms();
  setCurrent(lobby);
  show(lobby);

  byId('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    // isComposing: Enter that confirms a Chinese or Japanese IME candidate must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    autosize();
    typingSignal(input.value);
  });

  byId('rooms').addEventListener('click', (event) => {
    const room = roomLinkName(event.target);
    if (room) openRoom(room);
  });
  byId('dms').addEventListener('click', (event) => {
    const user = dmLinkUser(event.target);
    if (user) openDm(user);
  });
  byId('users').addEventListener('click', (event) => {
    const user = personShown(event.target);
    if (user && user.id !== me.id) openDm(user);
  });
  byId('people-input').addEventListener('input', searchPeople);
  byId('people-search').addEventListener('submit', (event) => {
    event.preventDefault();
    searchPeople();
  });
  byId('leave').addEventListener('click', () => {
    if (current.kind === 'room' && current.target !== LOBBY) send({ type: 'leave', room: current.target });
  });
  byId('older').addEventListener('click', loadOlder);
  // Scrolling up to the top loads the page before, like any chat.
  new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) loadOlder();
  }, { root: scroller }).observe(byId('older'));
  scroller.addEventListener('scroll', () => {
    if (nearBottom()) markRead(current);
  });
  byId('retry').addEventListener('click', () => retryNow());
  window.addEventListener('online', () => retryNow());
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) markRead(current);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      byId('chooser').hidden = true;
      byId('results').hidden = true;
      body.classList.remove('sidebar-open');
    }
  });
  byId('menu').addEventListener('click', () => body.classList.toggle('sidebar-open'));

  showNotifyButton(byId<HTMLButtonElement>('notify'));

  const searchForm = byId<HTMLFormElement>('search');
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = byId<HTMLInputElement>('search-input').value.trim();
    if (query) void search(query);
  });
  byId('results-close').addEventListener('click', () => {
    byId('results').hidden = true;
    input.focus();
  });
  window.addEventListener('hashchange', openFromAddress);
  window.addEventListener('pagehide', () => {
    for (const view of views.values()) flushRead(view);
  });

  const form = byId<HTMLFormElement>('new-room');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void createRoom(form).then((room) => room && openRoom(room));
  });

  connect({ opened: rejoin, message: receive });
  openFromAddress();
}

start();

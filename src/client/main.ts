// The chat page's behaviour. The server has already rendered the lobby; this file keeps it live.
import {
  LOBBY,
  type ChatMessage,
  type DirectMessage,
  type ServerMessage,
  type ServerMessages,
  type User,
} from '../shared/protocol.js';
import { avatar, byId, element, localizeTimes, messageItem, noticeItem, pendingItem } from './dom.js';
import { ChatSocket, type ConnectionState } from './socket.js';

interface Pending {
  item: HTMLLIElement;
  data: string;
}

/** One conversation on screen: a room or a direct-message thread. */
interface View {
  key: string;
  kind: 'room' | 'dm';
  /** Room name, or the other user's id. */
  target: string;
  title: string;
  list: HTMLOListElement;
  users: Map<string, User>;
  pending: Map<string, Pending>;
  /** Its latest page has arrived (a DM view can exist before, from a live message). */
  loaded: boolean;
  /** No older history left to load. */
  complete: boolean;
  scrollTop: number | undefined;
  unread: number;
}

const body = document.body;
const me = JSON.parse(body.dataset.user ?? 'null') as User;
const scroller = byId('scroller');
const input = byId<HTMLTextAreaElement>('input');
const statusLine = byId('status');
const statusText = byId('status-text');
const views = new Map<string, View>();
/** Messages per page; a page shorter than this means the start of the conversation is in view. */
const historyLimit = Number(body.dataset.historyLimit ?? 50);
let current: View;

const roomKey = (room: string) => `room:${room}`;
const dmKey = (userId: string) => `dm:${userId}`;

function makeView(kind: View['kind'], target: string, title: string, list?: HTMLOListElement): View {
  if (!list) {
    list = element('ol', { className: 'messages', attrs: { 'aria-live': 'polite', 'aria-relevant': 'additions' } });
    list.hidden = true;
    byId('empty').before(list);
  }
  const view: View = {
    key: kind === 'room' ? roomKey(target) : dmKey(target),
    kind,
    target,
    title,
    list,
    users: new Map(),
    pending: new Map(),
    loaded: kind === 'room',
    complete: false,
    scrollTop: undefined,
    unread: 0,
  };
  views.set(view.key, view);
  return view;
}

// --- rendering -----------------------------------------------------------------------------------

function nearBottom(): boolean {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
}

function scrollToBottom(): void {
  scroller.scrollTop = scroller.scrollHeight;
}

function refreshEmpty(): void {
  byId('empty').hidden = current.list.querySelector('li') !== null;
  byId('older').hidden = current.complete || current.list.querySelector('li[data-id]') === null;
}

function hasMessage(view: View, id: number): boolean {
  return view.list.querySelector(`li[data-id="${id}"]`) !== null;
}

/** Adds a live message to its view: replaces its pending copy, never shows it twice. */
function addMessage(view: View, message: ChatMessage | DirectMessage): void {
  if (hasMessage(view, message.id)) return;
  const stick = view === current && nearBottom();
  const item = messageItem(message, me);
  let pending = message.ref !== undefined ? view.pending.get(message.ref) : undefined;
  if (!pending && message.user.id === me.id) {
    // A resumed echo carries no ref: match it to the oldest unconfirmed message with that text.
    pending = [...view.pending.values()].find((p) => p.data === message.data);
  }
  if (pending) {
    pending.item.replaceWith(item);
    view.pending.delete(pending.item.dataset.ref ?? '');
  } else {
    view.list.append(item);
    if (view !== current || document.hidden) markUnread(view, 1);
  }
  if (view === current) {
    refreshEmpty();
    if (stick || message.user.id === me.id) scrollToBottom();
  }
}

function addNotice(view: View, text: string): void {
  const stick = view === current && nearBottom();
  view.list.append(noticeItem(text));
  if (stick) scrollToBottom();
}

function markUnread(view: View, count: number): void {
  view.unread = count === 0 ? 0 : view.unread + count;
  const button = sidebarButton(view);
  const badge = button?.querySelector<HTMLElement>('.unread');
  if (badge) {
    badge.textContent = String(view.unread);
    badge.hidden = view.unread === 0;
  }
  const total = [...views.values()].reduce((sum, v) => sum + v.unread, 0);
  document.title = `${total > 0 ? `(${total}) ` : ''}${current.kind === 'room' ? '#' : '@'}${current.title} · Chat`;
}

function sidebarButton(view: View): HTMLButtonElement | null {
  const selector =
    view.kind === 'room' ? `.room-link[data-room="${CSS.escape(view.target)}"]` : `.dm-link[data-user-id="${CSS.escape(view.target)}"]`;
  return document.querySelector<HTMLButtonElement>(selector);
}

function renderUsers(): void {
  const list = byId('users');
  list.replaceChildren();
  const users = current.kind === 'room' ? [...current.users.values()] : [];
  for (const user of users) {
    const button = element('button', { className: 'user-link', attrs: { type: 'button', 'data-user-id': user.id } });
    button.append(avatar(user), ' ', element('span', { className: 'user-name', text: user.name }));
    if (user.id === me.id) button.append(element('span', { className: 'you', text: ' (you)' }));
    const item = element('li');
    item.append(button);
    list.append(item);
  }
  byId('online-count').textContent = String(users.length);
}

function setRoomCount(room: string, count: number): void {
  const badge = document.querySelector(`.room-link[data-room="${CSS.escape(room)}"] .count`);
  if (badge) badge.textContent = String(count);
}

function renderRooms(names: string[], counts: Map<string, number> = new Map()): void {
  const list = byId('rooms');
  list.replaceChildren();
  for (const name of names) {
    const button = element('button', { className: 'room-link', attrs: { type: 'button', 'data-room': name } });
    const view = views.get(roomKey(name));
    button.append(
      element('span', { className: 'room-name', text: `# ${name}` }),
      ' ',
      element('span', { className: 'unread', text: String(view?.unread ?? 0), attrs: view?.unread ? {} : { hidden: '' } }),
      element('span', { className: 'count', text: String(view?.users.size ?? counts.get(name) ?? 0), attrs: { title: 'people here' } }),
    );
    if (current.kind === 'room' && current.target === name) button.setAttribute('aria-current', 'true');
    const item = element('li');
    item.append(button);
    list.append(item);
  }
}

function ensureDmLink(user: User): void {
  if (document.querySelector(`.dm-link[data-user-id="${CSS.escape(user.id)}"]`)) return;
  const button = element('button', { className: 'dm-link', attrs: { type: 'button', 'data-user-id': user.id } });
  button.append(
    avatar(user),
    ' ',
    element('span', { className: 'user-name', text: user.name }),
    element('span', { className: 'unread', text: '0', attrs: { hidden: '' } }),
  );
  const item = element('li');
  item.append(button);
  byId('dms').append(item);
}

function show(view: View): void {
  if (current) current.scrollTop = current.list.hidden ? current.scrollTop : scroller.scrollTop;
  for (const other of views.values()) other.list.hidden = other !== view;
  current = view;
  byId('title').textContent = view.kind === 'room' ? `# ${view.title}` : `@ ${view.title}`;
  input.placeholder = `Message ${view.kind === 'room' ? '#' : '@'}${view.title}`;
  byId('leave').hidden = view.kind !== 'room' || view.target === LOBBY;
  for (const button of document.querySelectorAll('.room-link, .dm-link')) button.removeAttribute('aria-current');
  sidebarButton(view)?.setAttribute('aria-current', 'true');
  renderUsers();
  refreshEmpty();
  markUnread(view, 0);
  if (view.scrollTop === undefined) scrollToBottom();
  else scroller.scrollTop = view.scrollTop;
  input.focus();
}

// --- the socket ----------------------------------------------------------------------------------

const socket = new ChatSocket(Number(body.dataset.lastId ?? 0), {
  state: showState,
  opened(resumed) {
    // Rooms other than the lobby are joined again, resuming after the last message seen.
    if (!resumed) return;
    for (const view of views.values()) {
      if (view.kind === 'room' && view.target !== LOBBY) {
        socket.send({ type: 'join', room: view.target, since: socket.lastSeenId });
      }
    }
  },
  message: receive,
});

let countdown: ReturnType<typeof setInterval> | undefined;

function showState(state: ConnectionState): void {
  clearInterval(countdown);
  statusLine.dataset.state = state.state;
  const retry = byId('retry');
  retry.hidden = state.state !== 'waiting';
  switch (state.state) {
    case 'connecting':
      statusText.textContent = 'Connecting…';
      break;
    case 'online':
      statusText.textContent = 'Connected';
      break;
    case 'signed-out':
      statusText.textContent = 'Signed out';
      break;
    case 'waiting': {
      const tick = () => {
        const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
        statusText.textContent = `Offline — reconnecting in ${seconds} s `;
      };
      tick();
      countdown = setInterval(tick, 1000);
      break;
    }
  }
}

const handlers: { [K in keyof ServerMessages]: (message: ServerMessages[K]) => void } = {
  history(message) {
    const view =
      'room' in message
        ? (views.get(roomKey(message.room)) ?? makeView('room', message.room, message.room))
        : views.get(dmKey(message.with));
    if (!view) return;
    const items = (message.data as (ChatMessage | DirectMessage)[])
      .filter((m) => !hasMessage(view, m.id))
      .map((m) => messageItem(m, me));
    if (message.before !== undefined) {
      // An older page: prepend it and keep what the reader was looking at in place.
      if (message.data.length < historyLimit) view.complete = true;
      const height = scroller.scrollHeight;
      view.list.prepend(...items);
      if (view === current) scroller.scrollTop += scroller.scrollHeight - height;
    } else {
      view.loaded = true;
      view.complete = message.data.length < historyLimit;
      view.list.replaceChildren(...items, ...[...view.pending.values()].map((p) => p.item));
      if (view === current) scrollToBottom();
    }
    if (view === current) refreshEmpty();
  },
  list(message) {
    const view = views.get(roomKey(message.room));
    if (!view) return;
    view.users = new Map(message.data.map((user) => [user.id, user]));
    setRoomCount(message.room, view.users.size);
    if (view === current) renderUsers();
    flushPending(view);
    if (message.room === LOBBY) for (const dm of views.values()) if (dm.kind === 'dm') flushPending(dm);
  },
  join(message) {
    const view = views.get(roomKey(message.room));
    if (!view) return;
    if (message.user.id !== me.id) addNotice(view, message.data);
    view.users.set(message.user.id, message.user);
    setRoomCount(message.room, view.users.size);
    if (view === current) renderUsers();
  },
  left(message) {
    const view = views.get(roomKey(message.room));
    if (!view) return;
    if (message.user.id === me.id) {
      // This tab left the room.
      view.list.remove();
      views.delete(view.key);
      markUnread(view, 0);
      if (current === view) show(views.get(roomKey(LOBBY)) as View);
      return;
    }
    addNotice(view, message.data);
    view.users.delete(message.user.id);
    setRoomCount(message.room, view.users.size);
    if (view === current) renderUsers();
  },
  chat(message) {
    const view = views.get(roomKey(message.room));
    if (view) addMessage(view, message);
  },
  dm(message) {
    const other = message.user.id === me.id ? message.to : message.user;
    ensureDmLink(other);
    const view = views.get(dmKey(other.id)) ?? makeView('dm', other.id, other.name);
    addMessage(view, message);
  },
  rooms(message) {
    void refreshRooms(message.data);
  },
  error(message) {
    const pending = message.ref !== undefined ? findPending(message.ref) : undefined;
    if (pending) {
      pending.item.classList.add('failed');
      (pending.item.querySelector('time') as HTMLElement).textContent = message.data.message;
      return;
    }
    flash(message.data.message);
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

function findPending(ref: string): Pending | undefined {
  for (const view of views.values()) {
    const pending = view.pending.get(ref);
    if (pending) return pending;
  }
  return undefined;
}

function flash(text: string): void {
  const note = byId('flash');
  note.textContent = text;
  note.hidden = false;
  clearTimeout(Number(note.dataset.timer));
  note.dataset.timer = String(setTimeout(() => (note.hidden = true), 5000));
}

// --- sending -------------------------------------------------------------------------------------

let refCounter = 0;

function sendPending(view: View, ref: string, data: string): boolean {
  return view.kind === 'room'
    ? socket.send({ type: 'chat', room: view.target, data, ref })
    : socket.send({ type: 'dm', to: view.target, data, ref });
}

/** Sends what is still unconfirmed after a reconnect: the resumed messages have matched the rest. */
function flushPending(view: View): void {
  for (const [ref, pending] of view.pending) {
    if (!pending.item.classList.contains('failed')) sendPending(view, ref, pending.data);
  }
}

function submit(): void {
  const data = input.value.trim();
  if (!data) return;
  const ref = `${Date.now().toString(36)}-${++refCounter}`;
  const item = pendingItem(data, me, ref);
  current.pending.set(ref, { item, data });
  current.list.append(item);
  refreshEmpty();
  scrollToBottom();
  input.value = '';
  autosize();
  // Offline, it waits in the list and goes out when the connection is back.
  sendPending(current, ref, data);
}

function autosize(): void {
  // Empty: back to one row (Chromium would otherwise size the box to a wrapped placeholder).
  if (!input.value) {
    input.style.height = '';
    return;
  }
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

function openRoom(room: string): void {
  let view = views.get(roomKey(room));
  if (!view) {
    view = makeView('room', room, room);
    socket.send({ type: 'join', room });
  }
  show(view);
}

function openDm(user: User): void {
  ensureDmLink(user);
  const view = views.get(dmKey(user.id)) ?? makeView('dm', user.id, user.name);
  if (!view.loaded) socket.send({ type: 'history', with: user.id });
  show(view);
}

// --- wiring --------------------------------------------------------------------------------------

function start(): void {
  localizeTimes(document);
  const lobby = makeView('room', LOBBY, LOBBY, byId<HTMLOListElement>('messages'));
  lobby.complete = lobby.list.querySelectorAll('li[data-id]').length < historyLimit;
  current = lobby;
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
  input.addEventListener('input', autosize);

  byId('rooms').addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('.room-link');
    if (button?.dataset.room) openRoom(button.dataset.room);
  });
  byId('dms').addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('.dm-link');
    const view = button?.dataset.userId ? views.get(dmKey(button.dataset.userId)) : undefined;
    if (!view) return;
    if (!view.loaded) socket.send({ type: 'history', with: view.target });
    show(view);
  });
  byId('users').addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('.user-link');
    const user = button?.dataset.userId ? current.users.get(button.dataset.userId) : undefined;
    if (user) openDm(user);
  });
  byId('leave').addEventListener('click', () => {
    if (current.kind === 'room' && current.target !== LOBBY) socket.send({ type: 'leave', room: current.target });
  });
  byId('older').addEventListener('click', () => {
    const first = current.list.querySelector<HTMLElement>('li[data-id]');
    const before = Number(first?.dataset.id);
    if (!before) return;
    socket.send(
      current.kind === 'room' ? { type: 'history', room: current.target, before } : { type: 'history', with: current.target, before },
    );
  });
  byId('retry').addEventListener('click', () => socket.retryNow());
  window.addEventListener('online', () => socket.retryNow());
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) markUnread(current, 0);
  });

  const form = byId<HTMLFormElement>('new-room');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void createRoom(form);
  });

  socket.connect();
}

async function createRoom(form: HTMLFormElement): Promise<void> {
  const field = form.querySelector('input') as HTMLInputElement;
  const error = byId('new-room-error');
  const name = field.value.trim();
  const response = await fetch('/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name }),
  }).catch(() => undefined);
  if (response?.status === 201) {
    const room = (await response.json()) as { name: string };
    field.value = '';
    error.hidden = true;
    openRoom(room.name);
    return;
  }
  const reply = (await response?.json().catch(() => undefined)) as { error?: string } | undefined;
  error.textContent = reply?.error ?? 'Could not create the room: are you online?';
  error.hidden = false;
  field.focus();
}

start();

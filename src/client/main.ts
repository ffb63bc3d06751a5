// The chat page's behaviour. The server has already rendered the lobby; this file keeps it live.
import {
  LOBBY,
  unreadLabel,
  type ChatMessage,
  type DirectMessage,
  type ServerMessage,
  type ServerMessages,
  type User,
} from '../shared/protocol/index.js';
import { wsErrorKey } from '../shared/i18n/index.js';
import {
  byId,
  element,
  listItem,
  linkifyRendered,
  localizeTimes,
  messageItem,
  noticeItem,
  pendingItem,
  personButton,
  renderText,
  setTime,
} from './dom.js';
import { t } from './i18n.js';
import { mentions, parseDmCommand } from '../shared/protocol/index.js';
import { notify, notificationsWanted, requestNotifications } from './notify.js';
import { connect, newRef, retryNow, send } from './connection.js';
import { flash } from './flash.js';
import { markCurrentButton, sidebarButton } from './sidebar/button.js';
import { dmLinkUser, ensureDmLink, rememberListedDms } from './sidebar/dms.js';
import { askWhoIs, personShown, receivePeople, renderUsers, searchPeople } from './sidebar/people.js';
import { createRoom, roomLinkName, setRoomCount } from './sidebar/rooms.js';
import { renderTyping, showTyping, stopTyping, typingSent, typingSignal } from './typing.js';
import {
  current,
  historyLimit,
  knownUsers,
  makeView as makeStateView,
  me,
  myRooms,
  peopleCount,
  remember,
  renderedLastId,
  setCurrent,
  viewFor,
  views,
  type Pending,
  type View,
} from './state.js';

const makeView = (kind: View['kind'], target: string, title: string, list?: HTMLOListElement) => makeStateView(kind, target, title, list ?? newList());

const body = document.body;
const scroller = byId('scroller');
const input = byId<HTMLTextAreaElement>('input');

function newList(): HTMLOListElement {
  const list = element('ol', { className: 'messages', attrs: { 'aria-live': 'polite', 'aria-relevant': 'additions' } });
  list.hidden = true;
  byId('empty').before(list);
  return list;
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

function lastId(view: View): number {
  const items = view.list.querySelectorAll<HTMLElement>('li[data-id]');
  return Number(items[items.length - 1]?.dataset.id ?? 0);
}

function decorate(item: HTMLLIElement, message: ChatMessage | DirectMessage): HTMLLIElement {
  if (message.type === 'chat' && message.user.id !== me.id && mentions(message.data, me.name)) item.classList.add('mention');
  return item;
}

/** Adds a live message to its view: replaces its pending copy, never shows it twice. */
function addMessage(view: View, message: ChatMessage | DirectMessage): void {
  if (hasMessage(view, message.id)) return;
  remember(message.user);
  const stick = view === current && nearBottom();
  const item = decorate(messageItem(message, me), message);
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
  }
  stopTyping(view, message.user.id);
  if (message.user.id !== me.id) {
    const mentioned = item.classList.contains('mention') || message.type === 'dm';
    if (!view.replaying && (view !== current || document.hidden || !stick)) {
      view.unread += 1;
      if (mentioned) view.mentioned += 1;
      updateBadges(view);
    }
    if (document.hidden && mentioned) {
      notify(
        message.type === 'dm' ? t('notify.newMessage', { name: message.user.name }) : t('notify.mention', { name: message.user.name, room: view.title }),
        message.data,
        view.key,
        () => show(view),
      );
    }
  }
  if (view === current) {
    refreshEmpty();
    if (stick || message.user.id === me.id) scrollToBottom();
    markRead(view);
  }
}

function addNotice(view: View, text: string): void {
  const stick = view === current && nearBottom();
  view.list.append(noticeItem(text));
  if (stick) scrollToBottom();
}

/** The sidebar badges of a view and the tab title, from the view's counts. */
function updateBadges(view: View): void {
  const button = sidebarButton(view);
  const badge = button?.querySelector<HTMLElement>('.unread');
  if (badge) {
    badge.textContent = unreadLabel(view.unread);
    badge.hidden = view.unread === 0;
    badge.classList.toggle('has-mention', view.mentioned > 0);
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

/** At most one `read` a second per conversation: each one is a write on the server. */
const READ_EVERY_MS = 1000;
const readTimers = new Map<View, ReturnType<typeof setTimeout>>();

/** Sends the view's read position if the server has not had it yet. */
function sendRead(view: View): void {
  if (view.lastReadId <= view.sentReadId) return;
  view.sentReadId = view.lastReadId;
  const id = view.lastReadId;
  send(view.kind === 'room' ? { type: 'read', room: view.target, id } : { type: 'read', with: view.target, id });
}

/** Notes that everything shown in the current view has been seen, and tells the server (and so the other tabs). */
function markRead(view: View): void {
  if (view !== current || document.hidden || !nearBottom()) return;
  view.unread = 0;
  view.mentioned = 0;
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
function flushRead(view: View): void {
  clearTimeout(readTimers.get(view));
  readTimers.delete(view);
  sendRead(view);
}

/** A "New messages" line above the first message the person had not read when they opened the view. */
function placeDivider(view: View): void {
  view.list.querySelector('.divider')?.remove();
  const after = view.dividerAfter;
  if (after === undefined) return;
  const first = [...view.list.querySelectorAll<HTMLElement>('li[data-id]')].find(
    (item) => Number(item.dataset.id) > after && item.dataset.userId !== me.id,
  );
  if (!first) return;
  const divider = element('li', { className: 'divider', text: t('messages.newDivider'), attrs: { role: 'separator' } });
  first.before(divider);
}

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

function show(view: View): void {
  if (current && current !== view) {
    current.scrollTop = scroller.scrollTop;
    current.draft = input.value;
    flushRead(current);
  }
  for (const other of views.values()) other.list.hidden = other !== view;
  setCurrent(view);
  byId('title').textContent = view.kind === 'room' ? `# ${view.title}` : `@ ${view.title}`;
  input.placeholder =
    view.kind === 'room' ? t('composer.placeholderRoom', { room: view.title }) : t('composer.placeholderDm', { name: view.title });
  input.value = view.draft;
  autosize();
  byId('leave').hidden = view.kind !== 'room' || view.target === LOBBY || !myRooms.has(view.target);
  markCurrentButton(view);
  body.classList.remove('sidebar-open');
  renderUsers();
  renderTyping();
  view.dividerAfter = view.unread > 0 ? view.lastReadId : undefined;
  placeDivider(view);
  refreshEmpty();
  const divider = view.list.querySelector<HTMLElement>('.divider');
  if (divider) divider.scrollIntoView({ block: 'center' });
  else if (view.scrollTop === undefined) scrollToBottom();
  else scroller.scrollTop = view.scrollTop;
  updateBadges(view);
  markRead(view);
}

// --- the socket ----------------------------------------------------------------------------------

/** On every (re)connection: asks again for what is missing and joins every room of mine. */
function resume(resumed: boolean, lastSeenId: number): void {
  // Requests sent while offline were lost: ask again for what is still missing. Counts start
  // over: the server sends `unread` right after the greeting when anything is unread.
  for (const view of views.values()) {
    view.loadingOlder = false;
    view.unread = 0;
    view.mentioned = 0;
    updateBadges(view);
    if (view.kind === 'dm' && !view.loaded) send({ type: 'history', with: view.target });
  }
  // Every room of this user is joined on each connection, so counts stay live; a room already
  // on screen resumes after the last message seen, a new one gets its latest page.
  for (const room of myRooms) {
    if (room === LOBBY) continue;
    const view = viewFor({ room }) ?? makeView('room', room, room);
    if (resumed && view.loaded) {
      view.replaying = true;
      send({ type: 'join', room, since: lastSeenId });
    } else {
      send({ type: 'join', room });
    }
  }
}

const handlers: { [K in keyof ServerMessages]: (message: ServerMessages[K]) => void } = {
  history(message) {
    const view = 'room' in message ? (viewFor({ room: message.room }) ?? makeView('room', message.room, message.room)) : viewFor(message);
    if (!view) return;
    const data = message.data as (ChatMessage | DirectMessage)[];
    for (const m of data) remember(m.user);
    if (message.before !== undefined) {
      const items = data.filter((m) => !hasMessage(view, m.id)).map((m) => decorate(messageItem(m, me), m));
      // An older page: prepend it and keep what the reader was looking at in place.
      view.loadingOlder = false;
      if (data.length < historyLimit) view.complete = true;
      const height = scroller.scrollHeight;
      const top = scroller.scrollTop;
      view.list.prepend(...items);
      if (view === current) scroller.scrollTop = top + scroller.scrollHeight - height;
    } else {
      // The latest page: it replaces the view, keeping live messages newer than it and the unsent.
      view.loaded = true;
      view.complete = data.length < historyLimit;
      const newest = data[data.length - 1]?.id ?? 0;
      const newer = [...view.list.querySelectorAll<HTMLLIElement>('li[data-id]')].filter((li) => Number(li.dataset.id) > newest);
      const page = data.map((m) => decorate(messageItem(m, me), m));
      view.list.replaceChildren(...page, ...newer, ...[...view.pending.values()].map((p) => p.item));
      if (view === current) {
        placeDivider(view);
        scrollToBottom();
        markRead(view);
      }
    }
    if (view === current) refreshEmpty();
  },
  list(message) {
    const view = viewFor({ room: message.room });
    if (!view) return;
    view.replaying = false;
    view.users = new Map(message.data.map((user) => [user.id, user]));
    view.count = message.count;
    if (message.count === undefined) view.found = [];
    for (const user of message.data) remember(user);
    setRoomCount(message.room, peopleCount(view));
    if (view === current) renderUsers();
    flushPending(view);
    if (message.room === LOBBY) for (const dm of views.values()) if (dm.kind === 'dm') flushPending(dm);
  },
  join(message) {
    const view = viewFor({ room: message.room });
    if (!view) return;
    if (message.user.id !== me.id) addNotice(view, t('notice.joined', { name: message.user.name }));
    view.users.set(message.user.id, message.user);
    remember(message.user);
    setRoomCount(message.room, view.users.size);
    if (view === current) renderUsers();
  },
  left(message) {
    const view = viewFor({ room: message.room });
    if (!view) return;
    if (message.user.id === me.id) {
      // This tab left the room.
      view.list.remove();
      views.delete(view.key);
      myRooms.delete(message.room);
      sidebarButton(view)?.classList.remove('joined');
      if (current === view) show(viewFor({ room: LOBBY }) as View);
      return;
    }
    addNotice(view, t('notice.left', { name: message.user.name }));
    view.users.delete(message.user.id);
    stopTyping(view, message.user.id);
    setRoomCount(message.room, view.users.size);
    if (view === current) renderUsers();
  },
  presence(message) {
    // The batched form of join/left (the page connects with ?presence=batch): one render per batch.
    const view = viewFor({ room: message.room });
    if (!view) return;
    if (message.count !== undefined) {
      // A big room: just the number, and no "joined" line per person.
      view.count = message.count;
      setRoomCount(message.room, message.count);
      if (view === current) byId('online-count').textContent = String(message.count);
      return;
    }
    for (const user of message.joined) {
      if (user.id !== me.id) addNotice(view, t('notice.joined', { name: user.name }));
      view.users.set(user.id, user);
      remember(user);
    }
    for (const user of message.left) {
      if (user.id === me.id) continue;
      addNotice(view, t('notice.left', { name: user.name }));
      view.users.delete(user.id);
      stopTyping(view, user.id);
    }
    setRoomCount(message.room, view.users.size);
    if (view === current) renderUsers();
  },
  people(message) {
    receivePeople(message, viewFor({ room: message.room }));
  },
  chat(message) {
    const view = viewFor({ room: message.room });
    if (view) addMessage(view, message);
  },
  dm(message) {
    const other = message.user.id === me.id ? message.to : message.user;
    ensureDmLink(other);
    const view = viewFor({ with: other.id }) ?? makeView('dm', other.id, other.name);
    addMessage(view, message);
  },
  rooms(message) {
    void refreshRooms(message.data);
  },
  room() {},
  pong() {},
  typing(message) {
    let view = viewFor(message);
    if (!view && 'with' in message) {
      ensureDmLink(message.user);
      view = makeView('dm', message.user.id, message.user.name);
    }
    if (!view || message.user.id === me.id) return;
    showTyping(view, message.user);
  },
  read(message) {
    const view = viewFor(message);
    if (!view) return;
    view.lastReadId = Math.max(view.lastReadId, message.id);
    if (message.id >= lastId(view)) {
      view.unread = 0;
      view.mentioned = 0;
      updateBadges(view);
    }
  },
  unread(message) {
    // The server's counts are the truth at connect time: start from them.
    for (const view of views.values()) {
      view.unread = 0;
      view.mentioned = 0;
    }
    for (const entry of message.data) {
      let view = viewFor(entry);
      if (!view && 'with' in entry) {
        const user = knownUsers.get(entry.with);
        if (user) {
          ensureDmLink(user);
          view = makeView('dm', user.id, user.name);
        }
      }
      if (!view && 'room' in entry && myRooms.has(entry.room)) view = makeView('room', entry.room, entry.room);
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
  },
  error(message) {
    const pending = message.ref !== undefined ? findPending(message.ref) : undefined;
    if (pending) {
      pending.item.classList.add('failed');
      (pending.item.querySelector('time') as HTMLElement).textContent = t(wsErrorKey(message.data.code));
      return;
    }
    flash(t(wsErrorKey(message.data.code)));
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

// --- sending -------------------------------------------------------------------------------------

function sendPending(view: View, ref: string, data: string): boolean {
  return view.kind === 'room'
    ? send({ type: 'chat', room: view.target, data, ref })
    : send({ type: 'dm', to: view.target, data, ref });
}

/** Sends what is still unconfirmed after a reconnect: the resumed messages have matched the rest. */
function flushPending(view: View): void {
  for (const [ref, pending] of view.pending) {
    if (!pending.item.classList.contains('failed')) sendPending(view, ref, pending.data);
  }
}

/** Shows a message as "sending…" in a view and sends it; offline, it goes out on reconnect. */
function post(view: View, data: string): void {
  const ref = newRef(Date.now().toString(36));
  const item = pendingItem(data, me, ref);
  view.pending.set(ref, { item, data });
  view.list.append(item);
  if (view === current) {
    refreshEmpty();
    scrollToBottom();
  }
  sendPending(view, ref, data);
}

/** Sends a message typed in a view, as a DM when it starts with the name of someone in `people`. */
function deliver(view: View, data: string, people: User[]): void {
  const command = parseDmCommand(data, [...people, ...knownUsers.values()]);
  if (command.kind !== 'dm') post(view, data);
  else if (command.candidates.length === 1) sendDirect(command.candidates[0] as User, command.text);
  else chooseRecipient(command.candidates, command.text);
}

function submit(): void {
  const data = input.value.trim();
  if (!data) return;
  input.value = '';
  autosize();
  typingSent();
  const view = current;
  if (current.kind === 'room') {
    const command = parseDmCommand(data, knownUsers.values());
    if (command.kind === 'dm') {
      if (command.candidates.length === 1) sendDirect(command.candidates[0] as User, command.text);
      else chooseRecipient(command.candidates, command.text);
      return;
    }
    // A big room: the person may be here without the page knowing them.
    if (current.count !== undefined && /^@\S/u.test(data)) return askWhoIs(current, data, (found) => deliver(view, data, found), () => {
      // No answer (offline): nothing is posted where everyone could read it; the text goes back.
      if (!input.value) input.value = data;
      flash(t('people.notFound'));
    });
  }
  post(current, data);
}

/** `@name message` typed in a room: the message goes to that person privately. */
function sendDirect(user: User, text: string): void {
  ensureDmLink(user);
  const view = viewFor({ with: user.id }) ?? makeView('dm', user.id, user.name);
  post(view, text);
  flash(t('dm.sentPrivately', { name: user.name }));
}

/** Several people share the name: ask which one is meant. */
function chooseRecipient(candidates: User[], text: string): void {
  const chooser = byId('chooser');
  const list = chooser.querySelector('ul') as HTMLUListElement;
  (chooser.querySelector('.chooser-title') as HTMLElement).textContent = t('users.ambiguous', {
    name: candidates[0]?.name ?? '',
  });
  list.replaceChildren(
    ...candidates.map((user) => {
      const button = personButton(user, 'user-link');
      button.addEventListener('click', () => {
        chooser.hidden = true;
        sendDirect(user, text);
        input.focus();
      });
      return listItem(button);
    }),
  );
  chooser.hidden = false;
  list.querySelector('button')?.focus();
  chooser.dataset.text = text;
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
  let view = viewFor({ room });
  if (!view || !myRooms.has(room)) {
    view ??= makeView('room', room, room);
    myRooms.add(room);
    sidebarButton(view)?.classList.add('joined');
    send({ type: 'join', room });
  }
  show(view);
}

function openDm(user: User): void {
  ensureDmLink(user);
  const view = viewFor({ with: user.id }) ?? makeView('dm', user.id, user.name);
  if (!view.loaded) send({ type: 'history', with: user.id });
  show(view);
}

function loadOlder(): void {
  if (current.complete || current.loadingOlder) return;
  const first = current.list.querySelector<HTMLElement>('li[data-id]');
  const before = Number(first?.dataset.id);
  if (!before) return;
  current.loadingOlder = true;
  send(current.kind === 'room' ? { type: 'history', room: current.target, before } : { type: 'history', with: current.target, before });
}

// --- permalinks and search -------------------------------------------------------------------------

type Place = { room: string } | { with: string };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits (briefly) until the view has its latest page and no older page is on its way. */
async function settled(view: View): Promise<void> {
  for (let waited = 0; waited < 5000 && (!view.loaded || view.loadingOlder); waited += 50) await sleep(50);
}

/** Opens a conversation at one message: older pages are loaded until it is on screen. */
async function openMessage(place: Place, id: number): Promise<void> {
  if ('room' in place) {
    openRoom(place.room);
  } else {
    openDm(knownUsers.get(place.with) ?? { id: place.with, name: place.with.slice(0, 8), image: 0 });
  }
  const view = current;
  for (let page = 0; page < 200; page++) {
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
  setTimeout(() => item.classList.remove('highlight'), 4000);
}

/** `#room=<name>&message=<id>` (or `with=`) in the address opens that message. */
function openFromAddress(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = Number(params.get('message'));
  const room = params.get('room');
  const other = params.get('with');
  if (!Number.isSafeInteger(id) || id <= 0) return;
  if (room) void openMessage({ room }, id);
  else if (other) void openMessage({ with: other }, id);
}

interface SearchResult {
  id: number;
  room?: string;
  with?: string;
  user: User;
  data: string;
  ts: number;
}

async function search(query: string): Promise<void> {
  const panel = byId('results');
  const list = byId('results-list');
  const title = byId('results-title');
  let results: SearchResult[] = [];
  try {
    const response = await fetch(`/search?q=${encodeURIComponent(query)}`, { headers: { accept: 'application/json' } });
    if (!response.ok) {
      const reply = (await response.json().catch(() => undefined)) as { error?: string } | undefined;
      flash(reply?.error ?? t('error.server'));
      return;
    }
    results = (await response.json()) as SearchResult[];
  } catch {
    flash(t('error.server'));
    return;
  }
  title.textContent = results.length === 0 ? t('search.none') : t('search.resultsFor', { q: query });
  list.replaceChildren(
    ...results.map((result) => {
      const place: Place = result.room !== undefined ? { room: result.room } : { with: result.with ?? '' };
      const other = 'with' in place ? knownUsers.get(place.with)?.name : undefined;
      const button = element('button', { className: 'result', attrs: { type: 'button' } });
      const time = element('time');
      setTime(time, result.ts);
      const text = element('p', { className: 'text' });
      renderText(text, result.data);
      button.append(
        element('span', { className: 'where', text: 'room' in place ? `# ${place.room}` : `@ ${other ?? result.user.name}` }),
        element('span', { className: 'author', text: result.user.name }),
        ' ',
        time,
        text,
      );
      button.addEventListener('click', () => {
        panel.hidden = true;
        void openMessage(place, result.id);
      });
      return listItem(button);
    }),
  );
  panel.hidden = false;
  (list.querySelector('button') ?? byId('results-close')).focus();
}

// --- wiring --------------------------------------------------------------------------------------

function start(): void {
  localizeTimes(document);
  linkifyRendered(document);
  const lobby = makeView('room', LOBBY, LOBBY, byId<HTMLOListElement>('messages'));
  lobby.complete = lobby.list.querySelectorAll('li[data-id]').length < historyLimit;
  for (const item of lobby.list.querySelectorAll<HTMLElement>('li[data-id]')) {
    if (item.dataset.userId !== me.id && mentions(item.querySelector('.text')?.textContent ?? '', me.name)) {
      item.classList.add('mention');
    }
  }
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

  const notifyButton = byId<HTMLButtonElement>('notify');
  const showNotifyState = () => {
    const on = notificationsWanted();
    notifyButton.textContent = on ? t('notify.on') : t('notify.enable');
    notifyButton.setAttribute('aria-pressed', String(on));
  };
  notifyButton.hidden = !('Notification' in window);
  showNotifyState();
  notifyButton.addEventListener('click', () => void requestNotifications().then(showNotifyState));

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

  connect({ opened: resume, message: receive });
  openFromAddress();
}

start();

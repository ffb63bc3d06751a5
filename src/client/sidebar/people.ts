// The people column: who is in the room on screen, the people search of a big room (where the
// server sends a number instead of everyone), and the who-is lookups `@name message` needs there.
import { LOBBY, MAX_PEOPLE_QUERY_LENGTH, type ServerMessages, type User } from '../../shared/protocol/index.js';
import { newRef, send } from '../connection.js';
import { byId, element, listItem, personButton } from '../dom.js';
import { t } from '../i18n.js';
import { arrived, departed, relisted } from '../presenceNotices.js';
import { current, me, peopleCount, remember, type View } from '../state.js';
import { stopTyping } from '../typing.js';
import { removeButton } from '../invite.js';
import { renderDmPeople, receiveOnline } from './dmPresence.js';
import { setRoomCount } from './rooms.js';

/** Typing in the search box asks the server once the person pauses this long. */
const SEARCH_PAUSE_MS = 250;
const WHO_IS_WAIT_MS = 5000;

let searchTimer: ReturnType<typeof setTimeout> | undefined;
/** Only the answer to the latest search is shown: older ones arrive stale. */
let searchRef = '';
/** An `@name message` in a big room waits for the server to say who `name` is. */
let whoIs: { ref: string; answer: (found: User[]) => void; timer: ReturnType<typeof setTimeout> } | undefined;

export function renderUsers(): void {
  const big = current.kind === 'room' && current.count !== undefined;
  byId('people-search').hidden = !big;
  const hint = byId('people-hint');
  if (!big) hint.hidden = true;
  else if (!byId<HTMLInputElement>('people-input').value.trim()) {
    hint.textContent = t('people.bigRoom');
    hint.hidden = false;
  }
  if (current.kind === 'dm') return renderDmPeople(current);
  byId('people-title').textContent = t('sidebar.online');
  byId('online-count').hidden = false;
  const users = big ? current.found : [...current.users.values()];
  byId('users').replaceChildren(
    ...users.map((user) => {
      const button = personButton(user, 'user-link', { 'data-user-id': user.id });
      if (user.id === me.id) button.append(element('span', { className: 'you', text: ` ${t('users.you')}` }));
      else button.title = t('users.messageTitle', { name: user.name });
      const item = listItem(button);
      const remove = removeButton(user);
      if (remove) item.append(remove);
      return item;
    }),
  );
  byId('online-count').textContent = String(peopleCount(current));
}

/** Whether the people column shows what changed in `view`: its own people, or the lobby's for a DM's "Online". */
function shownFor(view: View): boolean {
  return view === current || (current.kind === 'dm' && view.kind === 'room' && view.target === LOBBY);
}

/** The room's people as the server listed them (a big room: only how many, and nobody found yet). */
export function setPeople(view: View, message: ServerMessages['list']): void {
  const before = view.users;
  view.users = new Map(message.data.map((user) => [user.id, user]));
  // A big room is listed by number: nobody in it has gone anywhere.
  if (message.count === undefined) relisted(view, before);
  view.count = message.count;
  if (message.count === undefined) view.found = [];
  for (const user of message.data) remember(user);
  setRoomCount(view.target, peopleCount(view));
  if (shownFor(view)) renderUsers();
}

/** People came and went: the list and count redrawn at once, a line for each when it is news (presenceNotices.ts). */
export function peopleChanged(view: View, joined: User[], left: User[]): void {
  for (const user of joined) {
    arrived(view, user);
    view.users.set(user.id, user);
    remember(user);
  }
  for (const user of left) {
    if (user.id === me.id) continue;
    view.users.delete(user.id);
    departed(view, user);
    stopTyping(view, user.id);
  }
  setRoomCount(view.target, view.users.size);
  if (shownFor(view)) renderUsers();
}

/** A big room's new head count: just the number, and no line per person. */
export function setHeadcount(view: View, count: number): void {
  view.count = count;
  setRoomCount(view.target, count);
  if (view === current) byId('online-count').textContent = String(count);
}

/** The person of a people-list button that was clicked, among those the list shows. */
export function personShown(target: EventTarget | null): User | undefined {
  const id = (target as Element).closest<HTMLButtonElement>('.user-link')?.dataset.userId;
  return id ? (current.users.get(id) ?? current.found.find((found) => found.id === id)) : undefined;
}

/** Asks who in the current big room goes by the name typed in the people search. */
export function searchPeople(): void {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    if (current.kind !== 'room' || current.count === undefined) return;
    const q = byId<HTMLInputElement>('people-input').value.trim();
    searchRef = newRef('people');
    if (!q) {
      current.found = [];
      byId('people-hint').hidden = true;
      renderUsers();
      return;
    }
    send({ type: 'people', room: current.target, q, ref: searchRef });
  }, SEARCH_PAUSE_MS);
}

/**
 * Asks who in a big room goes by the name an `@name message` starts with: `answer` gets who the
 * server found, or `noAnswer` runs when nothing comes (offline). A newer lookup replaces this one.
 */
export function askWhoIs(view: View, text: string, answer: (found: User[]) => void, noAnswer: () => void): void {
  if (whoIs) clearTimeout(whoIs.timer);
  const ref = newRef('whois');
  const q = [...text.slice(1)].slice(0, MAX_PEOPLE_QUERY_LENGTH).join('');
  const timer = setTimeout(() => {
    whoIs = undefined;
    noAnswer();
  }, WHO_IS_WAIT_MS);
  whoIs = { ref, answer, timer };
  send({ type: 'people', room: view.target, q, ref });
}

/** A `people` answer: to a who-is lookup, or to the search box of the room (`view`) it is about. */
export function receivePeople(message: ServerMessages['people'], view: View | undefined): void {
  for (const user of message.data) remember(user);
  if (receiveOnline(message)) return;
  if (whoIs && message.ref === whoIs.ref) {
    const { answer, timer } = whoIs;
    clearTimeout(timer);
    whoIs = undefined;
    answer(message.data);
    return;
  }
  if (!view || message.ref !== searchRef) return;
  view.found = message.data;
  if (view !== current) return;
  renderUsers();
  const hint = byId('people-hint');
  hint.hidden = message.data.length > 0;
  if (!hint.hidden) hint.textContent = t('people.none');
}

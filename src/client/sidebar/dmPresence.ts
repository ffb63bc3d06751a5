// The people column of a DM: the other person, and whether they are online. Every connection is in
// the lobby, so the lobby's people say who is online; a big lobby (by number only) is asked by name.
import { LOBBY, MAX_PEOPLE_QUERY_LENGTH, type ServerMessages, type User } from '../../shared/protocol/index.js';
import { newRef, send } from '../connection.js';
import { byId, element, listItem, personButton } from '../dom.js';
import { t } from '../i18n.js';
import { current, knownUsers, viewFor, type View } from '../state.js';

/** A big lobby's answers: who was found online when asked, by user id. */
const foundOnline = new Map<string, boolean>();
/** The ref of the latest question to a big lobby, and whom it was about. */
let asked: { ref: string; userId: string } | undefined;

/** Whether the person is online, as far as this page knows (undefined: not known yet). */
function isOnline(userId: string): boolean | undefined {
  const lobby = viewFor({ room: LOBBY });
  if (!lobby) return undefined;
  if (lobby.count === undefined) return lobby.users.has(userId);
  return foundOnline.get(userId);
}

/** Asks a big lobby whether the person is in it: a `people` search by their name. */
function askLobby(user: User): void {
  asked = { ref: newRef('online'), userId: user.id };
  send({ type: 'people', room: LOBBY, q: [...user.name].slice(0, MAX_PEOPLE_QUERY_LENGTH).join(''), ref: asked.ref });
}

/** Draws a DM's people column: the other person with "Online" or "Offline", under the heading "With". */
export function renderDmPeople(view: View): void {
  const user = knownUsers.get(view.target) ?? { id: view.target, name: view.title, image: 0 };
  const lobby = viewFor({ room: LOBBY });
  if (lobby?.count !== undefined) askLobby(user);
  const button = personButton(user, 'user-link', { 'data-user-id': user.id });
  const status = element('span', { className: 'presence' });
  showStatus(status, isOnline(user.id));
  button.append(status);
  byId('users').replaceChildren(listItem(button));
  byId('people-title').textContent = t('sidebar.dmWith');
  byId('online-count').hidden = true;
}

/** An answer to `askLobby` (true when it was one): noted, and drawn if that DM is on screen. */
export function receiveOnline(message: ServerMessages['people']): boolean {
  if (!asked || message.ref !== asked.ref) return false;
  const { userId } = asked;
  asked = undefined;
  foundOnline.set(userId, message.data.some((user) => user.id === userId));
  const status = byId('users').querySelector<HTMLElement>('.presence');
  if (status && current.kind === 'dm' && current.target === userId) showStatus(status, foundOnline.get(userId));
  return true;
}

/** "Online" or "Offline"; nothing while a big lobby has not answered yet. */
function showStatus(status: HTMLElement, online: boolean | undefined): void {
  status.classList.toggle('online', online === true);
  status.textContent = online === undefined ? '' : t(online ? 'people.online' : 'people.offline');
}

// The rooms in the sidebar: the ones made since the page loaded, their people counts, whether I
// am in them, and the form that creates a room.
import { byId, element, listItem } from '../dom.js';
import { t } from '../i18n.js';
import { current, myRooms, peopleCount, viewFor, type View } from '../state.js';
import { updateBadges } from '../unread.js';
import { roomButton } from './button.js';

export function setRoomCount(room: string, count: number): void {
  const badge = roomButton(room)?.querySelector('.count');
  if (badge) badge.textContent = String(count);
}

export function markJoined(room: string, joined: boolean): void {
  roomButton(room)?.classList.toggle('joined', joined);
}

/** The room of a room link that was clicked. */
export function roomLinkName(target: EventTarget | null): string | undefined {
  return (target as Element).closest<HTMLButtonElement>('.room-link')?.dataset.room;
}

/** Sends the new-room form: the room's name once made, or the reason shown beside the field. */
export async function createRoom(form: HTMLFormElement): Promise<string | undefined> {
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
    field.removeAttribute('aria-invalid');
    return room.name;
  }
  const reply = (await response?.json().catch(() => undefined)) as { error?: string } | undefined;
  error.textContent = reply?.error ?? t('rooms.createOffline');
  error.hidden = false;
  field.setAttribute('aria-invalid', 'true');
  field.focus();
  return undefined;
}

/** A sidebar row for a room, as the server renders it; a room this tab has a view of shows its count. */
function roomLink(name: string, view: View | undefined): HTMLButtonElement {
  const button = element('button', { className: 'room-link', attrs: { type: 'button', 'data-room': name } });
  button.classList.toggle('joined', myRooms.has(name));
  const unread = element('span', { className: 'unread', text: '0' });
  unread.hidden = true;
  button.append(
    element('span', { className: 'room-name', text: `# ${name}` }),
    ' ',
    unread,
    element('span', { className: 'count', text: String(view ? peopleCount(view) : 0), attrs: { title: t('rooms.peopleHere') } }),
  );
  if (view === current) button.setAttribute('aria-current', 'true');
  return button;
}

/**
 * Rooms someone has made: each one the sidebar lacks goes at the end. The rooms shown stay as they
 * are, with their counts and badges; nothing is fetched (a new room has nobody in it yet).
 */
export function addRooms(names: string[]): void {
  for (const name of names) {
    if (roomButton(name)) continue;
    const view = viewFor({ room: name });
    byId('rooms').append(listItem(roomLink(name, view)));
    if (view) updateBadges(view);
  }
}

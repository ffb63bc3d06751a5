// The rooms in the sidebar: their people counts, and the form that creates a room.
import type { User } from '../../shared/protocol/index.js';
import { byId, element, listItem } from '../dom.js';
import { t } from '../i18n.js';
import { current, myRooms, peopleCount, viewFor, views } from '../state.js';
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
    list.append(listItem(button));
  }
  for (const view of views.values()) updateBadges(view);
}

export async function refreshRooms(names: string[]): Promise<void> {
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

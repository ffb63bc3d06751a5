// The rooms in the sidebar: my rooms (the server renders them; others are found in the directory,
// see directory.ts), their people counts, and the form that creates a room.
import type { RoomCount } from '../../shared/protocol/index.js';
import { byId, element, listItem } from '../dom.js';
import { t } from '../i18n.js';
import { current, me, myRooms, peopleCount, viewFor, type View } from '../state.js';
import { updateBadges } from '../unread.js';
import { roomButton } from './button.js';
import { directoryCount } from './directory.js';

export function setRoomCount(room: string, count: number): void {
  const badge = roomButton(room)?.querySelector('.count');
  if (badge) badge.textContent = String(count);
}

/**
 * Head-counts of rooms, site-wide (a `counts` frame): the directory's rows, and the sidebar's rows
 * of rooms this tab is not in (a room it is in is counted by its own presence, as it happens).
 */
export function applyCounts(counts: readonly RoomCount[]): void {
  for (const { room, count } of counts) {
    directoryCount(room, count);
    if (!viewFor({ room })) setRoomCount(room, count);
  }
}

/** The room of a room link that was clicked. */
export function roomLinkName(target: EventTarget | null): string | undefined {
  return (target as Element).closest<HTMLButtonElement>('.room-link')?.dataset.room;
}

/** Whether I made the room (and so may archive or delete it), as far as the sidebar knows. */
export function madeByMe(room: string): boolean {
  return roomButton(room)?.dataset.createdBy === me.id;
}

/** Sends the new-room form: the room's name once made, or the reason shown beside the field. */
export async function createRoom(form: HTMLFormElement): Promise<string | undefined> {
  const field = byId<HTMLInputElement>('new-room-name');
  const privately = byId<HTMLInputElement>('new-room-private');
  const error = byId('new-room-error');
  const existing = byId<HTMLButtonElement>('new-room-existing');
  existing.hidden = true;
  const name = field.value.trim();
  const response = await fetch('/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name, private: privately.checked }),
  }).catch(() => undefined);
  if (response?.status === 201) {
    const room = (await response.json()) as { name: string };
    // Marked private before the page opens it, so its view offers Invite.
    if (privately.checked) ensureRoomLink(room.name, me.id, true);
    field.value = '';
    privately.checked = false;
    error.hidden = true;
    field.removeAttribute('aria-invalid');
    return room.name;
  }
  // The server's own words, in the page's language: a taken or bad name, or too many rooms made.
  const reply = (await response?.json().catch(() => undefined)) as { error?: string; room?: string } | undefined;
  error.textContent = reply?.error ?? t('rooms.createOffline');
  error.hidden = false;
  // The name is taken by a room I may join (or am in): offered as it is spelled.
  if (typeof reply?.room === 'string') {
    existing.dataset.room = reply.room;
    existing.textContent = t(myRooms.has(reply.room) ? 'rooms.openExisting' : 'rooms.joinExisting', { name: reply.room });
    existing.hidden = false;
  }
  field.setAttribute('aria-invalid', 'true');
  field.focus();
  return undefined;
}

/** The taken name's room was picked: the form is cleared, and its name given to open. */
export function existingPicked(): string | undefined {
  const existing = byId<HTMLButtonElement>('new-room-existing');
  const room = existing.dataset.room;
  existing.hidden = true;
  byId('new-room-error').hidden = true;
  const field = byId<HTMLInputElement>('new-room-name');
  field.value = '';
  field.removeAttribute('aria-invalid');
  return room;
}

/** A sidebar row for a room, as the server renders it; a room this tab has a view of shows its count. */
function roomLink(name: string, createdBy: string, view: View | undefined, isPrivate: boolean): HTMLButtonElement {
  const attrs: Record<string, string> = { type: 'button', 'data-room': name, 'data-created-by': createdBy };
  if (isPrivate) attrs['data-private'] = 'true';
  const button = element('button', { className: 'room-link', attrs });
  button.classList.toggle('joined', myRooms.has(name));
  const unread = element('span', { className: 'unread', text: '0' });
  unread.hidden = true;
  button.append(
    element('span', { className: 'room-name', text: `# ${name}` }),
    ...(isPrivate ? [' ', element('span', { className: 'private-mark', text: t('rooms.privateMark') })] : []),
    ' ',
    unread,
    element('span', { className: 'count', text: String(view ? peopleCount(view) : 0), attrs: { title: t('rooms.peopleHere') } }),
  );
  if (view === current) button.setAttribute('aria-current', 'true');
  return button;
}

/** A room of mine the sidebar lacks (just made, joined from the directory, invited to) goes at the end. */
export function ensureRoomLink(name: string, createdBy = '', isPrivate = false): void {
  if (roomButton(name)) return;
  const view = viewFor({ room: name });
  byId('rooms').append(listItem(roomLink(name, createdBy, view, isPrivate)));
  if (view) updateBadges(view);
}

/** A room I am no longer in leaves the sidebar (the directory finds it again). */
export function removeRoomLink(name: string): void {
  roomButton(name)?.closest('li')?.remove();
}

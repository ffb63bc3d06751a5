// The rooms in the sidebar: their people counts, and the form that creates a room.
import { byId } from '../dom.js';
import { t } from '../i18n.js';
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

// Moderation on the chat page: a Delete button on every message for owners and moderators (on my
// own for everyone), the message going for everyone once the server says `deleted`; a locked room
// read-only for everyone but moderators, with Lock and Unlock buttons for them. The server checks
// every one of these again: what is shown here only spares people a refusal. Deleting asks first, in
// place (the button asks; a second press deletes), never with a browser dialog.
import type { ServerMessages } from '../shared/protocol/index.js';
import { newRef, send } from './connection.js';
import { byId } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { addNotice } from './messageList.js';
import { current, viewFor, type View } from './state.js';

/** Owners and moderators (the server rendered it; it decides nothing). */
export const canModerate = document.body.dataset.moderator === 'true';

/** Rooms locked now, as this page has heard. */
const locked = new Set<string>();

/** The message is gone: its line says so, without its text or author, and its controls go. */
export function messageDeleted(message: ServerMessages['deleted']): void {
  const view = 'room' in message ? viewFor({ room: message.room }) : viewFor({ with: message.with });
  const item = view?.list.querySelector<HTMLLIElement>(`li[data-id="${message.id}"]`);
  if (!item) return;
  item.classList.add('deleted');
  item.classList.remove('mention');
  delete item.dataset.userId;
  const text = item.querySelector('.text');
  if (text) text.textContent = t('message.deleted');
  item.querySelector('.author')?.replaceChildren();
  item.querySelector('.delete-message')?.remove();
}

/** A room was locked or unlocked: said in the room when it changes, and the composer follows. */
export function roomLocked(message: ServerMessages['locked']): void {
  const was = locked.has(message.room);
  if (message.locked) locked.add(message.room);
  else locked.delete(message.room);
  const view = viewFor({ room: message.room });
  // A join into a locked room says so too, but nothing changed then.
  if (view && was !== message.locked && (message.locked || was)) {
    addNotice(view, t(message.locked ? 'rooms.wasLocked' : 'rooms.wasUnlocked', { room: message.room }));
  }
  if (view === current) showLockState(current);
}

/** The lock as the view on screen has it: the note, the composer, and for moderators the buttons. */
export function showLockState(view: View): void {
  const room = view.kind === 'room' ? view.target : undefined;
  const isLocked = room !== undefined && locked.has(room);
  const note = byId('locked-note');
  note.hidden = !isLocked;
  if (isLocked) note.textContent = t('rooms.lockedNote', { room });
  const readOnly = isLocked && !canModerate;
  byId<HTMLTextAreaElement>('input').disabled = readOnly;
  byId<HTMLButtonElement>('send').disabled = readOnly;
  byId('lock-room').hidden = !canModerate || room === undefined || isLocked;
  byId('unlock-room').hidden = !canModerate || !isLocked;
}

async function setLock(lock: boolean): Promise<void> {
  if (current.kind !== 'room') return;
  const response = await fetch(lock ? '/moderation/lock' : '/moderation/unlock', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ room: current.target }),
  }).catch(() => undefined);
  // Done: the socket's `locked` tells this tab and every other.
  if (response?.ok) return;
  const reply = (await response?.json().catch(() => undefined)) as { error?: string } | undefined;
  flash(reply?.error ?? t('rooms.actionOffline'));
}

/** A Delete pressed once asks in place ("Delete this message for everyone?"); pressed again, it deletes. */
function disarm(except?: Element): void {
  for (const armed of document.querySelectorAll('.delete-message.armed')) {
    if (armed === except) continue;
    armed.classList.remove('armed');
    armed.textContent = DELETE_ICON;
    armed.setAttribute('aria-labelledby', 'delete-message-label');
  }
}

const DELETE_ICON = '🗑';

export function wireModeration(): void {
  byId('scroller').addEventListener('click', (event) => {
    const button = (event.target as Element).closest('.delete-message');
    disarm(button ?? undefined);
    const id = Number(button?.closest<HTMLElement>('li[data-id]')?.dataset.id);
    if (!button || !Number.isSafeInteger(id)) return;
    if (!button.classList.contains('armed')) {
      button.classList.add('armed');
      button.removeAttribute('aria-labelledby');
      button.textContent = t('message.confirmDelete');
      return;
    }
    disarm();
    if (!send({ type: 'delete', id, ref: newRef('delete') })) flash(t('rooms.actionOffline'));
  });
  byId('lock-room').addEventListener('click', () => void setLock(true));
  byId('unlock-room').addEventListener('click', () => void setLock(false));
}

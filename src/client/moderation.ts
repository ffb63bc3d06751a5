// Moderation on the chat page: owners and moderators (`canModerate`) get Delete in every message's
// menu (messageMenu.ts; the `deleted` that follows is changes.ts's); a locked room is read-only for
// everyone but moderators, with Lock and Unlock buttons for them. The server checks every one of
// these again: what is shown here only spares people a refusal.
import type { ServerMessages } from '../shared/protocol/index.js';
import { byId } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { addNotice } from './messageList.js';
import { current, viewFor, type View } from './state.js';

/** Owners and moderators (the server rendered it; it decides nothing). */
export const canModerate = document.body.dataset.moderator === 'true';

/** Rooms locked now, as this page has heard. */
const locked = new Set<string>();

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

export function wireModeration(): void {
  byId('lock-room').addEventListener('click', () => void setLock(true));
  byId('unlock-room').addEventListener('click', () => void setLock(false));
}

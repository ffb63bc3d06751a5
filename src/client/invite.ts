// Private rooms on the page: the Invite form of a private room's view, and what the page does
// when I invite someone, am invited, or someone (I, or I am) is removed.
import type { ServerMessages, User } from '../shared/protocol/index.js';
import { newRef, send } from './connection.js';
import { closeRoom } from './conversation.js';
import { byId, element } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { roomButton } from './sidebar/button.js';
import { ensureRoomLink, madeByMe, removeRoomLink } from './sidebar/rooms.js';
import { current, me, myRooms, viewFor, type View } from './state.js';
import { forgetRead } from './unread.js';

/** Whether the sidebar marks the room private (the server rendered it so, or the page learned it). */
export function isPrivateRoom(room: string): boolean {
  return roomButton(room)?.dataset.private === 'true';
}

/** The Invite form shows in the view of a private room of mine (the server checks again). */
export function showInvite(view: View): void {
  byId('invite').hidden = !(view.kind === 'room' && myRooms.has(view.target) && isPrivateRoom(view.target));
}

/** Sends the Invite form: the name typed, for the room on screen. */
export function sendInvite(form: HTMLFormElement): void {
  const field = form.querySelector('input') as HTMLInputElement;
  const name = field.value.trim();
  if (name === '' || current?.kind !== 'room') return;
  send({ type: 'invite', room: current.target, name, ref: newRef('invite') });
  field.value = '';
}

/** A Remove button beside someone in the people of a private room I made (the server checks again), or nothing. */
export function removeButton(user: User): HTMLButtonElement | undefined {
  if (current?.kind !== 'room' || user.id === me.id || !isPrivateRoom(current.target) || !madeByMe(current.target)) return undefined;
  return element('button', {
    className: 'link remove-member',
    text: t('room.remove'),
    attrs: { type: 'button', 'data-user-id': user.id, title: t('room.removeTitle', { name: user.name }), 'aria-label': t('room.removeTitle', { name: user.name }) },
  });
}

/** A click in the people list on a Remove button sends `remove`; true when it was one. */
export function removeClicked(target: EventTarget | null): boolean {
  const id = (target as Element).closest<HTMLButtonElement>('.remove-member')?.dataset.userId;
  if (id === undefined || current?.kind !== 'room') return false;
  send({ type: 'remove', room: current.target, user: id, ref: newRef('remove') });
  return true;
}

/** Someone became a member: the invitee's sidebar gains the room; both hear who did what. */
export function invited({ room, user, by }: ServerMessages['invited']): void {
  if (user.id === me.id && by.id !== me.id) {
    ensureRoomLink(room, '', true);
    flash(t('room.invitedYou', { by: by.name, room }));
  } else if (by.id === me.id) {
    flash(t('room.invitedThem', { name: user.name, room }));
  }
}

/** A member was removed: when it is me, the room goes from this page (its `left` may follow). */
export function removed({ room, user, by }: ServerMessages['removed']): void {
  if (user.id !== me.id) {
    flash(t('room.removedThem', { name: user.name, room }));
    return;
  }
  const view = viewFor({ room });
  // No read marker for it on the way out: the server would answer that the room is not there.
  if (view) {
    forgetRead(view);
    closeRoom(view);
  }
  removeRoomLink(room);
  myRooms.delete(room);
  flash(t('room.removedYou', { by: by.name, room }));
}

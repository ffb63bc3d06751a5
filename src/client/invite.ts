// Private rooms on the page: the Invite form of a private room's view, and what the page does
// when I invite someone, am invited, or someone (I, or I am) is removed.
import type { ServerMessages } from '../shared/protocol/index.js';
import { newRef, send } from './connection.js';
import { closeRoom } from './conversation.js';
import { byId } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { roomButton } from './sidebar/button.js';
import { ensureRoomLink, removeRoomLink } from './sidebar/rooms.js';
import { current, me, myRooms, viewFor, type View } from './state.js';

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
  if (view) closeRoom(view);
  removeRoomLink(room);
  myRooms.delete(room);
  flash(t('room.removedYou', { by: by.name, room }));
}

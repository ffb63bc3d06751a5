// Rooms that end: the Archive and Delete buttons beside a room I made, with a confirmation in
// place; what every page does when a room is archived or deleted, whoever did it; and a join the
// server refuses because the room is gone or archived (a stale link, or an end while offline).
import { LOBBY, type ErrorCode, type RoomChange } from '../shared/protocol/index.js';
import { newRef, send } from './connection.js';
import { closeRoom } from './conversation.js';
import { byId } from './dom.js';
import { flash } from './flash.js';
import { t } from './i18n.js';
import { roomButton } from './sidebar/button.js';
import { dropFromDirectory } from './sidebar/directory.js';
import { madeByMe, removeRoomLink } from './sidebar/rooms.js';
import { current, myRooms, viewFor, type View } from './state.js';
import { forgetRead } from './unread.js';

type Ending = Exclude<RoomChange, 'created'>;

/** The end being confirmed: which room, and how. */
let confirming: { room: string; change: Ending } | undefined;
/** Joins on their way, by ref: a refusal names no room, only the ref it answers. */
const joins = new Map<string, string>();
/** Rooms the server has said are mine (rendered so, or a join answered): entered again only while they still are. */
const confirmed = new Set(myRooms);

/**
 * Joins a room (resuming after `since`, with the changes after `changes`), remembering the request
 * so that a refusal can close the room again. A room confirmed mine is entered `again`: if I left
 * it in another tab meanwhile (this one offline), the server refuses rather than making it mine anew.
 */
export function joinRoom(room: string, since?: number, changes?: number): void {
  const ref = newRef('join');
  joins.set(ref, room);
  const resume = since === undefined ? {} : changes === undefined ? { since } : { since, changes };
  send({ type: 'join', room, ref, ...resume, ...(confirmed.has(room) && { again: true as const }) });
}

/** The room's list came: its joins were answered, and it is mine. */
export function joined(room: string): void {
  for (const [ref, name] of joins) if (name === room) joins.delete(ref);
  confirmed.add(room);
}

/** The room is no longer mine (left, here or elsewhere, or ended): joining it again is a new membership. */
export function forgetJoined(room: string): void {
  confirmed.delete(room);
}

/** An error answering one of our joins: a room gone or archived closes; true when it was one. */
export function joinRefused(ref: string | undefined, code: ErrorCode): boolean {
  const room = ref === undefined ? undefined : joins.get(ref);
  if (room === undefined) return false;
  joins.delete(ref as string);
  const view = viewFor({ room });
  // Not a member after all (the room is gone or archived, left in another tab meanwhile, or one room too many): the view goes.
  if ((code === 'no_such_room' || code === 'archived' || code === 'too_many_rooms' || code === 'not_in_room') && view) closeRoom(view);
  return true;
}

function hideConfirm(): void {
  confirming = undefined;
  byId('room-confirm').hidden = true;
  byId('room-confirm-error').hidden = true;
}

/** Archive and Delete show for a room I made (the server checks again). */
export function showRoomActions(view: View): void {
  const mine = view.kind === 'room' && view.target !== LOBBY && myRooms.has(view.target) && madeByMe(view.target);
  byId('archive-room').hidden = !mine;
  byId('delete-room').hidden = !mine;
  if (confirming && confirming.room !== (view.kind === 'room' ? view.target : undefined)) hideConfirm();
}

function askToEnd(change: Ending): void {
  if (current.kind !== 'room') return;
  const room = current.target;
  confirming = { room, change };
  byId('room-confirm-text').textContent = t(change === 'deleted' ? 'rooms.confirmDelete' : 'rooms.confirmArchive', { room });
  byId('room-confirm-yes').textContent = t(change === 'deleted' ? 'rooms.confirmDeleteButton' : 'rooms.confirmArchiveButton');
  byId('room-confirm-error').hidden = true;
  byId('room-confirm').hidden = false;
  // The safe choice has the focus: Enter alone must not delete a room.
  byId('room-confirm-no').focus();
}

async function endRoom(): Promise<void> {
  if (!confirming) return;
  const { room, change } = confirming;
  const path = `/rooms/${encodeURIComponent(room)}${change === 'archived' ? '/archive' : ''}`;
  const response = await fetch(path, { method: change === 'archived' ? 'POST' : 'DELETE', headers: { accept: 'application/json' } }).catch(
    () => undefined,
  );
  // Done: the socket's `room` change closes the room here and in every other tab alike.
  if (response?.ok) return;
  const reply = (await response?.json().catch(() => undefined)) as { error?: string } | undefined;
  const error = byId('room-confirm-error');
  error.textContent = reply?.error ?? t('rooms.actionOffline');
  error.hidden = false;
}

export function wireRoomActions(): void {
  byId('archive-room').addEventListener('click', () => askToEnd('archived'));
  byId('delete-room').addEventListener('click', () => askToEnd('deleted'));
  byId('room-confirm-yes').addEventListener('click', () => void endRoom());
  byId('room-confirm-no').addEventListener('click', hideConfirm);
}

/** A room was archived or deleted: it leaves the sidebar, the directory and the screen, with a word if it was mine. */
export function roomEnded(change: Ending, room: string): void {
  dropFromDirectory(room);
  const view = viewFor({ room });
  const mine = view !== undefined || roomButton(room) !== null;
  if (view) {
    forgetRead(view);
    closeRoom(view);
  }
  removeRoomLink(room);
  myRooms.delete(room);
  if (confirming?.room === room) hideConfirm();
  if (mine) flash(t(change === 'deleted' ? 'rooms.wasDeleted' : 'rooms.wasArchived', { room }));
}

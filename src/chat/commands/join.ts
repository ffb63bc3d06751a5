import { existingRoom } from '../guards.js';
import type { Command } from './command.js';

/**
 * `join`: the room's history (or, with `since`, what was missed) and list to this connection,
 * `join` to the room. It also makes the user a member for good, on every device, until they leave.
 */
export const join: Command<'join'> = (chat, connection, { room: name, since }) => {
  const room = existingRoom(chat.store, name);
  chat.store.addMembership(connection.user.id, room.name, Date.now());
  if (since !== undefined) chat.resume(connection, since, [room.name]);
  if (chat.rooms.refresh(connection, room.name, since === undefined)) return;
  chat.rooms.enter(connection, room.name, { history: since === undefined, announceToSelf: true });
};

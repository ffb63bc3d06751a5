import { roomHere } from '../guards.js';
import { leftMessage } from '../rooms.js';
import type { Command } from './command.js';

/**
 * `leave`: the user leaves for good; their other connections stay in a public room until they
 * leave or reconnect, but not in a private one: only members may be there, so every connection of
 * theirs, on every process, is taken out (coming back takes a new invitation).
 */
export const leave: Command<'leave'> = async (chat, connection, { room: name }) => {
  const room = await roomHere(chat.store, connection, name);
  const isPrivate = (await chat.store.findRoom(room.name))?.private === true;
  await chat.store.removeMembership(connection.user.id, room.name);
  // The leaver hears `left` either way, so the page can close the room even while another tab stays.
  if (!chat.rooms.leave(connection, room.name)) chat.send(connection, leftMessage(room.name, connection.user));
  if (isPrivate) chat.publish({ kind: 'evict', room: room.name, userId: connection.user.id });
};

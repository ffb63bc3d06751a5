import { roomHere } from '../guards.js';
import { leftMessage } from '../rooms.js';
import type { Command } from './command.js';

/** `leave`: the user leaves for good; their other connections stay in the room until they leave or reconnect. */
export const leave: Command<'leave'> = async (chat, connection, { room: name }) => {
  const room = await roomHere(chat.store, connection, name);
  await chat.store.removeMembership(connection.user.id, room.name);
  // The leaver hears `left` either way, so the page can close the room even while another tab stays.
  if (!chat.rooms.leave(connection, room.name)) chat.send(connection, leftMessage(room.name, connection.user));
};

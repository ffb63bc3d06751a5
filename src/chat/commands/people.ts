import { roomHere } from '../guards.js';
import type { Command } from './command.js';

/** `people`: who is online in a room under a name; how a page finds people in a big room. */
export const people: Command<'people'> = async (chat, connection, { room: name, q, ref }) => {
  const room = await roomHere(chat.store, connection, name);
  await chat.limits.takeSearch(connection);
  const data = chat.rooms.get(room.name)?.people(q) ?? [];
  chat.send(connection, ref === undefined ? { type: 'people', room: room.name, q, data } : { type: 'people', room: room.name, q, data, ref });
};

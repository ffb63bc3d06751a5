import { existingUser, roomHere } from '../guards.js';
import type { Command } from './command.js';

/** `typing`: to the others in the room, or to the other person of a DM; throttled, never stored. */
export const typing: Command<'typing'> = async ({ store, typing: throttle, publish }, connection, request) => {
  const user = connection.user;
  if ('with' in request) {
    const other = await existingUser(store, request.with);
    if (other.id === user.id || !throttle.take(user.id, { with: other.id })) return;
    publish({ kind: 'users', userIds: [other.id], message: { type: 'typing', with: user.id, user } });
    return;
  }
  const room = await roomHere(store, connection, request.room);
  if (!throttle.take(user.id, { room: room.name })) return;
  publish({ kind: 'room', room: room.name, message: { type: 'typing', room: room.name, user }, exceptUser: user.id });
};

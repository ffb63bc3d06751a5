import { existingUser, roomHere } from '../guards.js';
import type { Command } from './command.js';

/**
 * `typing`: to the others in the room, or to the other person of a DM; throttled, never stored.
 * `stopped` (the box emptied) is never throttled, and lets the next start through at once.
 */
export const typing: Command<'typing'> = async ({ store, typing: throttle, publish }, connection, request) => {
  const user = connection.user;
  const stopped = request.stopped === true;
  const passes = (about: { room: string } | { with: string }) => {
    if (!stopped) return throttle.take(user.id, about);
    throttle.reset(user.id, about);
    return true;
  };
  const extra = stopped ? { stopped: true as const } : {};
  if ('with' in request) {
    const other = await existingUser(store, request.with);
    if (other.id === user.id || !passes({ with: other.id })) return;
    publish({ kind: 'users', userIds: [other.id], message: { type: 'typing', with: user.id, user, ...extra } });
    return;
  }
  const room = await roomHere(store, connection, request.room);
  if (!passes({ room: room.name })) return;
  publish({ kind: 'room', room: room.name, message: { type: 'typing', room: room.name, user, ...extra }, exceptUser: user.id });
};

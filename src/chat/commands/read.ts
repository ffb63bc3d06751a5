import type { Conversation } from '../../shared/protocol/index.js';
import { existingUser, memberRoom } from '../guards.js';
import type { Command } from './command.js';

/** `read`: moves the user's read marker forward and tells their other connections. */
export const read: Command<'read'> = async ({ store, publish }, connection, request) => {
  const userId = connection.user.id;
  const about: Conversation =
    'with' in request ? { with: (await existingUser(store, request.with)).id } : { room: (await memberRoom(store, userId, request.room)).name };
  // Never past the newest message, or messages not written yet would count as read.
  const id = Math.min(request.id, await store.lastMessageId());
  // Committed with the turn's other writes; a marker that does not move writes nothing.
  if (!(await store.markRead(userId, about, id))) return;
  publish({ kind: 'users', userIds: [userId], message: { type: 'read', ...about, id }, except: connection.id });
};

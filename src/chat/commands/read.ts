import type { Conversation } from '../../shared/protocol/index.js';
import { existingUser, memberRoom } from '../guards.js';
import type { Command } from './command.js';

/** `read`: moves the user's read marker forward and tells their other connections. */
export const read: Command<'read'> = ({ store, publish, commit }, connection, request) => {
  const userId = connection.user.id;
  const about: Conversation =
    'with' in request ? { with: existingUser(store, request.with).id } : { room: memberRoom(store, userId, request.room).name };
  // Never past the newest message, or messages not written yet would count as read.
  const id = Math.min(request.id, store.lastMessageId());
  // In the tick's batch: many markers in a tick are one commit, and one that does not move writes nothing.
  commit.begin();
  if (!store.markRead(userId, about, id)) return;
  publish({ kind: 'users', userIds: [userId], message: { type: 'read', ...about, id }, except: connection.id });
};

import type { Conversation } from '../../shared/protocol/index.js';
import { existingUser, memberRoom } from '../guards.js';
import type { Command } from './command.js';

/** `read`: moves the user's read marker forward and, once that is committed, tells their other connections. */
export const read: Command<'read'> = async (chat, connection, request) => {
  const userId = connection.user.id;
  const { store } = chat;
  const about: Conversation =
    'with' in request ? { with: (await existingUser(store, request.with)).id } : { room: (await memberRoom(store, userId, request.room)).name };
  // Never past the newest message, or messages not written yet would count as read.
  const id = Math.min(request.id, await store.lastMessageId());
  // A marker that does not move writes nothing and tells nobody.
  chat.publishAfter(
    connection,
    store.markRead(userId, about, id),
    (moved) => (moved ? { kind: 'users', userIds: [userId], message: { type: 'read', ...about, id }, except: connection.id } : undefined),
    request.ref,
  );
};

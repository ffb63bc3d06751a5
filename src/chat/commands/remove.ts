import { isModerator } from '../../identity/roles.js';
import { refuse } from '../errors.js';
import { existingRoom, existingUser } from '../guards.js';
import { mayRemoveMember } from '../roomRights.js';
import type { Command } from './command.js';

/**
 * `remove`: ends someone else's membership of a private room, for whoever `mayRemoveMember` allows.
 * Once committed, every connection of the removed and of the remover hears `removed`, and the
 * removed's connections in the room are taken out of it (each hears `left`), on every process.
 */
export const remove: Command<'remove'> = async (chat, connection, { room: name, user: memberId, ref }) => {
  const { store } = chat;
  const by = connection.user;
  const room = await existingRoom(store, by.id, name);
  if (!room.private) refuse('not_private', 'wsError.not_private.named', { room: room.name });
  const user = await existingUser(store, memberId);
  // The role is read only when the creator rule would refuse.
  const allowed = mayRemoveMember(by, room, user.id) || mayRemoveMember(by, room, user.id, await isModerator(store, by));
  if (!allowed) refuse('not_allowed', 'wsError.not_allowed.remove', { room: room.name });
  if (!(await store.isMember(user.id, room.name))) refuse('not_in_room', 'wsError.not_in_room.member', { name: user.name, room: room.name });
  chat.publishAfter(
    connection,
    store.removeMembership(user.id, room.name),
    () => ({ kind: 'evict', room: room.name, userId: user.id, notice: { type: 'removed', room: room.name, user, by }, tell: [by.id] }),
    ref,
  );
};

import { refuse } from '../errors.js';
import { existingRoom, existingUser, userNamed } from '../guards.js';
import { originOf, type Command } from './command.js';

/**
 * `invite`: a member of a private room makes someone else (by id, or by a name they hold) a member;
 * once that is committed, every connection of both hears `invited` (the invitee's page lists the
 * room), on every process. Inviting a member again tells only the inviter.
 */
export const invite: Command<'invite'> = async (chat, connection, message) => {
  const { store } = chat;
  const by = connection.user;
  // Not a member: `no_such_room`, as for a room that does not exist.
  const room = await existingRoom(store, by.id, message.room);
  if (!room.private) refuse('not_private', 'wsError.not_private.named', { room: room.name });
  const user = 'user' in message ? await existingUser(store, message.user) : await userNamed(store, message.name);
  const already = await store.isMember(user.id, room.name);
  // The cap bounds what each of the invitee's connects costs, whoever adds the room.
  if (!already && chat.maxRoomsPerUser > 0 && (await store.roomsOf(user.id)).length - 1 >= chat.maxRoomsPerUser) {
    refuse('too_many_rooms', 'wsError.too_many_rooms.invitee', { name: user.name });
  }
  chat.publishAfter(
    connection,
    store.addMembership(user.id, room.name, Date.now()),
    (added) => ({
      kind: 'users',
      userIds: added ? [user.id, by.id] : [by.id],
      message: { type: 'invited', room: room.name, user, by },
      origin: originOf(connection, message.ref),
    }),
    message.ref,
  );
};

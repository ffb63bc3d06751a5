import { refuse } from '../errors.js';
import { existingRoom } from '../guards.js';
import type { ChatContext, Command } from './command.js';

/**
 * `join`: the room's history (or, with `since`, what was missed) and list to this connection,
 * `join` to the room. It also makes the user a member for good, on every device, until they leave.
 */
export const join: Command<'join'> = async (chat, connection, { room: name, since, changes }) => {
  const room = await existingRoom(chat.store, connection.user.id, name);
  await becomeMember(chat, connection.user.id, room.name);
  // The replay (with `changes`, the room's changes too) comes before the room's `list`.
  if (since !== undefined) chat.resume(connection, { since, changes }, [room.name]);
  // The page shows a locked room as read-only from the start.
  if (chat.locks.has(room.name)) chat.send(connection, { type: 'locked', room: room.name, locked: true });
  if (chat.rooms.refresh(connection, room.name, since === undefined)) return;
  chat.rooms.enter(connection, room.name, { history: since === undefined, announceToSelf: true });
};

/** Membership for good, within the cap (a member already is one whatever the cap); committed before the room is entered. */
async function becomeMember(chat: ChatContext, userId: string, room: string): Promise<void> {
  if (chat.maxRoomsPerUser > 0 && !(await chat.store.isMember(userId, room))) {
    // roomsOf counts the lobby, which everyone is in and which is not counted against the cap.
    if ((await chat.store.roomsOf(userId)).length - 1 >= chat.maxRoomsPerUser) {
      refuse('too_many_rooms', 'wsError.too_many_rooms.max', { max: chat.maxRoomsPerUser });
    }
  }
  await chat.store.addMembership(userId, room, Date.now());
}

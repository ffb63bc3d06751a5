import { LOBBY, type ServerMessages } from '../../shared/protocol/index.js';
import type { Room } from '../../store/store.js';
import type { Connection } from '../connection.js';
import { refuse } from '../errors.js';
import { existingRoom } from '../guards.js';
import type { ChatContext, Command } from './command.js';

/**
 * `join`: the room's history (or, with `since`, what was missed) and list to this connection,
 * `join` to the room. It also makes the user a member for good, on every device, until they leave;
 * with `again`, only a member may (re-)enter, and nobody becomes one.
 */
export const join: Command<'join'> = async (chat, connection, { room: name, since, changes, again }) => {
  const room = await existingRoom(chat.store, connection.user.id, name);
  // A page coming back re-enters its rooms; one left meanwhile (in another tab) stays left.
  if (again && room.name !== LOBBY && !(await chat.store.isMember(connection.user.id, room.name))) {
    refuse('not_in_room', 'wsError.not_in_room.named', { room: room.name });
  }
  if (await becomeMember(chat, connection.user.id, room.name)) tellOtherTabs(chat, connection, room);
  // The replay (with `changes`, the room's changes too) comes before the room's `list`.
  if (since !== undefined) chat.resume(connection, { since, changes }, [room.name]);
  // The page shows a locked room as read-only from the start.
  if (chat.locks.has(room.name)) chat.send(connection, { type: 'locked', room: room.name, locked: true });
  if (chat.rooms.refresh(connection, room.name, since === undefined)) return;
  chat.rooms.enter(connection, room.name, { history: since === undefined, announceToSelf: true });
};

/** The user's other connections, on every process, learn the room is theirs now (their pages list it and join it too). */
function tellOtherTabs(chat: ChatContext, connection: Connection, room: Room): void {
  if (room.name === LOBBY) return;
  chat.publish({ kind: 'users', userIds: [connection.user.id], message: joinedMessage(room), except: connection.id, roomChanges: true });
}

/** The `membership` that tells a page a room is the user's: on a join elsewhere, and on connecting (hub.ts). */
export function joinedMessage(room: Room): ServerMessages['membership'] {
  const message: ServerMessages['membership'] = { type: 'membership', room: room.name, member: true };
  if (room.private) message.private = true;
  if (room.createdBy) message.createdBy = room.createdBy;
  return message;
}

/** Membership for good, within the cap (a member already is one whatever the cap); committed before the room is entered. True when it is new. */
async function becomeMember(chat: ChatContext, userId: string, room: string): Promise<boolean> {
  if (chat.maxRoomsPerUser > 0 && !(await chat.store.isMember(userId, room))) {
    // roomsOf counts the lobby, which everyone is in and which is not counted against the cap.
    if ((await chat.store.roomsOf(userId)).length - 1 >= chat.maxRoomsPerUser) {
      refuse('too_many_rooms', 'wsError.too_many_rooms.max', { max: chat.maxRoomsPerUser });
    }
  }
  return chat.store.addMembership(userId, room, Date.now());
}

import { LOBBY } from '../../shared/protocol/index.js';
import { roomHere } from '../guards.js';
import { leftMessage } from '../rooms.js';
import type { Command } from './command.js';

/**
 * `leave`: the user leaves for good. Their other connections hear `membership` (their pages leave
 * too, as in Slack: membership is the user's, not a tab's) but stay in a public room until they
 * leave or reconnect, as the contract has it; not in a private one: only members may be there, so
 * every connection of theirs, on every process, is taken out (coming back takes a new invitation).
 */
export const leave: Command<'leave'> = async (chat, connection, { room: name }) => {
  const room = await roomHere(chat.store, connection, name);
  const isPrivate = (await chat.store.findRoom(room.name))?.private === true;
  // The other tabs following this one leave too: only the first leave is news to them.
  const wasMember = room.name !== LOBBY && (await chat.store.isMember(connection.user.id, room.name));
  await chat.store.removeMembership(connection.user.id, room.name);
  if (wasMember) {
    const message = { type: 'membership', room: room.name, member: false } as const;
    chat.publish({ kind: 'users', userIds: [connection.user.id], message, except: connection.id, roomChanges: true });
  }
  // The leaver hears `left` either way, so the page can close the room even while another tab stays.
  if (!chat.rooms.leave(connection, room.name)) chat.send(connection, leftMessage(room.name, connection.user));
  if (isPrivate) chat.publish({ kind: 'evict', room: room.name, userId: connection.user.id });
};

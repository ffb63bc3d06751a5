import { isModerator } from '../../identity/roles.js';
import { refuse } from '../errors.js';
import { roomHere } from '../guards.js';
import { resolveMentions } from '../mentionLookup.js';
import { replyQuote } from '../publishChange.js';
import { originOf, type Command } from './command.js';

/**
 * `chat`: stored with the people its `@name`s mean now, and once committed (with the turn's other
 * writes) to everyone in the room, the sender's copy with its `ref`.
 */
export const chat: Command<'chat'> = async (chat, connection, { room: name, data, replyTo: answered, ref }) => {
  const room = await roomHere(chat.store, connection, name);
  // A locked room is read-only but for moderators: the role is read only there, so other rooms pay nothing.
  if (chat.locks.has(room.name) && !(await isModerator(chat.store, connection.user))) {
    refuse('room_locked', 'wsError.room_locked.named', { room: room.name });
  }
  // Checked before the limit is taken: a reply to nothing is not stored, and costs nothing.
  const replyTo = answered === undefined ? undefined : await replyQuote(chat, connection, answered, { room: room.name });
  await chat.limits.takeMessage(connection);
  chat.typing.reset(connection.user.id, { room: room.name });
  const ts = Date.now();
  const mentions = await resolveMentions(chat.store, data, ts - chat.sessionMaxAgeMs);
  const stored = chat.store.addChat({ room: room.name, user: connection.user, data, ts, ...(mentions.length > 0 && { mentions }), ...(replyTo && { replyTo }) });
  chat.publishAfter(connection, stored, (message) => ({ kind: 'room', room: room.name, message, origin: originOf(connection, ref) }), ref);
};

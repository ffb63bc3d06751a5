import { roomHere } from '../guards.js';
import { originOf, type Command } from './command.js';

/** `chat`: stored, and once committed (with the turn's other writes) to everyone in the room, the sender's copy with its `ref`. */
export const chat: Command<'chat'> = async (chat, connection, { room: name, data, ref }) => {
  const room = await roomHere(chat.store, connection, name);
  await chat.limits.takeMessage(connection);
  chat.typing.reset(connection.user.id, { room: room.name });
  const stored = chat.store.addChat({ room: room.name, user: connection.user, data, ts: Date.now() });
  chat.publishAfter(connection, stored, (message) => ({ kind: 'room', room: room.name, message, origin: originOf(connection, ref) }), ref);
};

import { roomHere } from '../guards.js';
import { originOf, type Command } from './command.js';

/** `chat`: stored (committed with the turn's other writes), then to everyone in the room, the sender's copy with its `ref`. */
export const chat: Command<'chat'> = async ({ store, limits, typing, publish }, connection, { room: name, data, ref }) => {
  const room = await roomHere(store, connection, name);
  limits.takeMessage(connection);
  const message = await store.addChat({ room: room.name, user: connection.user, data, ts: Date.now() });
  typing.reset(connection.user.id, { room: room.name });
  publish({ kind: 'room', room: room.name, message, origin: originOf(connection, ref) });
};

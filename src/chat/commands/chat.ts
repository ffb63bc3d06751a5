import { roomHere } from '../guards.js';
import { originOf, type Command } from './command.js';

/** `chat`: stored in the tick's batch, then to everyone in the room (the sender's copy with its `ref`). */
export const chat: Command<'chat'> = ({ store, limits, commit, typing, publish }, connection, { room: name, data, ref }) => {
  const room = roomHere(store, connection, name);
  limits.takeMessage(connection);
  commit.begin();
  const message = store.addChat({ room: room.name, user: connection.user, data, ts: Date.now() });
  typing.reset(connection.user.id, { room: room.name });
  publish({ kind: 'room', room: room.name, message, origin: originOf(connection, ref) });
};

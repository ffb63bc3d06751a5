import { existingUser } from '../guards.js';
import { originOf, type Command } from './command.js';

/** `dm`: stored, then to every connection of the sender and of the recipient, nobody else. */
export const dm: Command<'dm'> = async ({ store, limits, typing, publish }, connection, { to, data, ref }) => {
  const recipient = await existingUser(store, to);
  limits.takeMessage(connection);
  const message = await store.addDm({ user: connection.user, to: recipient, data, ts: Date.now() });
  typing.reset(connection.user.id, { with: recipient.id });
  const userIds = recipient.id === connection.user.id ? [recipient.id] : [connection.user.id, recipient.id];
  publish({ kind: 'users', userIds, message, origin: originOf(connection, ref) });
};

import { existingUser } from '../guards.js';
import { resolveMentions } from '../mentionLookup.js';
import { replyQuote } from '../publishChange.js';
import { originOf, type Command } from './command.js';

/** `dm`: stored (with its mentions, as a chat's), and once committed to every connection of the sender and of the recipient, nobody else. */
export const dm: Command<'dm'> = async (chat, connection, { to, data, replyTo: answered, ref }) => {
  const recipient = await existingUser(chat.store, to);
  const replyTo = answered === undefined ? undefined : await replyQuote(chat, connection, answered, { with: recipient.id });
  await chat.limits.takeMessage(connection);
  chat.typing.reset(connection.user.id, { with: recipient.id });
  const userIds = recipient.id === connection.user.id ? [recipient.id] : [connection.user.id, recipient.id];
  const ts = Date.now();
  const mentions = await resolveMentions(chat.store, data, ts - chat.sessionMaxAgeMs);
  const stored = chat.store.addDm({ user: connection.user, to: recipient, data, ts, ...(mentions.length > 0 && { mentions }), ...(replyTo && { replyTo }) });
  chat.publishAfter(connection, stored, (message) => ({ kind: 'users', userIds, message, origin: originOf(connection, ref) }), ref);
};

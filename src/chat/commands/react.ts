import { MAX_REACTIONS_PER_MESSAGE } from '../../shared/protocol/index.js';
import { changeTarget, publishChange } from '../publishChange.js';
import type { Command } from './command.js';

/**
 * `react`: toggles the sender's reaction on a message they can see (their own or anyone's); once
 * committed, everyone who can see it hears `reactions` with its whole list. A new emoji past
 * MAX_REACTIONS_PER_MESSAGE distinct ones is `too_many_reactions`, and nothing changes.
 */
export const react: Command<'react'> = async (chat, connection, { id, emoji, ref }) => {
  const message = await changeTarget(chat, connection, id);
  await chat.limits.takeMessage(connection);
  publishChange(chat, connection, message, chat.store.toggleReaction(id, connection.user.id, emoji, MAX_REACTIONS_PER_MESSAGE), ref);
};

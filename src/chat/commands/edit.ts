import { refuse } from '../errors.js';
import { resolveMentions } from '../mentionLookup.js';
import { changeTarget, publishChange } from '../publishChange.js';
import type { Command } from './command.js';

/**
 * `edit`: the author replaces the text of their message within the edit window; once committed,
 * everyone who can see it hears `edited` with the new text and who it mentions now (resolved
 * again, replacing the mentions kept). The same text again changes nothing and is answered with
 * nothing (the store tells, in the write: `unchanged`).
 */
export const edit: Command<'edit'> = async (chat, connection, { id, data, ref }) => {
  const me = connection.user;
  const message = await changeTarget(chat, connection, id);
  if (message.user.id !== me.id) refuse('not_yours', 'wsError.not_yours.edit', { id });
  if (chat.editWindowMs > 0 && Date.now() - message.ts > chat.editWindowMs) {
    refuse('too_late', 'wsError.too_late.minutes', { id, minutes: Math.round(chat.editWindowMs / 60_000) });
  }
  await chat.limits.takeMessage(connection);
  const at = Date.now();
  const mentions = await resolveMentions(chat.store, data, at - chat.sessionMaxAgeMs);
  publishChange(chat, connection, message, chat.store.editMessage({ id, data, at, ...(mentions.length > 0 && { mentions }) }), ref);
};

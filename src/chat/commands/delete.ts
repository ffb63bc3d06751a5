import { isModerator } from '../../identity/roles.js';
import { refuse } from '../errors.js';
import { publishChange } from '../publishChange.js';
import type { Command } from './command.js';

/**
 * `delete`: one's own message, or (a moderator) anyone's, is deleted: its text, mentions and
 * reactions are gone from the store and search, a placeholder stays in history and resume, and once committed everyone who can see it hears `deleted`: a room's
 * message the room, a DM both people. A moderator's deletion of someone else's message is logged.
 */
export const deleteMessage: Command<'delete'> = async (chat, connection, { id, ref }) => {
  const me = connection.user;
  const message = await chat.store.moderation.message(id);
  // A DM between two others is not shown to exist, to anyone but a moderator.
  const visible = message && !message.deleted && (message.type === 'chat' || message.user.id === me.id || message.to.id === me.id);
  const moderator = message !== undefined && message.user.id !== me.id && (await isModerator(chat.store, me));
  if (!message || message.deleted || (!visible && !moderator)) return refuse('no_such_message', 'wsError.no_such_message.id', { id });
  if (message.user.id !== me.id && !moderator) refuse('not_yours', 'wsError.not_yours.delete', { id });
  const now = Date.now();
  const deleted = chat.store.deleteMessage(id, now);
  if (moderator) {
    const where = message.type === 'chat' ? `#${message.room}` : `${message.user.name} → ${message.to.name}`;
    void chat.store.moderation
      .record({ at: now, actor: { id: me.id, name: me.name }, action: 'delete_message', target: String(id), detail: `${message.user.name}, ${where}` })
      .catch(() => {});
  }
  // A moderator outside the room (or outside the DM) gets their own copy after the others: publishChange sees to it.
  publishChange(chat, connection, message, deleted, ref);
};

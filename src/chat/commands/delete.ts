import type { BusEvent } from '../../bus/bus.js';
import { isModerator } from '../../identity/roles.js';
import { translate } from '../../shared/i18n/index.js';
import type { ServerMessage, StoredMessage } from '../../shared/protocol/index.js';
import { refuse } from '../errors.js';
import { originOf, type Command } from './command.js';

/**
 * `delete`: one's own message, or (a moderator) anyone's, is deleted from the store (history, resume
 * and search lose it), and once committed everyone who can see it hears `deleted`: a room's
 * message the room, a DM both people. A moderator's deletion of someone else's message is logged.
 */
export const deleteMessage: Command<'delete'> = async (chat, connection, { id, ref }) => {
  const me = connection.user;
  const message = await chat.store.moderation.message(id);
  // A DM between two others is not shown to exist, to anyone but a moderator.
  const visible = message && (message.type === 'chat' || message.user.id === me.id || message.to.id === me.id);
  const moderator = message !== undefined && message.user.id !== me.id && (await isModerator(chat.store, me));
  if (!message || (!visible && !moderator)) return refuse('no_such_message', 'wsError.no_such_message.id', { id });
  if (message.user.id !== me.id && !moderator) refuse('not_yours', 'wsError.not_yours.delete', { id });
  const now = Date.now();
  const deleted = chat.store.moderation.deleteMessage(id);
  if (moderator) {
    const where = message.type === 'chat' ? `#${message.room}` : `${message.user.name} → ${message.to.name}`;
    void chat.store.moderation
      .record({ at: now, actor: { id: me.id, name: me.name }, action: 'delete_message', target: String(id), detail: `${message.user.name}, ${where}` })
      .catch(() => {});
  }
  const origin = originOf(connection, ref);
  const events = deletedEvents(message, origin);
  for (const event of events) chat.publishAfter(connection, deleted, (gone) => (gone ? event : undefined), ref);
  // Someone who hears none of those (a moderator outside the room) still gets the answer, after them;
  // and a message deleted meanwhile (on this process or another) is `no_such_message` to the sender.
  const reached = events.some((event) => (event.kind === 'room' ? connection.rooms.has(event.room) : event.userIds.includes(me.id)));
  const answer = deletedMessage(message, message.type === 'chat' ? undefined : message.to.id, ref);
  chat.publishAfter(
    connection,
    deleted,
    (gone) => (!gone ? noSuchMessage(me.id, connection.id, id, ref) : reached ? undefined : { kind: 'connection', userId: me.id, connectionId: connection.id, message: answer }),
    ref,
  );
};

type Fanout = Extract<BusEvent, { kind: 'room' } | { kind: 'users' }>;

/** `deleted` as each who may see the message gets it: the room, or each of the two people with the other as `with`. */
function deletedEvents(message: StoredMessage, origin: ReturnType<typeof originOf>): Fanout[] {
  if (message.type === 'chat') return [{ kind: 'room', room: message.room, message: deletedMessage(message), origin }];
  const from = message.user.id;
  const to = message.to.id;
  if (from === to) return [{ kind: 'users', userIds: [from], message: deletedMessage(message, to), origin }];
  return [
    { kind: 'users', userIds: [from], message: deletedMessage(message, to), origin },
    { kind: 'users', userIds: [to], message: deletedMessage(message, from), origin },
  ];
}

function deletedMessage(message: StoredMessage, other?: string, ref?: string): ServerMessage {
  const base = message.type === 'chat' ? { type: 'deleted' as const, id: message.id, room: message.room } : { type: 'deleted' as const, id: message.id, with: other ?? '' };
  return ref === undefined ? base : { ...base, ref };
}

function noSuchMessage(userId: string, connectionId: string, id: number, ref: string | undefined): BusEvent {
  const data = { code: 'no_such_message' as const, message: translate('en', 'wsError.no_such_message.id', { id }) };
  return { kind: 'connection', userId, connectionId, message: ref === undefined ? { type: 'error', data } : { type: 'error', data, ref } };
}

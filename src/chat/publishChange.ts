// Announcing a change once it is committed: its events to everyone who can see the message (the
// acting connection's copy with its `ref`), then, to the acting connection alone, what it would
// otherwise not hear: `no_such_message` when the message was gone by the time the write ran, or
// its own copy when none of the events reaches it (not in the room now). All in write order.
import { LOBBY, MAX_REACTIONS_PER_MESSAGE, REPLY_QUOTE_LENGTH, type ReplyQuote, type StoredMessage } from '../shared/protocol/index.js';
import { translate } from '../shared/i18n/index.js';
import type { ChangeOutcome, MessageChange } from '../store/changes.js';
import type { MessageFacts } from './recentMessages.js';
import { changeEvents, changeMessage } from './changeEvents.js';
import type { ChatContext } from './commands/command.js';
import { originOf } from './commands/command.js';
import type { Connection } from './connection.js';
import { refuse } from './errors.js';

export function publishChange(chat: ChatContext, connection: Connection, message: MessageFacts, write: Promise<ChangeOutcome>, ref: string | undefined): void {
  const origin = originOf(connection, ref);
  const me = connection.user.id;
  const done = (outcome: ChangeOutcome): MessageChange | undefined => (typeof outcome === 'object' ? outcome : undefined);
  // As many events as the message has audiences (a room: one; a DM: one per person), made once it is committed.
  const count = message.type === 'chat' || message.user.id === message.to.id ? 1 : 2;
  for (let i = 0; i < count; i++) chat.publishAfter(connection, write, (outcome) => ((c) => c && changeEvents(c, origin)[i])(done(outcome)), ref);
  chat.publishAfter(
    connection,
    write,
    (outcome) => {
      // An edit to the text it has already: nothing changed, and nothing is said.
      if (outcome === 'unchanged') return undefined;
      const change = done(outcome);
      const answer = (data: { code: 'no_such_message' | 'too_many_reactions'; message: string }) => ({
        kind: 'connection' as const,
        userId: me,
        connectionId: connection.id,
        message: ref === undefined ? { type: 'error' as const, data } : { type: 'error' as const, data, ref },
      });
      if (outcome === 'too_many') return answer({ code: 'too_many_reactions', message: translate('en', 'wsError.too_many_reactions.max', { id: message.id, max: MAX_REACTIONS_PER_MESSAGE }) });
      if (!change) return answer({ code: 'no_such_message', message: translate('en', 'wsError.no_such_message.id', { id: message.id }) });
      const reached = change.message.type === 'chat' ? connection.rooms.has(change.message.room) : [change.message.user.id, change.message.to.id].includes(me);
      if (reached) return undefined;
      const copy = changeMessage(change, change.message.type === 'dm' ? change.message.to.id : undefined);
      return { kind: 'connection', userId: me, connectionId: connection.id, message: ref === undefined ? copy : { ...copy, ref } };
    },
    ref,
  );
}

/**
 * The message an edit or a reaction is about, when the user can see it now: a room's they are a
 * member of (the lobby is everyone's), or a DM of theirs; else `no_such_message`. A recent message
 * is known without a read (recentMessages.ts): one deleted on another process a moment ago, before
 * this one heard of it, is found out by the write itself (`no_such_message` then, after the commit).
 */
export async function changeTarget(chat: ChatContext, connection: Connection, id: number): Promise<MessageFacts> {
  const known = chat.recent.get(id);
  const seen = known && seenHere(known, connection);
  if (seen === undefined) return visibleMessage(chat, connection, id);
  return seen ? known! : noSuchMessage(id);
}

/**
 * A message the connection's user can see now, not deleted, read from the store: a room's they are
 * a member of (the lobby is everyone's), or a DM of theirs; else `no_such_message`.
 */
export async function visibleMessage(chat: ChatContext, connection: Connection, id: number): Promise<StoredMessage> {
  const message = await chat.store.moderation.message(id);
  if (!message || message.deleted) return noSuchMessage(id);
  const seen = seenHere(message, connection);
  if (seen !== undefined || message.type === 'dm') return seen ? message : noSuchMessage(id);
  const room = await chat.store.findRoom(message.room);
  if (!room || room.name !== message.room) return noSuchMessage(id);
  if (room.name !== LOBBY && !(await chat.store.isMember(connection.user.id, room.name))) return noSuchMessage(id);
  if (room.archivedAt !== undefined) refuse('archived', 'wsError.archived.named', { room: room.name });
  return message;
}

/**
 * Whether the connection's user sees a message, by what the connection knows: a DM is theirs or
 * not; a room's message is when the connection is in that room now under this very spelling (it
 * is open and theirs to talk in, as for `chat`: guards.ts roomHere). Undefined: the store must say.
 */
function seenHere(message: MessageFacts, connection: Connection): boolean | undefined {
  const userId = connection.user.id;
  if (message.type === 'dm') return message.user.id === userId || message.to.id === userId;
  return connection.rooms.has(message.room) || undefined;
}

const noSuchMessage = (id: number): never => refuse('no_such_message', 'wsError.no_such_message.id', { id });

/** The quote of the message `replyTo` answers: one the user can see in this conversation (the room; the DM with `other`), not deleted; else `no_such_message`. */
export async function replyQuote(chat: ChatContext, connection: Connection, replyTo: number, where: { room: string } | { with: string }): Promise<ReplyQuote> {
  const userId = connection.user.id;
  const message = await visibleMessage(chat, connection, replyTo);
  const here =
    'room' in where
      ? message.type === 'chat' && message.room === where.room
      : message.type === 'dm' && [message.user.id, message.to.id].sort().join() === [userId, where.with].sort().join();
  if (!here) noSuchMessage(replyTo);
  return { id: message.id, user: message.user, data: [...message.data].slice(0, REPLY_QUOTE_LENGTH).join('') };
}

// What never changes about the latest messages this process heard of (their id, conversation, author
// and time), kept from the bus, so that a reaction or an edit to a recent message is checked without
// asking the store first: on PostgreSQL that read was a round trip in the connection's queue, and
// the sender's next frames waited behind it. Only facts that no change can alter are kept; whether
// the message is still there (not deleted) and its text are the store's to say, in the write itself.
import type { ServerMessage, StoredMessage } from '../shared/protocol/index.js';

/** A message's facts that no edit, deletion or reaction changes: who may see it, who may change it, and when it was sent. */
export type MessageFacts =
  | { type: 'chat'; id: number; ts: number; room: string; user: { id: string } }
  | { type: 'dm'; id: number; ts: number; user: { id: string }; to: { id: string } };

/** How many messages are kept: a few minutes of a busy site; an older one is read from the store, as before. */
const KEPT = 10_000;

export class RecentMessages {
  private readonly facts = new Map<number, MessageFacts>();

  /**
   * Keeps a message's facts when the frame is a stored chat or DM; forgets them when it says the
   * message was deleted (then the store answers for it again, and refuses it). Anything else is let by.
   */
  remember(message: ServerMessage): void {
    if (message.type === 'deleted') this.facts.delete(message.id);
    if (message.type !== 'chat' && message.type !== 'dm') return;
    const stored = message as StoredMessage;
    if (typeof stored.id !== 'number' || this.facts.has(stored.id)) return;
    this.facts.set(stored.id, factsOf(stored));
    // A Map iterates in insertion order: the first key is the one heard of longest ago.
    if (this.facts.size > KEPT) this.facts.delete(this.facts.keys().next().value!);
  }

  get(id: number): MessageFacts | undefined {
    return this.facts.get(id);
  }
}

/** The facts of a message read or received whole. */
export function factsOf(message: StoredMessage): MessageFacts {
  const { id, ts, user } = message;
  return message.type === 'chat' ? { type: 'chat', id, ts, room: message.room, user: { id: user.id } } : { type: 'dm', id, ts, user: { id: user.id }, to: { id: message.to.id } };
}

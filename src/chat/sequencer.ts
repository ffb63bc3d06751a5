// Messages (chats and DMs) to the hub in id order, each once, whatever the bus lost or reordered:
// the ordering core (gapFiller.ts) by message id, its gaps filled from `Store.messagesBetween`.
// Used where several processes write (PostgreSQL), whose message ids are dense and commit in id
// order (store/postgres/messageIds.ts). Every other event keeps its place in line behind the
// messages before it; a change (`edited`, `deleted`, `reactions`) waits for the message it is about.
import type { BusEvent, Origin } from '../bus/bus.js';
import type { StoredMessage } from '../shared/protocol/index.js';
import { GapFiller, type GapFillerDeps, type Place, type SequencerTimes } from './gapFiller.js';

/** What the message sequencer asks of the hub: the store's messages, and where events go. */
export type SequencerDeps = Pick<GapFillerDeps<StoredMessage>, 'fetch' | 'newest' | 'deliver' | 'tooFarBehind' | 'failed'>;

/** The id of a stored message that an event carries (a chat or a DM), else undefined. */
export function messageIdOf(event: BusEvent): number | undefined {
  if (event.kind !== 'room' && event.kind !== 'users') return undefined;
  const message = event.message;
  return message.type === 'chat' || message.type === 'dm' ? message.id : undefined;
}

/**
 * The id of the stored message an event is about without carrying it (a change), else
 * undefined: it goes out only after that message did here, never before it.
 */
export function referredIdOf(event: BusEvent): number | undefined {
  if (event.kind !== 'room' && event.kind !== 'users') return undefined;
  const type = event.message.type;
  return type === 'deleted' || type === 'edited' || type === 'reactions' ? event.message.id : undefined;
}

/** A message at its id; a change after its message; anything else in its place in line. */
function placeOf(event: BusEvent): Place {
  const id = messageIdOf(event);
  return id !== undefined ? { at: id } : { after: referredIdOf(event) ?? 0 };
}

/** A stored message as the event its publisher made of it. */
function eventFor(message: StoredMessage, origin: Origin | undefined): BusEvent {
  if (message.type === 'chat') return { kind: 'room', room: message.room, message, ...(origin && { origin }) };
  const userIds = message.user.id === message.to.id ? [message.user.id] : [message.user.id, message.to.id];
  return { kind: 'users', userIds, message, ...(origin && { origin }) };
}

export class Sequencer extends GapFiller<StoredMessage> {
  constructor(deps: SequencerDeps, times?: SequencerTimes) {
    super({ ...deps, place: placeOf, numberOf: (message) => message.id, eventsOf: (message, origin) => [eventFor(message, origin)] }, times);
  }
}

// A committed change (an edit, a deletion, a reaction toggle: store/changes.ts) as the bus events
// that tell everyone who can see the message: a room's message the room, a DM each of the two
// people, with `with` the other person from their side. One place, for the commands and for the
// sequencer's catch-up (which reads changes back from the store).
import type { BusEvent, Origin } from '../bus/bus.js';
import type { ServerMessage, StoredMessage } from '../shared/protocol/index.js';
import type { MessageChange } from '../store/changes.js';

export type Fanout = Extract<BusEvent, { kind: 'room' } | { kind: 'users' }>;

/** The frame of a change, as someone sees it: in the room, or in the DM with `other`. */
export function changeMessage({ kind, message, change }: MessageChange, other?: string): ServerMessage {
  const where = message.type === 'chat' ? { room: message.room } : { with: other ?? '' };
  const id = message.id;
  if (kind === 'deleted') return { type: 'deleted', id, ...where, change };
  if (kind === 'reactions') return { type: 'reactions', id, ...where, data: message.reactions ?? [], change };
  return { type: 'edited', id, ...where, data: message.data, editedAt: message.editedAt ?? 0, ...(message.mentions && { mentions: message.mentions }), change };
}

/** The events of a change: the room, or each of the two people with the other as `with`. */
export function changeEvents(change: MessageChange, origin?: Origin): Fanout[] {
  const { message } = change;
  const from = { ...(origin && { origin }) };
  if (message.type === 'chat') return [{ kind: 'room', room: message.room, message: changeMessage(change), ...from }];
  const [a, b] = [message.user.id, message.to.id];
  if (a === b) return [{ kind: 'users', userIds: [a], message: changeMessage(change, b), ...from }];
  return [
    { kind: 'users', userIds: [a], message: changeMessage(change, b), ...from },
    { kind: 'users', userIds: [b], message: changeMessage(change, a), ...from },
  ];
}

/** Whether `userId` is one of the two people of a DM, or the message is a room's (whose visibility is the room's). */
export function inConversation(message: StoredMessage, userId: string): boolean {
  return message.type === 'chat' || message.user.id === userId || message.to.id === userId;
}

// Change events (`edited`, `deleted`, `reactions`) to the hub in change order, each once to each
// of its audiences: the ordering core (gapFiller.ts) by change number, its gaps filled from
// `Store.changesBetween`. Used where several processes write (PostgreSQL), behind the message
// Sequencer (which holds a change until the message it is about has gone out); other events pass.
//
// Change numbers are dense and commit in number order (`change_ids`, store/postgres/changeStatements.ts).
// Hence a connection here hears change N only after every change below N that it may see, so a
// client that saw N live and resumes with `changes=N` misses nothing below N committed later: there
// is none. (A change the store no longer has as current, replaced by a later one of its kind, is not
// read back: the later one, with its own number past N, carries the same state, live or in that
// resume.) A DM's change is two events of one number, one for each person: each is due once.
import type { BusEvent } from '../bus/bus.js';
import type { MessageChange } from '../store/changes.js';
import { changeEvents } from './changeEvents.js';
import { GapFiller, type GapFillerDeps, type Place, type SequencerTimes } from './gapFiller.js';

export interface ChangeSequencerDeps extends Pick<GapFillerDeps<MessageChange>, 'fetch' | 'newest' | 'deliver' | 'tooFarBehind' | 'failed'> {
  /** The newest message id delivered here: a change read back about a later one waits for it. */
  messagesUpTo(): number;
}

/** The change number of an `edited`, `deleted` or `reactions` event, else undefined. */
export function changeOf(event: BusEvent): number | undefined {
  if (event.kind !== 'room' && event.kind !== 'users') return undefined;
  const message = event.message;
  return message.type === 'edited' || message.type === 'deleted' || message.type === 'reactions' ? message.change : undefined;
}

/** Who an event of a change is for: a room, or the people of a DM (each has an event of their own). */
function audienceOf(event: BusEvent): string {
  return event.kind === 'room' ? `room:${event.room}` : event.kind === 'users' ? `users:${event.userIds.join(',')}` : '';
}

function placeOf(event: BusEvent): Place {
  const change = changeOf(event);
  return change === undefined ? 'through' : { at: change };
}

export class ChangeSequencer extends GapFiller<MessageChange> {
  constructor({ messagesUpTo, ...deps }: ChangeSequencerDeps, times?: SequencerTimes) {
    super(
      {
        ...deps,
        place: placeOf,
        numberOf: (change) => change.change,
        eventsOf: (change, origin) => changeEvents(change, origin),
        ready: (change) => change.message.id <= messagesUpTo(),
        audienceOf,
      },
      times,
    );
  }
}

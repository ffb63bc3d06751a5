// The change sequencer on its own: change events in, change order out, each change once to each of
// its audiences (a DM's change is one event for each person), whatever the bus reordered, doubled or
// lost; a change read back about a message not delivered here yet waits for it. The "store" is the
// list of committed changes, as `changesBetween` answers (dense numbers, in pages).
import { describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../src/bus/bus.js';
import { changeEvents } from '../../src/chat/changeEvents.js';
import { ChangeSequencer, changeOf } from '../../src/chat/changeSequencer.js';
import type { SequencerTimes } from '../../src/chat/gapFiller.js';
import type { ChatMessage, DirectMessage } from '../../src/shared/protocol/index.js';
import type { MessageChange } from '../../src/store/changes.js';

const TIMES: SequencerTimes = { gapWaitMs: 20, lookEveryMs: 40, maxCatchUp: 2000 };
const alice = { id: 'a', name: 'Alice', image: 1 };
const bob = { id: 'b', name: 'Bob', image: 2 };

const chat: ChatMessage = { type: 'chat', id: 1, ts: 1, room: 'lobby', user: alice, data: 'hi' };
const dm: DirectMessage = { type: 'dm', id: 2, ts: 2, user: alice, to: bob, data: 'psst' };
/** Change `n`: an edit of the lobby's message, or with `to: dm` of the DM (two events). */
const edit = (change: number, message: ChatMessage | DirectMessage = chat): MessageChange => ({ kind: 'edited', message: { ...message, data: `e${change}` }, change });
const pong: BusEvent = { kind: 'connection', userId: 'a', connectionId: 'c', message: { type: 'pong' } as never };

/** A change sequencer over `committed` changes (1..n; `dms` of them DM edits), the messages up to `messagesUpTo` delivered. */
async function changesOver(committed: number, options: { dms?: number[]; messagesUpTo?: number } = {}) {
  const store = Array.from({ length: committed }, (_, i) => edit(i + 1, options.dms?.includes(i + 1) ? dm : chat));
  const delivered: BusEvent[] = [];
  const reads: number[] = [];
  let newest = 0;
  let messagesUpTo = options.messagesUpTo ?? 2;
  const sequencer = new ChangeSequencer(
    {
      fetch: async (after, upTo, limit) => {
        reads.push(after);
        return store.filter((c) => c.change > after && c.change <= upTo).slice(0, limit);
      },
      newest: async () => newest,
      messagesUpTo: () => messagesUpTo,
      deliver: (e) => delivered.push(e),
      tooFarBehind: () => {
        throw new Error('not behind');
      },
      failed: (error) => {
        throw error;
      },
    },
    TIMES,
  );
  await sequencer.start();
  newest = committed;
  /** What went out: a change as its number and who heard it, anything else as its kind. */
  const heard = () => delivered.map((e) => (changeOf(e) === undefined ? e.kind : `${changeOf(e)}${e.kind === 'users' ? ` ${e.userIds.join()}` : ''}`));
  const eventsOf = (n: number) => changeEvents(store[n - 1]!);
  return { sequencer, delivered, heard, reads, eventsOf, deliverMessagesUpTo: (id: number) => (messagesUpTo = id) };
}

describe('ChangeSequencer', () => {
  it('puts crossed changes back in change order, and lets what is not a change pass at once', async () => {
    const { sequencer, heard, eventsOf } = await changesOver(2);
    sequencer.push(eventsOf(2)[0]!);
    sequencer.push(pong);
    expect(heard()).toEqual(['connection']);
    sequencer.push(eventsOf(1)[0]!);
    expect(heard()).toEqual(['connection', '1', '2']);
    sequencer.stop();
  });

  it('delivers a DM change to each person once: the second person’s event is due, a copy of either is not', async () => {
    const { sequencer, heard, eventsOf } = await changesOver(1, { dms: [1] });
    const [forAlice, forBob] = eventsOf(1);
    sequencer.push(forAlice!);
    sequencer.push(forAlice!);
    sequencer.push(forBob!);
    sequencer.push(forBob!);
    sequencer.push(pong);
    expect(heard()).toEqual(['1 a', '1 b', 'connection']);
    sequencer.stop();
  });

  it('reads a lost change from the store in its place, a DM’s for both people, with its ref for the sender', async () => {
    const { sequencer, delivered, heard, eventsOf } = await changesOver(3, { dms: [2] });
    sequencer.remember(2, { connectionId: 'c', ref: 'mine' });
    sequencer.push(eventsOf(1)[0]!);
    sequencer.push(eventsOf(3)[0]!);
    await vi.waitFor(() => expect(heard()).toEqual(['1', '2 a', '2 b', '3']));
    expect(delivered[1]).toMatchObject({ message: { type: 'edited', id: 2, with: 'b', data: 'e2' }, origin: { ref: 'mine' } });
    // The bus brings the lost ones after all: copies, dropped.
    for (const event of eventsOf(2)) sequencer.push(event);
    sequencer.push(pong);
    expect(heard()).toEqual(['1', '2 a', '2 b', '3', 'connection']);
    sequencer.stop();
  });

  it('holds a change read back about a message not delivered here yet, and what follows it, until it is', async () => {
    const { sequencer, heard, eventsOf, deliverMessagesUpTo } = await changesOver(3, { dms: [2], messagesUpTo: 1 });
    sequencer.push(eventsOf(3)[0]!);
    await vi.waitFor(() => expect(heard()).toEqual(['1']));
    deliverMessagesUpTo(2);
    await vi.waitFor(() => expect(heard()).toEqual(['1', '2 a', '2 b', '3']));
    sequencer.stop();
  });

  it('reads a long gap in pages, each going on from where the one before ended, every change once and in order', async () => {
    const { sequencer, heard, reads, eventsOf } = await changesOver(1201);
    sequencer.push(eventsOf(1201)[0]!);
    await vi.waitFor(() => expect(heard()).toHaveLength(1201));
    expect(heard()).toEqual(Array.from({ length: 1201 }, (_, i) => `${i + 1}`));
    expect(reads).toEqual([0, 500, 1000]);
    sequencer.stop();
  });
});

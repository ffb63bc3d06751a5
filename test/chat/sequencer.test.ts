// The sequencer on its own: bus events in, one order out, every stored message once and in id
// order whatever the bus reordered, doubled or lost. The "store" is the list of what is committed,
// as the PostgreSQL store would answer (dense ids, committed in id order).
import { describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../src/bus/bus.js';
import type { SequencerTimes } from '../../src/chat/gapFiller.js';
import { Sequencer, messageIdOf, referredIdOf } from '../../src/chat/sequencer.js';
import type { ChatMessage } from '../../src/shared/protocol/index.js';

const TIMES: SequencerTimes = { gapWaitMs: 20, lookEveryMs: 40, maxCatchUp: 50 };
const alice = { id: 'a', name: 'Alice', image: 1 };

const chat = (id: number): ChatMessage => ({ type: 'chat', id, ts: id, room: 'lobby', user: alice, data: `m${id}` });
const event = (id: number, ref?: string): BusEvent => ({ kind: 'room', room: 'lobby', message: chat(id), ...(ref && { origin: { connectionId: 'c', ref } }) });
const deleted = (id: number): BusEvent => ({ kind: 'room', room: 'lobby', message: { type: 'deleted', id, room: 'lobby', change: id } });
const pong: BusEvent = { kind: 'connection', userId: 'a', connectionId: 'c', message: { type: 'pong' } as never };

/** A sequencer over `committed` (ids 1..n), started after `start` ids; what it delivers, in order. */
async function sequencerOver(committed: number, start = 0, times = TIMES) {
  const store = Array.from({ length: committed }, (_, i) => chat(i + 1));
  const delivered: BusEvent[] = [];
  const behind: number[] = [];
  let newest = start;
  const sequencer = new Sequencer(
    {
      fetch: async (after, upTo, limit) => store.filter((m) => m.id > after && m.id <= upTo).slice(0, limit),
      newest: async () => newest,
      deliver: (e) => delivered.push(e),
      tooFarBehind: (missed) => behind.push(missed),
      failed: (error) => {
        throw error;
      },
    },
    times,
  );
  await sequencer.start();
  newest = committed;
  const ids = () => delivered.map((e) => messageIdOf(e) ?? (referredIdOf(e) === undefined ? e.kind : `deleted ${referredIdOf(e)}`));
  return { sequencer, delivered, ids, behind, commit: (n: number) => (store.push(chat(n)), (newest = n)) };
}

describe('Sequencer', () => {
  it('passes events in order through at once, and what carries no message in its place', async () => {
    const { sequencer, ids } = await sequencerOver(2);
    sequencer.push(event(1));
    sequencer.push(pong);
    sequencer.push(event(2));
    expect(ids()).toEqual([1, 'connection', 2]);
    sequencer.stop();
  });

  it('never lets the deletion of a message overtake it: held behind it, or behind its read from the store', async () => {
    const crossed = await sequencerOver(2);
    crossed.sequencer.push(event(1));
    crossed.sequencer.push(deleted(2));
    expect(crossed.ids()).toEqual([1]);
    crossed.sequencer.push(event(2));
    expect(crossed.ids()).toEqual([1, 2, 'deleted 2']);
    crossed.sequencer.stop();

    // Its message was deleted from the store before the bus brought it: the store has nothing for
    // it, so the deletion goes after the wait, and the late copy is dropped.
    const lost = await sequencerOver(1);
    lost.sequencer.push(event(1));
    lost.sequencer.push(deleted(2));
    await vi.waitFor(() => expect(lost.ids()).toEqual([1, 'deleted 2']));
    lost.sequencer.push(event(2));
    lost.sequencer.push(pong);
    expect(lost.ids()).toEqual([1, 'deleted 2', 'connection']);
    lost.sequencer.stop();
  });

  it('puts two crossed messages back in id order, and what came after them waits behind both', async () => {
    const { sequencer, ids } = await sequencerOver(3);
    sequencer.push(event(1));
    sequencer.push(event(3));
    sequencer.push(pong);
    expect(ids()).toEqual([1]);
    sequencer.push(event(2));
    expect(ids()).toEqual([1, 2, 3, 'connection']);
    sequencer.stop();
  });

  it('drops a copy of what it delivered, and what is older than the process', async () => {
    const { sequencer, ids } = await sequencerOver(7, 5);
    for (const id of [4, 6, 6, 5, 7, 7]) sequencer.push(event(id));
    expect(ids()).toEqual([6, 7]);
    sequencer.stop();
  });

  it('reads a message the bus lost from the store, in its place, with its ref for the sender', async () => {
    const { sequencer, delivered, ids } = await sequencerOver(3);
    sequencer.remember(2, { connectionId: 'c', ref: 'mine' });
    sequencer.push(event(1));
    sequencer.push(event(3));
    sequencer.push(pong);
    await vi.waitFor(() => expect(ids()).toEqual([1, 2, 3, 'connection']));
    expect(delivered[1]).toMatchObject({ kind: 'room', room: 'lobby', message: { id: 2, data: 'm2' }, origin: { ref: 'mine' } });
    sequencer.stop();
  });

  it('finds what the bus never brought, with nothing after it, by looking at the store', async () => {
    const { sequencer, ids } = await sequencerOver(2);
    sequencer.push(event(1));
    await vi.waitFor(() => expect(ids()).toEqual([1, 2]));
    sequencer.stop();
  });

  it('while the bus is away, reads the other processes’ messages at each look; once back, at once', async () => {
    const { sequencer, ids, commit } = await sequencerOver(1);
    sequencer.disconnected();
    await vi.waitFor(() => expect(ids()).toEqual([1]));
    commit(2);
    commit(3);
    sequencer.reconnected();
    await vi.waitFor(() => expect(ids()).toEqual([1, 2, 3]));
    commit(4);
    sequencer.push(event(3));
    sequencer.push(event(4));
    expect(ids()).toEqual([1, 2, 3, 4]);
    sequencer.stop();
  });

  it('past maxCatchUp missed, sends none of them live but has every connection resume, then goes on', async () => {
    const { sequencer, ids, behind } = await sequencerOver(80);
    sequencer.push(event(80));
    await vi.waitFor(() => expect(behind).toEqual([79]));
    expect(ids()).toEqual([80]);
    sequencer.stop();
  });
});

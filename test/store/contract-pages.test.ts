// The Store contract, continued (test/helpers/engines.ts: SQLite and PostgreSQL alike): a history
// page comes with the change number it is complete up to (`roomPage`, `dmPage`), the number a
// `history` frame carries and a client resumes its changes from. Every change numbered up to it
// must show in the page, however many writes run while pages are read.
import { expect, it } from 'vitest';
import type { StoredMessage } from '../../src/shared/protocol/index.js';
import { forEachEngine } from '../helpers/engines.js';

const alice = { id: 'pages-alice', name: 'Alice', image: 1 };
const bob = { id: 'pages-bob', name: 'Bob', image: 2 };

forEachEngine('pages and their change numbers', [alice, bob], (fresh) => {
  it('a page carries the last change, also when it is empty, and holds what roomHistory and dmHistory hold', async () => {
    const store = await fresh();
    expect(await store.roomPage('lobby', { limit: 10 })).toEqual({ messages: [], change: 0 });
    const said = await store.addChat({ room: 'lobby', user: alice, data: 'hello', ts: 10 });
    const dm = await store.addDm({ user: alice, to: bob, data: 'psst', ts: 11 });
    await store.editMessage({ id: said.id, data: 'hello there', at: 12 });
    await store.toggleReaction(dm.id, bob.id, '👍', 20);

    const room = await store.roomPage('lobby', { limit: 10 });
    expect(room.change).toBe(2);
    expect(room.messages).toEqual(await store.roomHistory('lobby', { limit: 10 }));
    expect(room.messages[0]).toMatchObject({ data: 'hello there', change: 1 });
    const pair = await store.dmPage(bob.id, alice.id, { limit: 10 });
    expect(pair).toEqual({ messages: await store.dmHistory(alice.id, bob.id, { limit: 10 }), change: 2 });
    // An empty page still says how far the changes go: nothing of it can be missed after that.
    expect(await store.roomPage('lobby', { limit: 10, before: said.id })).toEqual({ messages: [], change: 2 });
  });

  it('every change numbered up to a page’s number shows in it, while changes are being made', async () => {
    const store = await fresh();
    const messages: StoredMessage[] = [];
    for (let i = 0; i < 5; i++) messages.push(await store.addChat({ room: 'lobby', user: alice, data: `m${i}`, ts: 20 + i }));
    // Each change made, by its number: the message it was made to.
    const changedMessage = new Map<number, number>();
    const toggles = (async () => {
      for (let i = 0; i < 60; i++) {
        const target = messages[i % messages.length]!;
        const outcome = await store.toggleReaction(target.id, i % 2 ? alice.id : bob.id, '👍', 20);
        if (outcome && outcome !== 'too_many') changedMessage.set(outcome.change, target.id);
      }
    })();
    const pages: { messages: StoredMessage[]; change: number }[] = [];
    const reads = (async () => {
      for (let i = 0; i < 60; i++) pages.push(await store.roomPage('lobby', { limit: 10 }));
    })();
    await Promise.all([toggles, reads]);

    expect(changedMessage.size).toBe(60);
    for (const page of pages) {
      for (const message of page.messages) {
        // The newest change to this message at or below the page's number: the message must carry it, or a later one.
        const covered = [...changedMessage].filter(([change, id]) => id === message.id && change <= page.change).map(([change]) => change);
        expect(message.change ?? 0).toBeGreaterThanOrEqual(Math.max(0, ...covered));
      }
    }
  });
});

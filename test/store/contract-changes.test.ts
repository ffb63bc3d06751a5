// The Store contract for a stretch of changes (`changesBetween`, which the change sequencer reads its
// gaps from, in pages) on every engine: each current change once, in its own number's order, and a
// page that the limit cuts ends at a change, so that the next page from there misses none.
import { expect, it } from 'vitest';
import type { MessageChange } from '../../src/store/changes.js';
import { forEachEngine } from '../helpers/engines.js';

const alice = { id: 'changes-alice', name: 'Alice', image: 1 };
const bob = { id: 'changes-bob', name: 'Bob', image: 2 };

const seen = (changes: MessageChange[]) => changes.map(({ kind, message, change }) => [change, kind, message.data]);

forEachEngine('a stretch of changes', [alice, bob], (fresh) => {
  it('pages the changes in their own order: a message changed early and again late is not put after the others', async () => {
    const store = await fresh();
    const [a, b, c] = [await store.addChat({ room: 'lobby', user: alice, data: 'a', ts: 1 }), await store.addChat({ room: 'lobby', user: alice, data: 'b', ts: 2 }), await store.addChat({ room: 'lobby', user: alice, data: 'c', ts: 3 })];
    await store.editMessage({ id: a.id, data: 'a1', at: 10 });
    await store.editMessage({ id: b.id, data: 'b2', at: 11 });
    await store.editMessage({ id: c.id, data: 'c3', at: 12 });
    await store.toggleReaction(a.id, bob.id, '👍', 20);
    const last = await store.lastChange();
    expect(last).toBe(4);

    expect(seen(await store.changesBetween(0, last, 10))).toEqual([[1, 'edited', 'a1'], [2, 'edited', 'b2'], [3, 'edited', 'c3'], [4, 'reactions', 'a1']]);
    // Two pages of two: the first ends at a change, the second goes on from it.
    expect(seen(await store.changesBetween(0, last, 2))).toEqual([[1, 'edited', 'a1'], [2, 'edited', 'b2']]);
    expect(seen(await store.changesBetween(2, last, 2))).toEqual([[3, 'edited', 'c3'], [4, 'reactions', 'a1']]);
    expect(await store.changesBetween(last, last + 10, 2)).toEqual([]);
    // Within the bounds only: a's edit is before, its reaction after.
    expect(seen(await store.changesBetween(1, 3, 10))).toEqual([[2, 'edited', 'b2'], [3, 'edited', 'c3']]);
    // The message as it is now, its reactions with it.
    expect((await store.changesBetween(3, 4, 1))[0]!.message).toMatchObject({ id: a.id, data: 'a1', reactions: [{ emoji: '👍', count: 1 }] });
  });

  it('makes an edit to the text a message has already nothing: `unchanged`, no change number taken, the message as it was', async () => {
    const store = await fresh();
    const said = await store.addChat({ room: 'lobby', user: alice, data: 'same', ts: 1 });
    expect(await store.editMessage({ id: said.id, data: 'same', at: 10 })).toBe('unchanged');
    expect(await store.lastChange()).toBe(0);
    expect((await store.roomHistory('lobby', { limit: 1 }))[0]).toEqual(said);
    expect(await store.editMessage({ id: said.id, data: 'other', at: 11 })).toMatchObject({ kind: 'edited', change: 1 });
    expect(await store.editMessage({ id: said.id, data: 'other', at: 12 })).toBe('unchanged');
    expect(await store.lastChange()).toBe(1);
  });

  it('reads only what is current: not a change a later one of its kind replaced, nor a deleted room’s', async () => {
    const store = await fresh();
    await store.createRoom('gone', 1, alice.id);
    const kept = await store.addChat({ room: 'lobby', user: alice, data: 'kept', ts: 1 });
    const there = await store.addChat({ room: 'gone', user: alice, data: 'there', ts: 2 });
    const dm = await store.addDm({ user: alice, to: bob, data: 'hi', ts: 3 });
    await store.editMessage({ id: kept.id, data: 'kept1', at: 10 }); // 1, replaced by the deletion (4)
    await store.toggleReaction(kept.id, bob.id, '👍', 20); // 2, gone with the deletion
    await store.editMessage({ id: there.id, data: 'there1', at: 11 }); // 3, in a room deleted below
    await store.deleteMessage(kept.id, 12); // 4
    await store.toggleReaction(dm.id, bob.id, '🎉', 20); // 5
    expect(await store.deleteRoom('gone', 13)).toBe(true);

    const changes = await store.changesBetween(0, await store.lastChange(), 2);
    expect(seen(changes)).toEqual([[4, 'deleted', ''], [5, 'reactions', 'hi']]);
    expect(changes[1]!.message).toMatchObject({ type: 'dm', id: dm.id, user: { id: alice.id }, to: { id: bob.id } });
  });
});

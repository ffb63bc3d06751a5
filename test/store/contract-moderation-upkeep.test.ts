// Moderation's rows are bounded by the upkeep, on both engines: a block that ran out goes with the
// next sweep (a live one stays), and the last sign-in address of a guest the sweep removes goes
// with them (an account's stays).
import { expect, it } from 'vitest';
import { newUserId } from '../../src/identity/ids.js';
import { forEachEngine } from '../helpers/engines.js';

const MAX_AGE = 1000;
const NOW = 1_000_000;

forEachEngine('moderation upkeep', [], (fresh) => {
  it('sweeps blocks that ran out and the addresses of the guests it removes, and nothing else', async () => {
    const store = await fresh();
    await store.moderation.block('203.0.113.1', NOW - 1, NOW - 500);
    await store.moderation.block('203.0.113.2', NOW + 60_000, NOW - 500);
    const gone = { id: newUserId(NOW - 10 * MAX_AGE), name: 'Gone', image: 0 };
    await store.addUser(gone, NOW - 10 * MAX_AGE);
    await store.moderation.noteAddress(gone.id, '198.51.100.9', NOW - 10 * MAX_AGE);
    const stays = { id: newUserId(NOW - 10), name: 'Stays', image: 0 };
    await store.addUser(stays, NOW - 10);
    await store.addSession('s-stays', stays.id, NOW - 10);
    await store.moderation.noteAddress(stays.id, '198.51.100.10', NOW - 10);

    for (let i = 0; i < 20 && (await store.sweep(NOW, MAX_AGE)).more; i++);
    // Asked as of before either ran out: the row of the one that did is gone, not merely past.
    expect((await store.moderation.blocks(NOW - 100)).map((block) => block.address)).toEqual(['203.0.113.2']);
    expect(await store.moderation.blockedUntil('203.0.113.2', NOW)).toBe(NOW + 60_000);
    expect(await store.getUser(gone.id)).toBeUndefined();
    expect(await store.moderation.lastAddress(gone.id)).toBeUndefined();
    expect(await store.moderation.lastAddress(stays.id)).toBe('198.51.100.10');
  });
});

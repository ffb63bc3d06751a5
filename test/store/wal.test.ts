// The write-ahead log stays bounded however the store is written to: writes that never pause
// (a flood of frames that each write) and writes that change nothing (a read marker that did not
// move). Real SQLite files in a temporary folder, the checkpoint worker running as in production.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SqliteEngine } from '../../src/store/sqlite/index.js';
import { tempDataDir } from '../helpers/server.js';
import { storeFixture } from '../helpers/store.js';
import { sleep } from '../helpers/wait.js';

const alice = { id: 'alice-id', name: 'Alice', image: 1 };
const open = storeFixture();

function walBytes(dir: string): number {
  try {
    return fs.statSync(path.join(dir, 'chat.db-wal')).size;
  } catch {
    return 0;
  }
}

/** One tick's group commit of `n` chats, as the hub makes them. */
function tick(store: SqliteEngine, n: number, text: string): void {
  store.beginBatch();
  for (let i = 0; i < n; i++) store.addChat({ room: 'lobby', user: alice, data: text, ts: Date.now() });
  store.commitBatch();
}


describe('the write-ahead log', () => {
  it('stays bounded under writes that never pause: past its limit the worker empties it', { timeout: 40_000 }, async () => {
    const dir = tempDataDir();
    const limit = 1024 * 1024;
    const store = open(dir, { walLimitBytes: limit });
    store.addUser(alice, Date.now());
    const text = 'x'.repeat(400);
    let largest = 0;
    let written = 0;
    // A commit every 2 ms until 30 times the limit went through the log (however slow the machine
    // is today), never a pause long enough for a passive checkpoint to catch up.
    const giveUp = Date.now() + 25_000;
    while (written <= 30 * limit && Date.now() < giveUp) {
      const before = walBytes(dir);
      tick(store, 10, text);
      written += Math.max(0, walBytes(dir) - before);
      largest = Math.max(largest, walBytes(dir));
      await sleep(2);
    }
    // Without the limit the log would hold everything written (tens of times the limit); with it,
    // the limit and what is written before the worker's next look (every 50 ms; the search index
    // catching up with a backlog writes in bursts).
    expect(written).toBeGreaterThan(20 * limit);
    expect(largest).toBeLessThan(8 * limit);
  });

  it('does not grow for read markers that do not move', () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.addUser(alice, Date.now());
    tick(store, 1, 'hello');
    const newest = store.lastMessageId();
    expect(store.markRead(alice.id, { room: 'lobby' }, newest)).toBe(true);
    const before = walBytes(dir);
    for (let i = 0; i < 1000; i++) {
      store.beginBatch();
      expect(store.markRead(alice.id, { room: 'lobby' }, newest)).toBe(false);
      store.commitBatch();
    }
    expect(walBytes(dir)).toBe(before);
  });
});

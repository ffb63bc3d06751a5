// A turn's batch keeps SQLite's statement journal in memory (engine.ts, temp_store). The background
// indexing runs inside the open batch, in a savepoint, and FTS5's merging there journals every page
// it rewrites: past 64 KiB SQLite moved that journal to a temp file of its own, made and deleted
// again batch after batch, which cost a busy turn up to half its time.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/server.js';
import { storeFixture } from '../helpers/store.js';

const alice = { id: 'alice-id', name: 'Alice', image: 1 };
const open = storeFixture();
const FDS = '/proc/self/fd';

/** SQLite's temp files this process has open (named etilqs_…, deleted as soon as made). */
function sqliteTempFiles(): number {
  let n = 0;
  for (const fd of fs.readdirSync(FDS)) {
    try {
      if (fs.readlinkSync(`${FDS}/${fd}`).includes('etilqs_')) n++;
    } catch {
      // closed meanwhile (the listing's own descriptor)
    }
  }
  return n;
}

describe.skipIf(!fs.existsSync(FDS))('a turn of chats and indexing', () => {
  it('keeps its statement journal in memory: no temp file in 200 turns, while the index merges', async () => {
    const store = open(tempDataDir());
    store.addUser(alice, Date.now());
    let turnsWithTempFiles = 0;
    let indexed = 0;
    for (let turn = 0; turn < 200; turn++) {
      store.beginBatch();
      for (let i = 0; i < 16; i++) store.addChat({ room: 'lobby', user: alice, data: `${turn}.${i} the quick brown fox jumps over the lazy dog`, ts: Date.now() });
      indexed += store.indexPending(64);
      if (sqliteTempFiles() > 0) turnsWithTempFiles++;
      store.commitBatch();
    }
    expect(indexed).toBe(200 * 16);
    expect(turnsWithTempFiles).toBe(0);
    expect((await store.search('jumps', { rooms: ['lobby'] }, 5)).length).toBe(5);
  });
});

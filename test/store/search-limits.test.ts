// What bounds one search (src/store/sqlite/searchQuery.ts, searchWorker.ts): the short path reads
// a fixed window through the indexes whatever the size of the store, the index is asked for a
// capped number of trigrams and the whole text is then checked (case-insensitively in any script),
// messages beyond the bounded catch-up are still found, and the worker keeps its time budget, its
// queue, and its head when its thread fails.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/shared/protocol/index.js';
import { SqliteEngine } from '../../src/store/sqlite/index.js';
import { RECENT_WINDOW } from '../../src/store/bounds.js';
import { ftsQuery, MAX_SEARCH_TRIGRAMS, SEARCH_SQL, searchJob } from '../../src/store/sqlite/searchQuery.js';
import { SearchWorker } from '../../src/store/sqlite/searchWorker.js';
import { SearchRefused } from '../../src/store/store.js';
import { tempDataDir } from '../helpers/server.js';
import { indexedUpTo, storeFixture } from '../helpers/store.js';

const alice: User = { id: 'alice-id', name: 'Alice', image: 1 };
const bob: User = { id: 'bob-id', name: 'Bob', image: 2 };
const open = storeFixture();
const ids = (hits: { id: number }[]) => hits.map((hit) => hit.id);

/** A store with `lobby` messages in the lobby, and after every `dmEvery`-th a DM between Alice and Bob, each way in turn. */
function seeded(lobby: number, text: (i: number) => string = (i) => `lobby message ${i}`, dmEvery = 2): { dir: string; store: SqliteEngine } {
  const dir = tempDataDir();
  const store = open(dir);
  store.addUser(alice, 1);
  store.addUser(bob, 1);
  store.beginBatch();
  for (let i = 0; i < lobby; i++) {
    store.addChat({ room: 'lobby', user: i % 2 ? alice : bob, data: text(i), ts: i });
    const [from, to] = i % (2 * dmEvery) ? [alice, bob] : [bob, alice];
    if (i % dmEvery === 0) store.addDm({ user: from, to, data: `dm ${i}`, ts: i });
  }
  store.commitBatch();
  return { dir, store };
}

/** How many messages the short path's statement looks at for Alice (lobby and her DMs), counted by its text test. */
function rowsLookedAt(dir: string, needle: string): number {
  const db = new Database(path.join(dir, 'chat.db'), { readonly: true });
  try {
    let looked = 0;
    db.function('search_in_time', () => 1);
    db.function('search_contains', (data: unknown, folded: unknown) => (looked++, String(data).includes(String(folded)) ? 1 : 0));
    db.prepare(SEARCH_SQL.recent).all({ rooms: '["lobby"]', dmsOf: alice.id, needle, window: RECENT_WINDOW, limit: 50 });
    return looked;
  } finally {
    db.close();
  }
}

describe('the short path (one or two characters)', () => {
  it('looks at the same bounded number of messages in a store four times the size, and finds nothing quickly', async () => {
    // Both past the window everywhere: the lobby, the DMs Alice sent and those she received.
    const small = seeded(5 * RECENT_WINDOW);
    const large = seeded(20 * RECENT_WINDOW);
    expect(rowsLookedAt(small.dir, 'zq')).toBe(3 * RECENT_WINDOW);
    expect(rowsLookedAt(large.dir, 'zq')).toBe(3 * RECENT_WINDOW);
    // Below the window, what there is: the lobby's 500 and its 250 DMs.
    expect(rowsLookedAt(seeded(500).dir, 'zq')).toBe(750);
    expect(await large.store.search('zq', { rooms: ['lobby'], dmsOf: alice.id }, 50)).toEqual([]);
  });

  it('finds what is in the window, newest first, and not what is older (the documented bound)', async () => {
    const { store } = seeded(3 * RECENT_WINDOW, (i) => (i === 10 || i === 3 * RECENT_WINDOW - 10 ? `rare 龘 ${i}` : `message ${i}`), 100);
    const found = await store.search('龘', { rooms: ['lobby'] }, 50);
    expect(found.map((hit) => hit.data)).toEqual([`rare 龘 ${3 * RECENT_WINDOW - 10}`]);
    // Three characters take the index, which has no such window.
    expect((await store.search('龘 1', { rooms: ['lobby'] }, 50)).map((hit) => hit.data)).toEqual(['rare 龘 10']);
  });
});

describe('the indexed path', () => {
  it('asks the index for at most MAX_SEARCH_TRIGRAMS distinct trigrams, each quoted', () => {
    expect(ftsQuery('a'.repeat(200))).toBe('"aaa"');
    expect(ftsQuery('say "hi"')).toBe('"say" AND "ay " AND "y """ AND " ""h" AND """hi" AND "hi"""');
    const long = ftsQuery(Array.from({ length: 200 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join(''));
    expect(long.split(' AND ')).toHaveLength(MAX_SEARCH_TRIGRAMS);
    expect(searchJob('你好', { rooms: ['lobby'] }, 50)).toMatchObject({ path: 'recent', window: RECENT_WINDOW });
    expect(searchJob('你好啊', { rooms: ['lobby'] }, 50)).toMatchObject({ path: 'indexed', match: '"你好啊"' });
  });

  it('matches the whole text, not only its trigrams, in any case and any script', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.addUser(alice, 1);
    const say = (data: string) => store.addChat({ room: 'lobby', user: alice, data, ts: 1 }).id;
    const [three, four, shouting, sigma, ecole, apart] = ['aaa', 'aaaa', 'xAAAAy', 'Η ΟΔΟΣ ΕΔΩ', 'une école', 'aaab baaa'].map(say);
    const lobby = { rooms: ['lobby'] };
    expect(ids(await store.search('aaaa', lobby, 50))).toEqual([shouting, four]);
    expect(ids(await store.search('aaa', lobby, 50))).toEqual([apart, shouting, four, three]);
    expect(ids(await store.search('a'.repeat(200), lobby, 50))).toEqual([]);
    // baa, aaa and aab are all in "aaab baaa", but not "baaab" itself
    expect(ids(await store.search('baaab', lobby, 50))).toEqual([]);
    // Σ lower-cases to ς at the end of a word, σ elsewhere; FTS5 folds both to σ, and so does the check.
    for (const q of ['οδος εδω', 'οδοσ εδω', 'ΟΔΟΣ ΕΔΩ']) expect(ids(await store.search(q, lobby, 50)), q).toEqual([sigma]);
    expect(ids(await store.search('ÉCOLE', lobby, 50))).toEqual([ecole]);
    expect(ids(await store.search('É', lobby, 50))).toEqual([ecole]);
  });

  it('finds messages beyond the bounded catch-up before a search, read from the table', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.addUser(alice, 1);
    const sent = Array.from({ length: 1000 }, (_, i) => store.addChat({ room: 'lobby', user: alice, data: `pending ${i} zebra`, ts: i }).id);
    expect(indexedUpTo(dir)).toBe(0);
    const searching = store.search('zebra', { rooms: ['lobby'] }, 50);
    // The catch-up indexed the oldest few hundred; the newest were not in the index when it was asked.
    const caughtUp = indexedUpTo(dir);
    expect(caughtUp).toBeGreaterThan(0);
    expect(caughtUp).toBeLessThan(sent.at(-50)!);
    expect(ids(await searching)).toEqual(sent.slice(-50).reverse());
    expect(ids(await store.search('pending 0 zebra', { rooms: ['lobby'] }, 50))).toEqual([sent[0]]);
  });
});

describe('the search worker', () => {
  const job = (text: string) => searchJob(text, { rooms: ['lobby'] }, 50);

  it('answers “timeout” past its budget, and searches again after that', async () => {
    const { dir } = seeded(20_000, (i) => `${'a'.repeat(30)}b ${i}`, 100);
    const store = new SqliteEngine(dir, { searchTimeoutMs: 1 });
    try {
      const slow = await store.search('a'.repeat(200), { rooms: ['lobby'] }, 50).catch((error: unknown) => error);
      expect(slow).toBeInstanceOf(SearchRefused);
      expect(slow).toMatchObject({ reason: 'timeout' });
    } finally {
      store.close();
    }
    expect(await open(dir).search('b 19999', { rooms: ['lobby'] }, 50)).toHaveLength(1);
  });

  it('ends a thread that does not answer in time and starts a new one for the next search', async () => {
    const { dir } = seeded(10);
    const options = { timeoutMs: 1, graceMs: 0, queueLength: 1 };
    const worker = new SearchWorker(path.join(dir, 'chat.db'), options);
    try {
      // No time for the thread even to start: it is ended, and the search answered.
      const first = worker.run(job('message'));
      const ended = worker.threadId;
      await expect(first).rejects.toMatchObject({ reason: 'timeout' });
      expect(worker.threadId).toBeUndefined();
      Object.assign(options, { timeoutMs: 5000, graceMs: 1000 });
      expect(await worker.run(job('message 9'))).toMatchObject([{ data: 'lobby message 9' }]);
      expect(worker.threadId).not.toBe(ended);
    } finally {
      worker.close();
    }
  });

  it('answers “unavailable” when its thread fails (here it cannot open the file), without taking the process down', async () => {
    const dir = tempDataDir();
    const worker = new SearchWorker(path.join(dir, 'chat.db'), { timeoutMs: 5000, queueLength: 1 });
    try {
      await expect(worker.run(job('anything'))).rejects.toMatchObject({ reason: 'unavailable' });
      await expect(worker.run(job('anything'))).rejects.toMatchObject({ reason: 'unavailable' });
      // Once the file is there, the next search starts a thread that works.
      const store = open(dir);
      store.addUser(alice, 1);
      store.addChat({ room: 'lobby', user: alice, data: 'found at last', ts: 1 });
      expect(await worker.run(job('at last'))).toMatchObject([{ data: 'found at last' }]);
    } finally {
      worker.close();
    }
  });

  it('refuses at once (“busy”) past its queue, and refuses what waits when it is closed', async () => {
    const { dir } = seeded(10);
    const worker = new SearchWorker(path.join(dir, 'chat.db'), { timeoutMs: 5000, queueLength: 1 });
    const running = worker.run(job('message'));
    const waiting = worker.run(job('message'));
    await expect(worker.run(job('message'))).rejects.toMatchObject({ reason: 'busy' });
    worker.close();
    await expect(running).rejects.toMatchObject({ reason: 'unavailable' });
    await expect(waiting).rejects.toMatchObject({ reason: 'unavailable' });
    await expect(worker.run(job('message'))).rejects.toMatchObject({ reason: 'unavailable' });
  });
});

// The store's upkeep happens beside the send path: the write-ahead log is folded into the database
// file by a worker thread, and the search index catches up with a backlog a chunk at a time. Real
// SQLite files in a temporary folder.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Checkpointer } from '../../src/store/sqlite/checkpointer.js';
import type { SqliteEngine } from '../../src/store/sqlite/index.js';
import { tempDataDir } from '../helpers/server.js';
import { expectIndexIntact, indexedUpTo, storeFixture } from '../helpers/store.js';
import { sleep, until } from '../helpers/wait.js';

const alice = { id: 'alice-id', name: 'Alice', image: 1 };
const open = storeFixture();

/** Messages as the database file alone has them, without its write-ahead log (as a copy of just the file would). */
function messagesInFileAlone(dir: string): number {
  const copy = fs.mkdtempSync(path.join(dir, 'copy-'));
  try {
    fs.copyFileSync(path.join(dir, 'chat.db'), path.join(copy, 'chat.db'));
    const db = new Database(path.join(copy, 'chat.db'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return -1; // copied in the middle of a checkpoint: try again
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

function say(store: SqliteEngine, n: number): number {
  let last = 0;
  for (let i = 0; i < n; i++) {
    store.beginBatch();
    last = store.addChat({ room: 'lobby', user: alice, data: `message ${i} about the weather`, ts: Date.now() }).id;
    store.commitBatch();
  }
  return last;
}

describe('write-ahead log', () => {
  it('is folded into the database file while the store goes on writing, and is gone after close', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.addUser(alice, Date.now());
    const rounds = 8;
    const perRound = 150;
    for (let round = 0; round < rounds; round++) {
      say(store, perRound);
      await sleep(100);
    }
    const total = rounds * perRound;
    // Nothing here asks for a checkpoint, and a commit does not run one: the worker does.
    await until('the database file alone to hold every message', () => messagesInFileAlone(dir), (n) => n === total, 5000);

    store.close();
    expect(fs.existsSync(path.join(dir, 'chat.db-wal'))).toBe(false);
    expect(open(dir).lastMessageId()).toBe(total);
  });

  it('stays small under steady writes instead of holding every page since the start', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.addUser(alice, Date.now());
    const walSize = () => fs.statSync(path.join(dir, 'chat.db-wal')).size;
    say(store, 300);
    const oneBurst = walSize();
    let largest = oneBurst;
    for (let round = 0; round < 24; round++) {
      await sleep(250);
      say(store, 300);
      largest = Math.max(largest, walSize());
    }
    // Twenty-five bursts were written over 6 s; the log never held half of them at once. (The worker
    // checkpoints every 500 ms; the margin is for a worker thread that a loaded machine, such as CI
    // running browsers beside it, did not schedule for a second or two: 6 of 13 bursts failed once there.)
    expect(largest).toBeLessThan(oneBurst * 12);
  });
});

describe('search index upkeep', () => {
  it('works through a backlog longer than one pass in the background, without a search asking', async () => {
    const dir = tempDataDir();
    const store = open(dir);
    store.addUser(alice, Date.now());
    const last = say(store, 1000);
    expect(indexedUpTo(dir)).toBe(0);
    // Passes of 64 messages, one per turn of the event loop once the timer starts them: well inside 3 s.
    await until('the index to reach the last message', () => indexedUpTo(dir), (upTo) => upTo === last, 3000);
    expectIndexIntact(dir);
    expect((await store.search('message 999 about', { rooms: ['lobby'] }, 10)).map((hit) => hit.id)).toEqual([last]);
  });
});

describe('the checkpoint worker', () => {
  it('says why when it stops unasked (here it cannot open the file), so that the store can take checkpoints back', async () => {
    const reasons: string[] = [];
    const worker = new Checkpointer(path.join(tempDataDir(), 'no-such.db'), (reason) => reasons.push(reason), () => {});
    try {
      await until('the worker to say it stopped', () => reasons.length, (n) => n > 0);
      expect(reasons[0]).toMatch(/unable to open database file \(SQLITE_CANTOPEN\)/);
    } finally {
      worker.close();
    }
    expect(reasons).toHaveLength(1);
  });

  it('says nothing when it is closed, and lets go of the file so that the last close removes the log', async () => {
    const file = path.join(tempDataDir(), 'chat.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x TEXT)');
    const reasons: string[] = [];
    const worker = new Checkpointer(file, (reason) => reasons.push(reason), () => {});
    for (let i = 0; i < 200; i++) db.prepare('INSERT INTO t VALUES (?)').run(`row ${i} ${'x'.repeat(1000)}`);
    // Only the worker checkpoints here (automatic checkpoints are off): the file grows when it has.
    await until('a checkpoint by the worker', () => fs.statSync(file).size, (size) => size > 200_000, 5000);
    worker.close();
    await sleep(100);
    expect(reasons).toEqual([]);
    db.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});

// The upkeep of users and sessions (src/store/sqlite/sweep.ts) on a real SQLite file: expired
// sessions go, guests nobody can be any more who left nothing go, everything else stays, and
// each call does a bounded batch.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { newUserId } from '../../src/identity/ids.js';
import { SWEEP_LIMITS } from '../../src/store/bounds.js';
import type { SqliteEngine } from '../../src/store/sqlite/index.js';
import type { SweepCounts } from '../../src/store/store.js';
import { tempDataDir } from '../helpers/server.js';
import { storeFixture } from '../helpers/store.js';

const open = storeFixture();
const MAX_AGE = 1000;
const NOW = 1_000_000;
const LONG_AGO = NOW - 10 * MAX_AGE;

/** A user as a sign-in makes one (with its session), at `at`. */
function signedIn(store: SqliteEngine, name: string, at: number) {
  const user = { id: newUserId(at), name, image: 0 };
  store.addUser(user, at);
  store.addSession(`s-${user.id}`, user.id, at);
  return user;
}

/** Sweeps until a call says there is no more to do; the counts of every call. */
function sweepAll(store: SqliteEngine, now = NOW) {
  const calls: SweepCounts[] = [];
  for (let i = 0; i < 1000; i++) {
    const counts = store.sweep(now, MAX_AGE);
    calls.push(counts);
    if (!counts.more) break;
  }
  return calls;
}

function rows(dir: string, sql: string): unknown[] {
  const db = new Database(path.join(dir, 'chat.db'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('the upkeep of users and sessions', () => {
  it('removes expired sessions and guests who left nothing, and keeps everyone else', () => {
    const dir = tempDataDir();
    const store = open(dir);
    const guest = signedIn(store, 'Gone Guest', LONG_AGO);
    const joiner = signedIn(store, 'Joined Once', LONG_AGO);
    store.createRoom('hall', LONG_AGO);
    store.addMembership(joiner.id, 'hall', LONG_AGO);
    const noSession = { id: newUserId(LONG_AGO), name: 'Cookie Only', image: 0 };
    store.addUser(noSession, LONG_AGO);
    const writer = signedIn(store, 'Writer', LONG_AGO);
    const dmReceiver = signedIn(store, 'Got A DM', LONG_AGO);
    const dmSender = signedIn(store, 'Sent A DM', LONG_AGO);
    const live = signedIn(store, 'Live', NOW - MAX_AGE / 2);
    const youngNoSession = { id: newUserId(NOW - 10), name: 'Young Cookie', image: 0 };
    store.addUser(youngNoSession, NOW - 10);
    // An old user who signed in again since (not something sign-in does, but the rule holds).
    const renewed = signedIn(store, 'Renewed', LONG_AGO);
    store.addSession('renewed-now', renewed.id, NOW - 10);
    store.beginBatch();
    store.addChat({ room: 'lobby', user: writer, data: 'I was here', ts: LONG_AGO });
    store.addDm({ user: dmSender, to: dmReceiver, data: 'psst', ts: LONG_AGO });
    store.commitBatch();

    const calls = sweepAll(store);
    const total = calls.reduce((sum, c) => ({ sessions: sum.sessions + c.sessions, users: sum.users + c.users }), { sessions: 0, users: 0 });
    expect(total.users).toBe(3);
    for (const user of [guest, joiner, noSession]) expect(store.getUser(user.id), user.name).toBeUndefined();
    for (const user of [writer, dmReceiver, dmSender, live, youngNoSession, renewed]) expect(store.getUser(user.id), user.name).toBeDefined();
    // Every expired session went (the keepers' too: they are no identity any more), and only those.
    expect(total.sessions).toBe(6);
    expect(store.getSession(`s-${live.id}`)).toBeDefined();
    expect(store.getSession('renewed-now')).toBeDefined();
    expect(store.getSession(`s-${writer.id}`)).toBeUndefined();
    // What the removed users owned went with them; nothing points at a user that is not there.
    expect(store.roomsOf(joiner.id)).toEqual(['lobby']);
    expect(rows(dir, 'SELECT user_id FROM reads WHERE user_id NOT IN (SELECT id FROM users)')).toEqual([]);
    expect(rows(dir, 'PRAGMA foreign_key_check')).toEqual([]);
    // Messages and who wrote them are as they were.
    expect(store.roomHistory('lobby', { limit: 10 }).map((m) => m.user.id)).toEqual([writer.id]);
    expect(store.dmHistory(dmSender.id, dmReceiver.id, { limit: 10 })).toHaveLength(1);
    // Foreign keys are enforced again afterwards.
    expect(() => store.addSession('orphan', 'nobody-at-all', NOW)).toThrow(/FOREIGN KEY/);
  });

  it('works in bounded batches: sessions, users, and the messages it reads before removing anyone', () => {
    const dir = tempDataDir();
    const store = open(dir);
    const guests = Math.max(SWEEP_LIMITS.sessions, SWEEP_LIMITS.removals * 2) + 5;
    for (let i = 0; i < guests; i++) signedIn(store, `Guest ${i}`, LONG_AGO + i);
    const writer = signedIn(store, 'Chatty', LONG_AGO);
    store.beginBatch();
    for (let i = 0; i < SWEEP_LIMITS.messages + 10; i++) store.addChat({ room: 'lobby', user: writer, data: `m${i}`, ts: LONG_AGO });
    store.commitBatch();

    // First call: the oldest sessions only, and no user before every message has been read.
    expect(store.sweep(NOW, MAX_AGE)).toEqual({ sessions: SWEEP_LIMITS.sessions, users: 0, more: true });
    const calls = sweepAll(store);
    for (const call of calls) {
      expect(call.sessions).toBeLessThanOrEqual(SWEEP_LIMITS.sessions);
      expect(call.users).toBeLessThanOrEqual(SWEEP_LIMITS.removals);
    }
    // It said so until the last call, and the last one found nothing left.
    expect(calls.slice(0, -1).every((call) => call.more)).toBe(true);
    expect(store.sweep(NOW, MAX_AGE)).toEqual({ sessions: 0, users: 0, more: false });
    expect(calls.reduce((sum, c) => sum + c.users, 0)).toBe(guests);
    expect(calls.filter((c) => c.users > 0).length).toBeGreaterThanOrEqual(3);
    expect(rows(dir, 'SELECT count(*) AS n FROM users')).toEqual([{ n: 1 }]);
    expect(rows(dir, 'SELECT count(*) AS n FROM sessions')).toEqual([{ n: 0 }]);
  });

  it('waits while a group-commit batch is open', () => {
    const store = open(tempDataDir());
    signedIn(store, 'Old', LONG_AGO);
    store.beginBatch();
    expect(store.sweep(NOW, MAX_AGE)).toEqual({ sessions: 0, users: 0, more: false });
    store.commitBatch();
    expect(sweepAll(store).reduce((sum, c) => sum + c.users, 0)).toBe(1);
  });
});

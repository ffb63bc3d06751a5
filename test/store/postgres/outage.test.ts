// The PostgreSQL store through an outage, on a server of the test's own that it stops and starts
// (test/helpers/ownPostgres.ts): while it is away every call rejects as StoreUnavailable and the
// health check says so (one query a second, however many ask); a transaction cut off mid-way
// rejects its writes without ending the process; once it is back the same store reads and
// writes again on new connections; a store opened while it is away waits for it, for a bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { GroupCommit } from '../../../src/store/postgres/groupCommit.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { openPool } from '../../../src/store/postgres/pool.js';
import { StoreUnavailable } from '../../../src/store/unavailable.js';
import { ownPostgresForTests, startOwnPostgres, type OwnPostgres } from '../../helpers/ownPostgres.js';
import { sleep, until } from '../../helpers/wait.js';

const alice = { id: 'outage-alice', name: 'Alice', image: 1 };

describe.skipIf(!ownPostgresForTests())('the PostgreSQL store through an outage', () => {
  let server: OwnPostgres;
  beforeAll(async () => {
    server = await startOwnPostgres();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('rejects every call as StoreUnavailable while PostgreSQL is stopped, says so when asked, and works again once it is back', async () => {
    const store = await PostgresStore.open(server.url);
    try {
      await store.addUser(alice, 1);
      const before = await store.addChat({ room: 'lobby', user: alice, data: 'before', ts: 1 });
      // Several connections in the pool, idle when the server goes: each one's loss must be survived.
      await Promise.all(Array.from({ length: 6 }, () => store.listRooms()));
      expect(await store.reachable()).toBe(true);

      await server.stop();
      await expect(store.addChat({ room: 'lobby', user: alice, data: 'during', ts: 2 })).rejects.toBeInstanceOf(StoreUnavailable);
      // Changes too, alone or after the other writes of their turn (each is a statement of its own).
      await expect(store.toggleReaction(before.id, alice.id, '👍', 20)).rejects.toBeInstanceOf(StoreUnavailable);
      const turn = [store.addChat({ room: 'lobby', user: alice, data: 'during', ts: 2 }), store.editMessage({ id: before.id, data: 'during', at: 2 })];
      for (const write of await Promise.allSettled(turn)) expect(write).toMatchObject({ status: 'rejected', reason: expect.any(StoreUnavailable) });
      await expect(store.findRoom('lobby')).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.roomHistory('lobby', { limit: 10 })).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.unreadOf(alice.id)).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.search('before', { rooms: ['lobby'] }, 10)).rejects.toBeInstanceOf(StoreUnavailable);
      // The health answer is kept a second: within a little more it says the store is away.
      await until('reachable() to say false', () => store.reachable(), (reachable) => !reachable, 5000);

      await server.start();
      await until('reachable() to say true', () => store.reachable(), (reachable) => reachable, 5000);
      const after = await store.addChat({ room: 'lobby', user: alice, data: 'after', ts: 3 });
      expect(after.id).toBeGreaterThan(before.id);
      expect((await store.roomHistory('lobby', { limit: 10 })).map((m) => m.data)).toEqual(['before', 'after']);
    } finally {
      await store.close();
    }
  });

  it('asks PostgreSQL once for a burst of health checks, and again only after a second', async () => {
    const store = await PostgresStore.open(server.url);
    try {
      let queries = 0;
      (Reflect.get(Reflect.get(store, 'health'), 'pool') as pg.Pool).on('acquire', () => queries++);
      const answers = await Promise.all(Array.from({ length: 50 }, () => store.reachable()));
      expect(answers.every(Boolean)).toBe(true);
      expect(await store.reachable()).toBe(true);
      expect(queries).toBe(1);
      await sleep(1100);
      expect(await store.reachable()).toBe(true);
      expect(queries).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('rejects the writes of a transaction cut off by the server stopping, without ending the process, and commits the next on a new connection', async () => {
    const pool = openPool(server.url, { max: 2, name: 'outage test' });
    const noMessages = () => Promise.reject(new Error('this test adds no message'));
    const commits = new GroupCommit(pool, { insert: noMessages, insertTakingIds: noMessages });
    try {
      // A write still running when the server ends every connection.
      const cut = commits.write((tx) => tx.query('SELECT pg_sleep(30)')).then(
        () => 'kept',
        (error: unknown) => error,
      );
      await until('the write to be running', () => pool.totalCount - pool.idleCount, (busy) => busy === 1, 5000);
      await server.stop();
      expect(await cut).toBeInstanceOf(StoreUnavailable);
      await expect(commits.write((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(StoreUnavailable);

      await server.start();
      const { rows } = await commits.write((tx) => tx.query<{ answer: number }>('SELECT 42 AS answer'));
      expect(rows).toEqual([{ answer: 42 }]);
    } finally {
      await commits.close();
      await pool.end();
    }
  });

  it('waits at open for a PostgreSQL that is not up yet, within DATABASE_WAIT_MS, and gives up after it', async () => {
    await server.stop();
    await expect(PostgresStore.open(server.url, { wait: { waitMs: 0 } })).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(PostgresStore.open(server.url, { wait: { waitMs: 1500 } })).rejects.toBeInstanceOf(StoreUnavailable);

    const waits: number[] = [];
    let started: Promise<void> | undefined;
    const opening = PostgresStore.open(server.url, {
      wait: {
        waitMs: 30_000,
        onWaiting: (_reason, waitedMs) => {
          waits.push(waitedMs);
          started ??= server.start();
        },
      },
    });
    const store = await opening;
    try {
      await started;
      expect(waits.length).toBeGreaterThan(0);
      expect(await store.listRooms()).toEqual([expect.objectContaining({ name: 'lobby' })]);
    } finally {
      await store.close();
    }
  });
});

// Message ids on PostgreSQL with several processes writing (src/store/postgres/messageIds.ts):
// dense and committed in id order, so that a reader resuming after the last id it saw never skips
// one. First with the commits forced out of order: a slow process holds its transaction open after
// taking its id, and another's message must wait for it rather than commit a higher id first. Then
// two stores writing in bursts at once while readers resume in a loop, as clients and processes do.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../src/shared/protocol/index.js';
import type { GroupCommit } from '../../../src/store/postgres/groupCommit.js';
import { PostgresStore, type PostgresOptions } from '../../../src/store/postgres/index.js';
import { TAKE_IDS } from '../../../src/store/postgres/messageIds.js';
import { MESSAGES_SQL } from '../../../src/store/postgres/messages.js';
import { createTestDatabase, postgresForTests, withClient, type TestDatabase } from '../../helpers/postgres.js';
import { until } from '../../helpers/wait.js';

const alice = { id: 'order-alice', name: 'Alice', image: 1 };
const bob = { id: 'order-bob', name: 'Bob', image: 2 };

/**
 * A reader resuming in a loop, as a client does after each reconnect: asks for what comes after
 * the last id it saw, keeps it, and goes on from the newest; until stopped, then once more.
 */
function resumingReader(read: (after: number) => Promise<StoredMessage[]>) {
  const reader = readingLoop(read);
  readers.push(reader);
  return reader;
}

/** The readers of the test under way: stopped before its stores close, should it fail. */
const readers: { stop(): Promise<unknown> }[] = [];

function readingLoop(read: (after: number) => Promise<StoredMessage[]>) {
  const seen: StoredMessage[] = [];
  let stopped = false;
  let rounds = 0;
  const running = (async () => {
    for (;;) {
      const last = stopped;
      const page = await read(seen.at(-1)?.id ?? 0);
      seen.push(...page);
      rounds++;
      if (last && page.length === 0) return;
    }
  })();
  return {
    seen,
    get rounds() {
      return rounds;
    },
    /** Stops once it has read after everything written before this call. */
    async stop(): Promise<StoredMessage[]> {
      stopped = true;
      await running;
      return seen;
    },
  };
}

/** How many sessions of the database sit in a transaction, doing nothing. */
const idleInTransaction = (url: string) =>
  withClient(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'",
    );
    return rows[0]!.n;
  });

describe.skipIf(!(await postgresForTests()))('message ids across processes on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  const opened: { end(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.allSettled(readers.splice(0).map((reader) => reader.stop()));
    for (const one of opened.splice(0).reverse()) await one.end();
    await database?.drop();
    database = undefined;
  });

  /** A process's store on the test's database. */
  async function startProcess(options: PostgresOptions = {}): Promise<PostgresStore> {
    database ??= await createTestDatabase();
    const store = await PostgresStore.open(database.url, options);
    opened.push({ end: () => store.close() });
    await Promise.all([store.addUser(alice, 1), store.addUser(bob, 1)]);
    return store;
  }

  it('holds back a message whose commit would overtake a lower id still being committed, then gives it the next id', async () => {
    const other = await startProcess();
    const reader = resumingReader((after) => other.messagesSince(after, ['lobby'], alice.id));
    // The slow process: takes its id as the store does, adds its message, and is not done yet.
    const slow = new pg.Client({ connectionString: database!.url });
    await slow.connect();
    opened.push({ end: () => slow.end() });
    await slow.query('BEGIN');
    const slowId = Number((await slow.query<{ last: string }>(TAKE_IDS, [1])).rows[0]!.last);
    await slow.query(MESSAGES_SQL.addMessages, [[slowId], [1], ['lobby'], [alice.id], [null], [null], ['slow'], [null], [null]]);

    let settled = false;
    const fast = other.addDm({ user: bob, to: alice, data: 'fast', ts: 2 }).finally(() => (settled = true));
    // The other process's transaction waits on the slow one's lock (as a third connection sees)...
    const slowPid = (await slow.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const watcher = new pg.Client({ connectionString: database!.url });
    await watcher.connect();
    opened.push({ end: () => watcher.end() });
    const waitingForSlow = async () =>
      (await watcher.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [slowPid])).rows[0]!.n;
    await until('the other process to wait for the slow one', waitingForSlow, (waiting) => waiting === 1);
    // ...while the reader keeps asking, and sees neither message.
    const rounds = reader.rounds;
    await until('the reader to ask a few more times', () => reader.rounds, (now) => now >= rounds + 3);
    expect(settled).toBe(false);
    expect(reader.seen).toEqual([]);

    await slow.query('COMMIT');
    const fastMessage = await fast;
    expect(fastMessage.id).toBe(slowId + 1);
    const seen = await reader.stop();
    expect(seen.map((m) => [m.id, m.data])).toEqual([
      [slowId, 'slow'],
      [slowId + 1, 'fast'],
    ]);
  });

  it('ends the transaction of a process frozen while holding the ids, so that the others wait for it a bounded time', async () => {
    const frozen = await startProcess({ idleInTransactionMs: 300 });
    const other = await startProcess();
    // The frozen process: its group commit has taken the id of a message, and then a write of
    // the same turn does not come back (as if the process had stopped there).
    let wake = () => {};
    const asleep = new Promise<void>((resolve) => (wake = resolve));
    opened.push({ end: async () => wake() });
    const lost = frozen.addChat({ room: 'lobby', user: bob, data: 'lost in the freeze', ts: 1 });
    const stuck = (Reflect.get(frozen, 'commits') as GroupCommit).write(() => asleep);
    // Seen to now, so that a failure earlier in the test does not leave their rejections unheard.
    lost.catch(() => {});
    stuck.catch(() => {});
    await until('the frozen process to sit in its transaction', () => idleInTransaction(database!.url), (sessions) => sessions === 1);
    const message = await other.addChat({ room: 'lobby', user: alice, data: 'after the freeze', ts: 2 });
    // PostgreSQL ended the idle transaction (else this would wait for ever): its id, never committed, is the next one's.
    expect(message.id).toBe(1);
    // The frozen process wakes: what it was committing fails, and it goes on (no unheard error ends it).
    wake();
    await expect(lost).rejects.toThrow(/connection/);
    await expect(stuck).rejects.toThrow(/connection/);
    expect((await frozen.addChat({ room: 'lobby', user: bob, data: 'awake', ts: 3 })).id).toBe(2);
    expect((await other.messagesBetween(0, 10, 10)).map((m) => m.data)).toEqual(['after the freeze', 'awake']);
  });

  it('gives two processes writing in bursts at once ids 1..N with no hole, and resuming readers every message once, in id order', async () => {
    const [first, second, reader] = [await startProcess(), await startProcess(), await startProcess()];
    await first.createRoom('dev', 1, alice.id);
    // A client resuming its rooms and DMs, and a process filling gaps by id range.
    const client = resumingReader((after) => reader.messagesSince(after, ['lobby', 'dev'], alice.id, 50));
    const gaps = resumingReader((after) => reader.messagesBetween(after, Number.MAX_SAFE_INTEGER, 50));

    const BURSTS = 10;
    const BURST = 30;
    /** Bursts of one turn each (one transaction): chats in two rooms and DMs, a read marker moved before and after. */
    async function write(store: PostgresStore, name: string): Promise<StoredMessage[]> {
      const written: StoredMessage[] = [];
      for (let burst = 0; burst < BURSTS; burst++) {
        // Each process moves the two markers in the other order: rows that two transactions lock in
        // opposite orders, which must not deadlock with the ids' lock (taken first, before either).
        const [before, after] = name === 'first' ? [alice, bob] : [bob, alice];
        const marker = store.markRead(before.id, { room: 'lobby' }, burst * 2 + 1);
        const messages = Array.from({ length: BURST }, (_, i) => {
          const data = `${name} ${burst}.${i}`;
          if (i % 3 === 0) return store.addDm({ user: i % 2 ? alice : bob, to: i % 2 ? bob : alice, data, ts: burst });
          return store.addChat({ room: i % 3 === 1 ? 'lobby' : 'dev', user: i % 2 ? alice : bob, data, ts: burst });
        });
        const marker2 = store.markRead(after.id, { room: 'lobby' }, burst * 2 + 2);
        written.push(...(await Promise.all(messages)));
        await Promise.all([marker, marker2]);
      }
      return written;
    }
    const written = (await Promise.all([write(first, 'first'), write(second, 'second')])).flat();
    const roundsWhileWriting = client.rounds;
    const total = 2 * BURSTS * BURST;
    const byId = written.sort((a, b) => a.id - b.id);
    expect(byId.map((m) => m.id)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Each process's own messages in the order it wrote them.
    for (const name of ['first', 'second']) {
      const own = byId.filter((m) => m.data.startsWith(`${name} `)).map((m) => m.data);
      expect(own).toEqual(Array.from({ length: BURSTS * BURST }, (_, i) => `${name} ${Math.floor(i / BURST)}.${i % BURST}`));
    }

    for (const seen of [await client.stop(), await gaps.stop()]) expect(seen).toEqual(byId);
    // The reader was reading while the writers wrote, not only after.
    expect(roundsWhileWriting).toBeGreaterThan(2);
  });
});

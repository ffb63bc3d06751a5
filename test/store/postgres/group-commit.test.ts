// The group commit on PostgreSQL (src/store/postgres/groupCommit.ts): the writes of one turn of the
// event loop are one transaction (the rows they add share their xmin, the id of the transaction
// that wrote them), a commit that fails rejects every write of it and keeps none, a write that
// fails on its own leaves the others of its turn committed (in the same transaction still), and
// the ids follow the order of the writes from one transaction to the next, with no hole; the
// changes of a turn are made after its other writes, each alone.
import { afterEach, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { freshPostgresStore, postgresForTests } from '../../helpers/postgres.js';

const alice = { id: 'gc-alice', name: 'Alice', image: 1 };
const bob = { id: 'gc-bob', name: 'Bob', image: 2 };
/** Not a user of the store: a message from them breaks a foreign key. */
const ghost = { id: 'gc-ghost', name: 'Ghost', image: 3 };

/** The store's own pool (private), to look at what the database holds and to change it for a test. */
const poolOf = (store: PostgresStore) => Reflect.get(store, 'pool') as import('pg').Pool;

/** The transaction that added each message (its xmin), by text. */
async function writers(store: PostgresStore): Promise<Map<string, string>> {
  const { rows } = await poolOf(store).query<{ data: string; xmin: string }>('SELECT data, xmin::text AS xmin FROM messages ORDER BY id');
  return new Map(rows.map((row) => [row.data, row.xmin]));
}

/** A check made at COMMIT (a deferred constraint trigger): a transaction that added 'poison' fails as a whole there. */
async function refuseAtCommit(store: PostgresStore): Promise<void> {
  await poolOf(store).query(`
    CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'poison at commit'; END $$;
    CREATE CONSTRAINT TRIGGER refuse_poison AFTER INSERT ON messages DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.data = 'poison') EXECUTE FUNCTION refuse_poison();`);
}

describe.skipIf(!(await postgresForTests()))('the group commit on PostgreSQL', () => {
  const opened: PostgresStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  async function fresh(): Promise<PostgresStore> {
    const store = await freshPostgresStore();
    opened.push(store);
    await Promise.all([store.addUser(alice, 1), store.addUser(bob, 1)]);
    return store;
  }

  it('commits the writes of one turn in one transaction, and those of the next turn in another', async () => {
    const store = await fresh();
    const first = [
      store.addChat({ room: 'lobby', user: alice, data: 'one', ts: 1 }),
      store.addDm({ user: alice, to: bob, data: 'two', ts: 2 }),
      store.createRoom('dev', 3, alice.id),
      store.addChat({ room: 'lobby', user: bob, data: 'three', ts: 4 }),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [store.addChat({ room: 'lobby', user: alice, data: 'four', ts: 5 }), store.addChat({ room: 'lobby', user: bob, data: 'five', ts: 6 })];
    await Promise.all([...first, ...second]);
    const xmin = await writers(store);
    expect(new Set([xmin.get('one'), xmin.get('two'), xmin.get('three')]).size).toBe(1);
    expect(new Set([xmin.get('four'), xmin.get('five')]).size).toBe(1);
    expect(xmin.get('four')).not.toBe(xmin.get('one'));
    // The ids follow the order of the writes, across the two transactions.
    const ids = (await Promise.all([first[0], first[1], first[3], ...second])).map((message) => (message as { id: number }).id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('resolves each write only once its transaction is committed: what it announces is there for any reader', async () => {
    const store = await fresh();
    const said = await store.addChat({ room: 'lobby', user: alice, data: 'seen by all', ts: 1 });
    const { rows } = await poolOf(store).query('SELECT data FROM messages WHERE id = $1', [said.id]);
    expect(rows).toEqual([{ data: 'seen by all' }]);
  });

  it('rejects every write of a turn whose commit fails, and keeps none of them', async () => {
    const store = await fresh();
    await refuseAtCommit(store);
    const writes = [
      store.addChat({ room: 'lobby', user: alice, data: 'before', ts: 1 }),
      store.createRoom('ops', 2, alice.id),
      store.addChat({ room: 'lobby', user: bob, data: 'poison', ts: 3 }),
      store.markRead(alice.id, { room: 'lobby' }, 1),
    ];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const result of settled) expect((result as PromiseRejectedResult).reason).toMatchObject({ message: 'poison at commit' });
    expect(await store.roomHistory('lobby', { limit: 10 })).toEqual([]);
    expect(await store.findRoom('ops')).toBeUndefined();
    // And the store goes on: the next turn's writes are committed.
    await store.addChat({ room: 'lobby', user: alice, data: 'after', ts: 4 });
    expect((await store.roomHistory('lobby', { limit: 10 })).map((m) => m.data)).toEqual(['after']);
  });

  it('lets a write that fails on its own fail alone: the others of its turn are committed together', async () => {
    const store = await fresh();
    const writes = [
      store.addChat({ room: 'lobby', user: alice, data: 'kept 1', ts: 1 }),
      store.addChat({ room: 'lobby', user: ghost, data: 'from nobody', ts: 2 }),
      store.addSession('s-ghost', ghost.id, 3),
      store.addChat({ room: 'lobby', user: bob, data: 'kept 2', ts: 4 }),
      store.addSession('s-bob', bob.id, 5),
    ];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' }); // foreign_key_violation
    expect((await store.roomHistory('lobby', { limit: 10 })).map((m) => m.data)).toEqual(['kept 1', 'kept 2']);
    expect(await store.getSession('s-bob')).toMatchObject({ user: { id: bob.id } });
  });

  it('gives the messages of a turn ids in the order they were written, one whose author is added in the same turn too', async () => {
    const store = await fresh();
    const dave = { id: 'gc-dave', name: 'Dave', image: 4 };
    const writes = [
      store.addChat({ room: 'lobby', user: alice, data: 'one', ts: 1 }),
      store.markRead(alice.id, { room: 'lobby' }, 1),
      store.addUser(dave, 2),
      store.addDm({ user: dave, to: alice, data: 'two, from a newcomer', ts: 3 }),
      store.addChat({ room: 'lobby', user: bob, data: 'three', ts: 4 }),
    ];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((await store.messagesBetween(0, 10, 10)).map((m) => [m.id, m.data])).toEqual([
      [1, 'one'],
      [2, 'two, from a newcomer'],
      [3, 'three'],
    ]);
  });

  it('leaves no hole in the ids when messages fail: alone, last of their turn, or with their whole commit', async () => {
    const store = await fresh();
    await refuseAtCommit(store);
    const ids = async (writes: Promise<{ id: number }>[]) =>
      (await Promise.allSettled(writes)).map((result) => (result.status === 'fulfilled' ? result.value.id : 'failed'));
    // A failed message's id goes to the next one of its turn.
    expect(
      await ids([
        store.addChat({ room: 'lobby', user: alice, data: 'a', ts: 1 }),
        store.addChat({ room: 'lobby', user: ghost, data: 'from nobody', ts: 2 }),
        store.addDm({ user: alice, to: bob, data: 'b', ts: 3 }),
      ]),
    ).toEqual([1, 'failed', 2]);
    // The last message of a turn fails: its id is handed back, and the next turn's first gets it.
    expect(
      await ids([store.addChat({ room: 'lobby', user: bob, data: 'c', ts: 4 }), store.addChat({ room: 'lobby', user: ghost, data: 'from nobody', ts: 5 })]),
    ).toEqual([3, 'failed']);
    // A commit that fails takes its ids back with it.
    expect(await ids([store.addChat({ room: 'lobby', user: alice, data: 'poison', ts: 6 }), store.addChat({ room: 'lobby', user: bob, data: 'd', ts: 7 })])).toEqual([
      'failed',
      'failed',
    ]);
    expect(await ids([store.addChat({ room: 'lobby', user: alice, data: 'e', ts: 8 })])).toEqual([4]);
    expect((await store.messagesBetween(0, 100, 100)).map((m) => [m.id, m.data])).toEqual([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'e']]);
  });

  it('keeps the turn one transaction when a write fails alone: a failed commit then still rejects them all', async () => {
    const store = await fresh();
    await refuseAtCommit(store);
    const settled = await Promise.allSettled([
      store.addChat({ room: 'lobby', user: alice, data: 'would be kept', ts: 1 }),
      store.addChat({ room: 'lobby', user: ghost, data: 'from nobody', ts: 2 }),
      store.addChat({ room: 'lobby', user: bob, data: 'poison', ts: 3 }),
    ]);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'poison at commit' });
    expect(await store.roomHistory('lobby', { limit: 10 })).toEqual([]);
  });

  it('makes the changes of a turn after its other writes, each alone: kept when their commit fails', async () => {
    const store = await fresh();
    const message = await store.addChat({ room: 'lobby', user: alice, data: 'react to me', ts: 1 });
    await refuseAtCommit(store);
    const settled = await Promise.allSettled([
      store.toggleReaction(message.id, bob.id, '👍', 20),
      store.addChat({ room: 'lobby', user: bob, data: 'poison', ts: 2 }),
      store.editMessage({ id: message.id, data: 'edited', at: 3 }),
    ]);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[0]).toMatchObject({ value: { kind: 'reactions', change: 1 } });
    expect(settled[2]).toMatchObject({ value: { kind: 'edited', change: 2, message: { data: 'edited', reactions: [{ emoji: '👍', count: 1 }] } } });
    expect((await store.roomHistory('lobby', { limit: 10 })).map((m) => m.data)).toEqual(['edited']);
  });

  it('under load waits COMMIT_DELAY_MS for more writes before the next batch; a write made while it is quiet waits for none', async () => {
    const store = await freshPostgresStore({ commitDelayMs: 300 });
    opened.push(store);
    await store.addUser(alice, 1);
    const chat = (data: string) => store.addChat({ room: 'lobby', user: alice, data, ts: 1 });
    const later = () => new Promise((resolve) => setTimeout(resolve, 5));
    // Quiet: one write a batch, and the next write, a few milliseconds on, is a batch of its own.
    await chat('alone');
    const quiet = chat('quiet 1');
    await later();
    await Promise.all([quiet, chat('quiet 2')]);
    // Busy: a batch of two, then writes made over several turns go together in the next batch.
    await Promise.all([chat('busy 1'), chat('busy 2')]);
    const first = chat('then 1');
    await later();
    await Promise.all([first, chat('then 2')]);
    const xmin = await writers(store);
    expect(xmin.get('quiet 1')).not.toBe(xmin.get('quiet 2'));
    expect(xmin.get('busy 1')).toBe(xmin.get('busy 2'));
    expect(xmin.get('then 1')).toBe(xmin.get('then 2'));
    expect(xmin.get('then 1')).not.toBe(xmin.get('busy 1'));
    // Without the setting each turn's writes go at once: the same writes are two batches.
    const plain = await fresh();
    await Promise.all([plain.addChat({ room: 'lobby', user: alice, data: 'busy 1', ts: 1 }), plain.addChat({ room: 'lobby', user: alice, data: 'busy 2', ts: 1 })]);
    const one = plain.addChat({ room: 'lobby', user: alice, data: 'then 1', ts: 1 });
    await later();
    await Promise.all([one, plain.addChat({ room: 'lobby', user: alice, data: 'then 2', ts: 1 })]);
    const plainXmin = await writers(plain);
    expect(plainXmin.get('then 1')).not.toBe(plainXmin.get('then 2'));
  });

  it('commits what waits when the store is closed, and takes no write after', async () => {
    const store = await freshPostgresStore();
    await store.addUser(alice, 1);
    const late = store.addChat({ room: 'lobby', user: alice, data: 'just before closing', ts: 1 });
    await store.close();
    await expect(late).resolves.toMatchObject({ data: 'just before closing' });
    await expect(store.addChat({ room: 'lobby', user: alice, data: 'too late', ts: 2 })).rejects.toThrow(/closed/);
  });
});

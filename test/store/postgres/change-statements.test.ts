// Why this file is long: the change statements' races and turns are one argument (changeStatements.ts), tested together with the helpers that count their round trips.
// Changes on PostgreSQL as one statement each (src/store/postgres/changeStatements.ts): how many
// statements an edit, a deletion, a toggle and a turn of messages with changes take (all of them in
// one query, changesTogether.ts, the messages' text kept to the character, failing back to each
// alone with the messages kept); a toggle that
// waited for another process's toggle of the same message counts that one's reaction (forced here:
// the other process's statement held open in a transaction), so the cap on distinct emoji holds and
// the message sent out lists every reaction, alone or in the statement of its turn's messages; and
// two processes changing the same messages at once (with a chat each turn) get change numbers 1..N
// with none missing, each change's message as the store then reads it, and message ids with none missing.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../src/shared/protocol/index.js';
import type { ChangeOutcome, MessageChange, ToggleOutcome } from '../../../src/store/changes.js';
import { CHANGE_SQL } from '../../../src/store/postgres/changeStatements.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../../helpers/postgres.js';
import { until } from '../../helpers/wait.js';

const alice = { id: 'cs-alice', name: 'Alice', image: 1 };
const bob = { id: 'cs-bob', name: 'Bob', image: 2 };
const carol = { id: 'cs-carol', name: 'Carol', image: 3 };
const dave = { id: 'cs-dave', name: 'Dave', image: 4 };
const people = [alice, bob, carol, dave];

/** The store's own pool (private): the group commit runs its statements on it. */
const poolOf = (store: PostgresStore) => Reflect.get(store, 'pool') as pg.Pool;

/** The queries (round trips) `store` sends to PostgreSQL while `work` runs, on any client of its pool (`pool.query` takes one too). */
async function statementsOf(store: PostgresStore, work: () => Promise<unknown>): Promise<string[]> {
  const pool = poolOf(store);
  const sent: string[] = [];
  const counted = new Set<pg.PoolClient>();
  const counting = (client: pg.PoolClient | undefined) => {
    if (!client || counted.has(client)) return;
    counted.add(client);
    const query = client.query.bind(client) as (text: unknown, ...rest: unknown[]) => unknown;
    Reflect.set(client, 'query', (text: string | { text: string }, ...rest: unknown[]) => {
      sent.push(typeof text === 'string' ? text : text.text);
      return query(text, ...rest);
    });
  };
  type Done = (error: Error | undefined, client: pg.PoolClient | undefined, release: unknown) => void;
  const connect = pool.connect.bind(pool) as (done?: Done) => Promise<pg.PoolClient> | undefined;
  // Both ways pg-pool is asked: a promise (the store's transactions), a callback (pool.query).
  Reflect.set(pool, 'connect', (done?: Done) => {
    if (done) return connect((error, client, release) => (counting(client), done(error, client, release)));
    return connect()!.then((client) => (counting(client), client));
  });
  try {
    await work();
  } finally {
    for (const client of counted) Reflect.deleteProperty(client, 'query');
    Reflect.deleteProperty(pool, 'connect');
  }
  return sent;
}

const isChange = (outcome: ChangeOutcome): outcome is MessageChange => typeof outcome === 'object';

describe.skipIf(!(await postgresForTests()))('changes as one statement each on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  const opened: { end(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const one of opened.splice(0).reverse()) await one.end();
    await database?.drop();
    database = undefined;
  });

  /** A process's store on the test's database. */
  async function startProcess(): Promise<PostgresStore> {
    database ??= await createTestDatabase();
    const store = await PostgresStore.open(database.url);
    opened.push({ end: () => store.close() });
    await Promise.all(people.map((person) => store.addUser(person, 1)));
    return store;
  }

  /** A connection of its own, as another process's. */
  async function connection(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    opened.push({ end: () => client.end() });
    return client;
  }

  it('sends one statement for an edit, a deletion or a toggle, and one query for a turn of messages and its changes', async () => {
    const store = await startProcess();
    const message = await store.addChat({ room: 'lobby', user: alice, data: 'first', ts: 1 });
    expect(await statementsOf(store, () => store.toggleReaction(message.id, bob.id, '👍', 20))).toHaveLength(1);
    expect(await statementsOf(store, () => store.toggleReaction(message.id, bob.id, '🎉', 1))).toHaveLength(1);
    expect(await statementsOf(store, () => store.editMessage({ id: message.id, data: 'fixed', at: 2 }))).toHaveLength(1);
    const turn = await statementsOf(store, () =>
      Promise.all([
        store.addChat({ room: 'lobby', user: bob, data: 'one', ts: 3 }),
        store.toggleReaction(message.id, carol.id, '👍', 20),
        store.addChat({ room: 'lobby', user: carol, data: 'two', ts: 4 }),
      ]),
    );
    expect(turn).toHaveLength(1);
    const twoChanges = await statementsOf(store, () =>
      Promise.all([store.addChat({ room: 'lobby', user: bob, data: 'three', ts: 3 }), store.toggleReaction(message.id, dave.id, '👍', 20), store.toggleReaction(message.id, dave.id, '👍', 20)]),
    );
    expect(twoChanges).toHaveLength(1);
    expect(await statementsOf(store, () => store.deleteMessage(message.id, 5))).toHaveLength(1);
    // A deleted message: nothing to change, and no number taken.
    expect(await store.toggleReaction(message.id, dave.id, '👍', 20)).toBeUndefined();
    expect(await store.editMessage({ id: 999, data: 'nobody', at: 6 })).toBeUndefined();
    expect(await store.lastChange()).toBe(6);
  });

  it('sends a turn of messages and several changes in one query, as one transaction, each change as if made alone in turn', async () => {
    const store = await startProcess();
    const [first, second] = [await store.addChat({ room: 'lobby', user: alice, data: 'first', ts: 1 }), await store.addChat({ room: 'lobby', user: alice, data: 'second', ts: 1 })];
    const before = await store.lastChange();
    let outcomes: ChangeOutcome[] = [];
    const sent = await statementsOf(store, async () => {
      [, ...outcomes] = await Promise.all([
        store.addChat({ room: 'lobby', user: bob, data: 'said', ts: 2 }),
        store.toggleReaction(first.id, bob.id, '👍', 20),
        store.toggleReaction(first.id, carol.id, '👍', 20),
        store.editMessage({ id: second.id, data: 'second, fixed', at: 3 }),
        store.toggleReaction(first.id, bob.id, '👍', 20),
        store.editMessage({ id: second.id, data: 'second, fixed again', at: 4 }),
        store.toggleReaction(first.id, dave.id, '🎉', 1),
      ]);
    });
    // The messages and the six changes in one query.
    expect(sent).toHaveLength(1);
    expect(outcomes.slice(0, 5).map((outcome) => (outcome as MessageChange).change)).toEqual([1, 2, 3, 4, 5].map((n) => before + n));
    expect(outcomes[5]).toBe('too_many');
    expect((outcomes[3] as MessageChange).message.reactions).toEqual([{ emoji: '👍', count: 1, users: [carol] }]);
    const [firstNow, secondNow] = await store.roomHistory('lobby', { limit: 2, before: second.id + 1 });
    expect(secondNow).toMatchObject({ id: second.id, data: 'second, fixed again', change: before + 5 });
    expect(firstNow).toEqual((outcomes[3] as MessageChange).message);

    // Changes alone in a turn: one query for them all.
    const alone = await statementsOf(store, () => Promise.all([store.toggleReaction(first.id, dave.id, '👍', 20), store.deleteMessage(second.id, 5), store.editMessage({ id: second.id, data: 'too late', at: 6 })]));
    expect(alone).toHaveLength(1);
    expect(await store.lastChange()).toBe(before + 7);
  });

  it("keeps every character of a turn's messages sent in one query with its changes, and their replies, mentions and DMs", async () => {
    const store = await startProcess();
    const quoted = await store.addChat({ room: 'lobby', user: alice, data: 'quote me', ts: 1 });
    const target = await store.addChat({ room: 'lobby', user: alice, data: 'react to me', ts: 1 });
    const texts = ['quote " and \\ backslash \\"', "it's {a,b} NULL", 'NULL', '', 'new\nline, tab\t, 🎉 中文', 'nul \u0000 here', '\\\\', '"', '{}', 'E\'x\''];
    let said: StoredMessage[] = [];
    const sent = await statementsOf(store, async () => {
      const writes = await Promise.all([
        ...texts.map((data, i) => store.addChat({ room: 'lobby', user: bob, data, ts: 10 + i, ...(i === 1 && { mentions: [carol.id] }), ...(i === 2 && { replyTo: { id: quoted.id, user: quoted.user, data: quoted.data } }) })),
        store.addDm({ user: carol, to: dave, data: 'dm "with" \\ {x}', ts: 30 }),
        store.toggleReaction(target.id, bob.id, '👍', 20),
        store.editMessage({ id: target.id, data: 'react to me, "edited"', at: 31 }),
      ]);
      said = writes.slice(0, texts.length + 1) as StoredMessage[];
    });
    expect(sent).toHaveLength(1);
    expect(said.map((m) => m.id)).toEqual(Array.from({ length: texts.length + 1 }, (_, i) => target.id + 1 + i));
    const history = await store.roomHistory('lobby', { limit: texts.length + 1 });
    expect(history.map((m) => m.data)).toEqual(['react to me, "edited"', ...texts.map((text) => text.replaceAll('\u0000', '\ufffd'))]);
    expect(history[0]!.reactions).toEqual([{ emoji: '👍', count: 1, users: [bob] }]);
    expect(history.slice(1)).toEqual(said.slice(0, texts.length).map((m) => ({ ...m, data: m.data.replaceAll('\u0000', '\ufffd') })));
    expect(history[2]!.mentions).toEqual([carol.id]);
    expect(history[3]!.replyTo).toMatchObject({ id: quoted.id, data: 'quote me' });
    expect(await store.dmHistory(carol.id, dave.id, { limit: 5 })).toEqual([said.at(-1)]);
  });

  it("keeps a turn's messages when one of its changes fails in their query: the others are made, no id or number is lost", async () => {
    const store = await startProcess();
    const message = await store.addChat({ room: 'lobby', user: alice, data: 'react to me', ts: 1 });
    const before = await store.lastChange();
    const outcomes = await Promise.allSettled([
      store.addChat({ room: 'lobby', user: bob, data: 'kept', ts: 2 }),
      store.toggleReaction(message.id, bob.id, '👍', 20),
      store.toggleReaction(message.id, 'cs-nobody', '👍', 20),
      store.toggleReaction(message.id, carol.id, '👍', 20),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseFulfilledResult<StoredMessage>).value).toMatchObject({ id: message.id + 1, data: 'kept' });
    expect([outcomes[1], outcomes[3]].map((outcome) => ((outcome as PromiseFulfilledResult<MessageChange>).value).change)).toEqual([before + 1, before + 2]);
    expect((await store.roomHistory('lobby', { limit: 2 })).map((m) => [m.data, m.reactions])).toEqual([
      ['react to me', [{ emoji: '👍', count: 2, users: [bob, carol] }]],
      ['kept', undefined],
    ]);
    expect((await store.addChat({ room: 'lobby', user: bob, data: 'next', ts: 3 })).id).toBe(message.id + 2);
  });

  it("never runs a turn's changes twice when its messages' row cannot be read after the commit", async () => {
    const store = await startProcess();
    const message = await store.addChat({ room: 'lobby', user: alice, data: 'react to me', ts: 1 });
    // A schema that lost its id counter: the messages' statement adds nothing and returns no row; the changes commit all the same.
    await (await connection()).query('DELETE FROM message_ids');
    const outcomes = await Promise.allSettled([
      store.addChat({ room: 'lobby', user: bob, data: 'lost', ts: 2 }),
      store.toggleReaction(message.id, bob.id, '👍', 20),
      store.toggleReaction(message.id, carol.id, '👍', 20),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // Made once each: run again, a toggle would have taken its reaction back.
    expect((await store.roomHistory('lobby', { limit: 1 }))[0]!.reactions).toEqual([{ emoji: '👍', count: 2, users: [bob, carol] }]);
  });

  it('runs each change of a turn alone when one of them fails together: that one fails, the others are made, no number is lost', async () => {
    const store = await startProcess();
    const message = await store.addChat({ room: 'lobby', user: alice, data: 'react to me', ts: 1 });
    const before = await store.lastChange();
    const outcomes = await Promise.allSettled([
      store.toggleReaction(message.id, bob.id, '👍', 20),
      // Nobody of that id: the reaction's reference to its user fails.
      store.toggleReaction(message.id, 'cs-nobody', '👍', 20),
      store.toggleReaction(message.id, carol.id, '👍', 20),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [(outcome.value as MessageChange).change] : []))).toEqual([before + 1, before + 2]);
    expect((await store.roomHistory('lobby', { limit: 1 }))[0]!.reactions).toEqual([{ emoji: '👍', count: 2, users: [bob, carol] }]);
  });

  it('counts a reaction another process committed while its toggle waited: the cap holds, and the list sent out has it', async () => {
    const store = await startProcess();
    const message = await store.addChat({ room: 'lobby', user: alice, data: 'react to me', ts: 1 });
    await store.toggleReaction(message.id, bob.id, '👍', 2);
    // The other process's toggle (the same statement), made and not yet committed: a second emoji
    // (a plain client reads BIGINT as text).
    const other = await connection();
    const otherPid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const watcher = await connection();
    const waitingForOther = async () =>
      (await watcher.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))', [otherPid])).rows[0]!.n;
    await other.query('BEGIN');
    expect((await other.query(CHANGE_SQL.toggle.text, [message.id, '🎉', carol.id, 2])).rows[0]).toMatchObject({ state: 'done', reactions_change: '2' });

    // A third emoji, asked for while the other's is not committed: it waits, then finds the cap reached.
    let third: Promise<ToggleOutcome> | undefined;
    const statements = statementsOf(store, async () => {
      third = store.toggleReaction(message.id, dave.id, '🔥', 2);
      await third;
    });
    await until('the toggle to wait for the other process', waitingForOther, (waiting) => waiting === 1);
    await other.query('COMMIT');
    expect(await third).toBe('too_many');
    // Its first run's snapshot was taken before that commit: it ran again.
    expect(await statements).toHaveLength(2);

    // The other process takes its 🎉 away, and commits while an edit waits: the edit's message has 👍 only.
    await other.query('BEGIN');
    expect((await other.query(CHANGE_SQL.toggle.text, [message.id, '🎉', carol.id, 2])).rows[0]).toMatchObject({ state: 'done', reactions_change: '3' });
    const edit = store.editMessage({ id: message.id, data: 'edited meanwhile', at: 2 });
    await until('the edit to wait for the other process', waitingForOther, (waiting) => waiting === 1);
    await other.query('COMMIT');
    const edited = (await edit) as MessageChange;
    expect(edited).toMatchObject({ kind: 'edited', change: 4, message: { data: 'edited meanwhile', change: 4 } });
    expect(edited.message.reactions).toEqual([{ emoji: '👍', count: 1, users: [bob] }]);
    expect((await store.roomHistory('lobby', { limit: 5 }))[0]).toEqual(edited.message);

    // The same in the statement that adds a turn's messages: the message is kept, the toggle runs again alone.
    await other.query('BEGIN');
    expect((await other.query(CHANGE_SQL.toggle.text, [message.id, '🎉', carol.id, 2])).rows[0]).toMatchObject({ state: 'done', reactions_change: '5' });
    let turn: Promise<unknown[]> | undefined;
    const turnStatements = statementsOf(store, async () => {
      turn = Promise.all([store.addChat({ room: 'lobby', user: bob, data: 'said meanwhile', ts: 3 }), store.toggleReaction(message.id, dave.id, '🔥', 2)]);
      await turn;
    });
    await until('the turn to wait for the other process', waitingForOther, (waiting) => waiting === 1);
    await other.query('COMMIT');
    const [said, toggled] = (await turn)!;
    expect(said).toMatchObject({ data: 'said meanwhile' });
    expect(toggled).toBe('too_many');
    expect(await turnStatements).toHaveLength(2);
  });

  it('gives two processes changing the same messages at once change numbers 1..N, each change with its message as committed', async () => {
    const [first, second] = [await startProcess(), await startProcess()];
    const messages: StoredMessage[] = [];
    for (let i = 0; i < 3; i++) messages.push(await first.addChat({ room: 'lobby', user: people[i]!, data: `message ${i}`, ts: 1 }));
    const gone = await first.addChat({ room: 'lobby', user: alice, data: 'to delete', ts: 1 });
    const emojis = ['👍', '🎉', '🔥', '👀', '✅'];
    const CAP = 3;

    const said: Promise<StoredMessage>[] = [];
    /** Turns of a chat and a few changes each: toggles under the cap, edits, and changes to a message deleted on the way. */
    async function change(store: PostgresStore, seed: number): Promise<ChangeOutcome[]> {
      const outcomes: ChangeOutcome[] = [];
      let random = seed;
      const next = (n: number) => ((random = (random * 48271) % 2147483647), random % n);
      for (let turn = 0; turn < 25; turn++) {
        const writes: Promise<ChangeOutcome>[] = [];
        said.push(store.addChat({ room: 'dev', user: alice, data: `said ${seed}.${turn}`, ts: turn }));
        for (let i = 0; i < 3; i++) {
          const id = next(4) === 3 ? gone.id : messages[next(3)]!.id;
          if (seed === 1 && turn === 5 && i === 0) writes.push(store.deleteMessage(gone.id, turn));
          else if (next(5) === 0) writes.push(store.editMessage({ id, data: `edit ${seed}.${turn}.${i}`, at: turn }));
          else writes.push(store.toggleReaction(id, people[next(4)]!.id, emojis[next(5)]!, CAP));
        }
        outcomes.push(...(await Promise.all(writes)));
      }
      return outcomes;
    }
    await first.createRoom('dev', 1, alice.id);
    const outcomes = (await Promise.all([change(first, 1), change(second, 2)])).flat();
    // The chats of those turns (in the statements of their changes) took the ids after the first four, none missing.
    expect((await Promise.all(said)).map((m) => m.id).sort((a, b) => a - b)).toEqual(Array.from({ length: said.length }, (_, i) => i + 5));
    const made = outcomes.filter(isChange).sort((a, b) => a.change - b.change);

    // Every number from 1 to the last, once: none taken by a change that was refused or found nothing.
    expect(made.map((c) => c.change)).toEqual(Array.from({ length: made.length }, (_, i) => i + 1));
    expect(await second.lastChange()).toBe(made.length);
    expect(outcomes.filter((outcome) => outcome === 'too_many').length).toBeGreaterThan(0);
    // Each message's last change carries it as the store has it, and never past the cap.
    const history = await second.roomHistory('lobby', { limit: 10 });
    for (const message of history) {
      expect(message.reactions?.length ?? 0).toBeLessThanOrEqual(CAP);
      const last = made.filter((c) => c.message.id === message.id).at(-1);
      if (last) expect(last.message).toEqual(message);
    }
  });
});

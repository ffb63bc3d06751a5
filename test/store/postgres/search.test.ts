// Search on PostgreSQL (src/store/postgres/search.ts): Chinese through pg_trgm (你好 in 大家你好啊),
// one and two characters through the recent windows, `%`, `_`, `\` and quotes as themselves, any
// case, only within the scope (rooms asked for, the user's own DMs, `with` the other person),
// newest first and at most `limit`, and a search past its time budget refused with 'timeout'
// (one more than the queue holds, with 'busy').
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECENT_WINDOW } from '../../../src/store/bounds.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { containsPattern, searchLocaleProblem } from '../../../src/store/postgres/search.js';
import { SearchRefused } from '../../../src/store/store.js';
import { createTestDatabase, freshPostgresStore, postgresForTests, seedMessages, withClient } from '../../helpers/postgres.js';

const alice = { id: 'search-alice', name: 'Alice', image: 1 };
const bob = { id: 'search-bob', name: 'Bob', image: 2 };
const carol = { id: 'search-carol', name: 'Carol', image: 3 };

const texts = (hits: { data: string }[]) => hits.map((hit) => hit.data);
const poolOf = (store: PostgresStore) => Reflect.get(store, 'pool') as import('pg').Pool;

describe.skipIf(!(await postgresForTests()))('search on PostgreSQL', () => {
  let store: PostgresStore;
  const everywhere = { rooms: ['lobby', 'dev'], dmsOf: alice.id };

  beforeAll(async () => {
    store = await freshPostgresStore();
    for (const user of [alice, bob, carol]) await store.addUser(user, 1);
    await store.createRoom('dev', 1);
    await store.createRoom('secret', 1);
    const said: [string, string][] = [
      ['lobby', '大家你好啊'],
      ['lobby', '你们好'], // 你 and 好, not together
      ['dev', 'Hello World'],
      ['dev', 'HELLO again'],
      ['lobby', '100% sure'],
      ['lobby', '100 percent'],
      ['lobby', 'snake_case name'],
      ['lobby', 'snakeXcase name'],
      ['lobby', `it's "quoted"`],
      ['lobby', 'back\\slash'],
      ['lobby', 'Ärger im Büro'],
      ['secret', 'hello from the secret room'],
    ];
    let ts = 1;
    for (const [room, data] of said) await store.addChat({ room, user: bob, data, ts: ts++ });
    await store.addDm({ user: bob, to: alice, data: 'hello Alice, from Bob', ts: ts++ });
    await store.addDm({ user: alice, to: carol, data: 'hello Carol, from Alice', ts: ts++ });
    await store.addDm({ user: bob, to: carol, data: 'hello Carol, not for Alice', ts: ts++ });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('finds Chinese by two characters and by three', async () => {
    expect(texts(await store.search('你好', everywhere, 10))).toEqual(['大家你好啊']);
    expect(texts(await store.search('你好啊', everywhere, 10))).toEqual(['大家你好啊']);
    expect(texts(await store.search('好', everywhere, 10))).toEqual(['你们好', '大家你好啊']);
  });

  it('finds any case, in any script, newest first, at most the limit', async () => {
    expect(texts(await store.search('hello', { rooms: ['dev'] }, 10))).toEqual(['HELLO again', 'Hello World']);
    expect(texts(await store.search('hElLo', { rooms: ['dev'] }, 1))).toEqual(['HELLO again']);
    expect(texts(await store.search('ärger', everywhere, 10))).toEqual(['Ärger im Büro']);
    expect(texts(await store.search('BÜRO', everywhere, 10))).toEqual(['Ärger im Büro']);
  });

  it('takes %, _, backslashes and quotes as themselves', async () => {
    expect(texts(await store.search('0%', everywhere, 10))).toEqual(['100% sure']);
    expect(texts(await store.search('100%', everywhere, 10))).toEqual(['100% sure']);
    expect(texts(await store.search('e_c', everywhere, 10))).toEqual(['snake_case name']);
    expect(texts(await store.search('_', everywhere, 10))).toEqual(['snake_case name']);
    expect(texts(await store.search(`it's`, everywhere, 10))).toEqual([`it's "quoted"`]);
    expect(texts(await store.search('"quoted"', everywhere, 10))).toEqual([`it's "quoted"`]);
    expect(texts(await store.search('k\\s', everywhere, 10))).toEqual(['back\\slash']);
    expect(texts(await store.search('%', everywhere, 10))).toEqual(['100% sure']);
    expect(containsPattern('50%_\\')).toBe('%50\\%\\_\\\\%');
  });

  it('looks only in the rooms asked for and the user’s own DMs, `with` the other person', async () => {
    const found = await store.search('hello', everywhere, 10);
    expect(texts(found)).toEqual(['hello Carol, from Alice', 'hello Alice, from Bob', 'HELLO again', 'Hello World']);
    expect(found[0]).toMatchObject({ with: carol.id, user: alice });
    expect(found[1]).toMatchObject({ with: bob.id, user: bob });
    expect(found[2]).toMatchObject({ room: 'dev', user: bob });
    // No DMs without dmsOf; a room not asked for is not searched.
    expect(texts(await store.search('hello', { rooms: ['lobby'] }, 10))).toEqual([]);
    expect(texts(await store.search('he', { rooms: ['secret'] }, 10))).toEqual(['hello from the secret room']);
    expect(texts(await store.search('hello', { rooms: [], dmsOf: carol.id }, 10))).toEqual(['hello Carol, not for Alice', 'hello Carol, from Alice']);
  });

  it('looks at the newest RECENT_WINDOW messages of each room and DM direction for one or two characters', async () => {
    const big = await freshPostgresStore();
    try {
      await big.addUser(alice, 1);
      await big.addUser(bob, 1);
      // A rare character at both ends of a lobby longer than the window: only the newest is found.
      await big.addChat({ room: 'lobby', user: bob, data: 'rare 龘 old', ts: 1 });
      await seedMessages(poolOf(big), 'ts, room, user_id, data', `SELECT g, 'lobby', $1, 'message ' || g FROM generate_series(1, $2::int) g`, [
        bob.id,
        RECENT_WINDOW + 10,
      ]);
      await big.addChat({ room: 'lobby', user: bob, data: 'rare 龘 new', ts: 2 });
      expect(texts(await big.search('龘', { rooms: ['lobby'] }, 10))).toEqual(['rare 龘 new']);
      // Three characters go through the index: the whole room.
      expect(texts(await big.search('龘 o', { rooms: ['lobby'] }, 10))).toEqual(['rare 龘 old']);
    } finally {
      await big.close();
    }
  });

  it('says what search cannot do on a database whose LC_CTYPE is C, and nothing on a UTF-8 one', async () => {
    expect(await searchLocaleProblem(poolOf(store))).toBeUndefined();
    const plain = await createTestDatabase({ ctype: 'C' });
    try {
      expect(await withClient(plain.url, (client) => searchLocaleProblem(client))).toMatch(/LC_CTYPE is C: search folds the case of ASCII letters only/);
    } finally {
      await plain.drop();
    }
  });

  it('refuses a search past its time budget with timeout, and answers the next one', async () => {
    const slow = await freshPostgresStore({ searchTimeoutMs: 1 });
    try {
      await slow.addUser(bob, 1);
      // Enough text that no plan reads it within a millisecond: no trigram in '!!!' to look up.
      await seedMessages(poolOf(slow), 'ts, room, user_id, data', `SELECT g, 'lobby', $1, repeat('lorem ipsum dolor ', 20) || g FROM generate_series(1, 200000) g`, [bob.id]);
      const refused = await slow.search('!!!', { rooms: ['lobby'] }, 10).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SearchRefused);
      expect(refused).toMatchObject({ reason: 'timeout' });
      // Two at a time, eight more waiting (SEARCH_QUEUE_LENGTH); one more is refused at once.
      const many = await Promise.allSettled(Array.from({ length: 12 }, () => slow.search('!!!', { rooms: ['lobby'] }, 10)));
      const reasons = many.map((result) => (result.status === 'rejected' ? (result.reason as SearchRefused).reason : 'answered'));
      expect(reasons).toEqual([...Array<string>(10).fill('timeout'), 'busy', 'busy']);
    } finally {
      await slow.close();
    }
    expect(texts(await store.search('你好', everywhere, 10))).toEqual(['大家你好啊']);
  });
});

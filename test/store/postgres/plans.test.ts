// "History pages stay under 5 ms at 1M messages" on PostgreSQL: what each read of the send and
// connect paths costs follows the page, never the table, because each is a LIMITed walk along an
// index. Checked on the plans PostgreSQL makes over 200,000 messages (seeded with generate_series
// and analysed): history pages walk (room, id) or (pair, id) backwards right under their LIMIT,
// the lobby's too (which the primary key could serve, filtering, as cheaply by the statistics);
// resume, a stretch of ids, unread counts and search read messages only through their indexes,
// never a sequential scan. Timings are printed, not asserted (the machine is shared).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNREAD_CAP } from '../../../src/shared/protocol/index.js';
import { RECENT_WINDOW, UNREAD_WINDOW } from '../../../src/store/bounds.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { MESSAGES_SQL } from '../../../src/store/postgres/messages.js';
import type { Prepared } from '../../../src/store/postgres/pool.js';
import { READS_SQL } from '../../../src/store/postgres/reads.js';
import { SEARCH_SQL } from '../../../src/store/postgres/search.js';
import { pairKey } from '../../../src/store/rows.js';
import { freshPostgresStore, postgresForTests, seedMessages } from '../../helpers/postgres.js';

const MESSAGES = 200_000;
const DMS = 10_000;
const PEOPLE = 50;
const ROOMS = 20;
/** Messages holding the rare text, seeded after the statistics are taken. */
const NEEDLES = 3;

const poolOf = (store: PostgresStore) => Reflect.get(store, 'pool') as pg.Pool;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Scan Direction'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe.skipIf(!(await postgresForTests()))(`the plans of the reads over ${MESSAGES.toLocaleString('en')} messages`, () => {
  let store: PostgresStore;
  let pool: pg.Pool;

  beforeAll(async () => {
    store = await freshPostgresStore();
    pool = poolOf(store);
    await pool.query(`INSERT INTO users (id, name, image, created_at) SELECT 'u' || g, 'User ' || g, g % 10, 1 FROM generate_series(1, ${PEOPLE}) g`);
    await pool.query(`INSERT INTO rooms (key, name, created_at) SELECT 'room' || g, 'room' || g, 1 FROM generate_series(1, ${ROOMS}) g`);
    // Three in four in the lobby, the rest spread over the rooms; then DMs between pairs of people.
    await seedMessages(pool, 'ts, room, user_id, data', `
      SELECT g, CASE WHEN g % 4 = 0 THEN 'room' || (g % ${ROOMS} + 1) ELSE 'lobby' END, 'u' || (g % ${PEOPLE} + 1), 'message number ' || g
      FROM generate_series(1, ${MESSAGES - DMS}) g`);
    await seedMessages(pool, 'ts, user_id, to_id, pair, data', `
      SELECT g, a, b, least(a, b) || E'\\n' || greatest(a, b), 'dm number ' || g
      FROM (SELECT g, ('u' || (g % ${PEOPLE} + 1)) COLLATE "C" AS a, ('u' || ((g + 7) % ${PEOPLE} + 1)) COLLATE "C" AS b FROM generate_series(1, ${DMS}) g) d`);
    // VACUUM as well: the trigram index's pending list, which makes the planner cost that index
    // high, is merged by a VACUUM or by autovacuum's ANALYZE, not by ours; without it the plan
    // depended on whether autovacuum had come by yet.
    await pool.query('VACUUM ANALYZE');
    // The rare text searched for comes after the statistics, as a new message does: had it been
    // seeded before, ANALYZE's random sample would now and then put one of its rows among the 101
    // bounds of the text's histogram (3 ANALYZEs in 200 did), and the planner, taking it then for
    // one message in a hundred, would rightly walk the ids backwards instead of the trigram index.
    await seedMessages(pool, 'ts, room, user_id, data', `
      SELECT g, CASE WHEN g = 2 THEN 'room2' ELSE 'lobby' END, 'u1', 'a needle in haystack ' || g FROM generate_series(1, ${NEEDLES}) g`);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  /** The plan PostgreSQL makes for `sql` with these values (its nodes, depth first), and how long running it took. */
  async function plan(sql: string, values: unknown[]): Promise<{ top: PlanNode; all: PlanNode[]; ms: number }> {
    const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values);
    const [top] = rows[0]!['QUERY PLAN'];
    return { top: top.Plan, all: nodes(top.Plan), ms: top['Execution Time'] };
  }

  /**
   * The plan PostgreSQL keeps for a prepared statement once it stops planning each run (its generic
   * plan, forced here), with these values.
   */
  async function genericPlan(statement: Prepared, values: (string | number)[]): Promise<{ top: PlanNode; all: PlanNode[] }> {
    const client = await pool.connect();
    try {
      await client.query('SET plan_cache_mode = force_generic_plan');
      await client.query(`PREPARE generic_probe AS ${statement.text}`);
      const literals = values.map((value) => (typeof value === 'number' ? String(value) : client.escapeLiteral(value))).join(', ');
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE generic_probe(${literals})`);
      const [top] = rows[0]!['QUERY PLAN'];
      return { top: top.Plan, all: nodes(top.Plan) };
    } finally {
      await client.query('DEALLOCATE ALL; RESET plan_cache_mode');
      client.release();
    }
  }

  /** The plan reads messages only through `indexes` (by index scans, or bitmaps of them), and never the whole table. */
  function expectIndexed(all: PlanNode[], indexes: string[]): void {
    const onMessages = all.filter((node) => node['Relation Name'] === 'messages');
    expect(onMessages.length).toBeGreaterThan(0);
    for (const node of onMessages) expect(node['Node Type'], JSON.stringify(node)).toMatch(/^(Index (Only )?Scan|Bitmap Heap Scan)$/);
    // Their authors and recipients come by primary key.
    for (const node of all.filter((one) => one['Index Name'] !== undefined)) expect([...indexes, 'users_pkey'], JSON.stringify(node)).toContain(node['Index Name']);
  }

  /**
   * A page read straight off one index, newest first: the one scan of messages by that index is
   * backwards, right under its LIMIT (whatever is sorted above holds at most the page).
   */
  function expectWalkedBack(top: PlanNode, index: string, alsoIndexes: string[] = []): void {
    const all = nodes(top);
    expectIndexed(all, [index, 'messages_pkey', ...alsoIndexes]);
    const parents = new Map<PlanNode, PlanNode>();
    for (const node of all) for (const child of node.Plans ?? []) parents.set(child, node);
    const scans = all.filter((node) => node['Index Name'] === index);
    expect(scans.map((node) => [node['Node Type'].replace('Only ', ''), node['Scan Direction'], parents.get(node)?.['Node Type']])).toEqual([
      ['Index Scan', 'Backward', 'Limit'],
    ]);
  }

  it('reads a history page of a room backwards along (room, id), the lobby as any other', async () => {
    const newest = await plan(MESSAGES_SQL.roomHistory.text, ['lobby', Number.MAX_SAFE_INTEGER, 50]);
    expectWalkedBack(newest.top, 'messages_by_room');
    const older = await plan(MESSAGES_SQL.roomHistory.text, ['room7', 100_000, 50]);
    expectWalkedBack(older.top, 'messages_by_room');
    const deep = await plan(MESSAGES_SQL.roomHistory.text, ['lobby', MESSAGES / 4, 50]);
    expectWalkedBack(deep.top, 'messages_by_room');
    // A `history` frame's page reads the last change in the same statement: one row by its key more, the walk the same.
    const withChange = await plan(MESSAGES_SQL.roomPage.text, ['lobby', MESSAGES / 4, 50]);
    expectWalkedBack(withChange.top, 'messages_by_room', ['change_ids_pkey']);
    // Prepared, the plan kept for every room and bound alike walks the same way: the lobby, a small room, deep or not.
    for (const values of [['lobby', Number.MAX_SAFE_INTEGER, 50], ['room7', 100_000, 50], ['lobby', MESSAGES / 4, 50]] as [string, number, number][]) {
      expectWalkedBack((await genericPlan(MESSAGES_SQL.roomHistory, values)).top, 'messages_by_room');
      expectWalkedBack((await genericPlan(MESSAGES_SQL.roomPage, values)).top, 'messages_by_room', ['change_ids_pkey']);
    }
    console.info(`room history page: ${newest.ms.toFixed(2)} ms (the lobby's newest), ${older.ms.toFixed(2)} ms (a room's older), ${deep.ms.toFixed(2)} ms (deep in the lobby)`);
    // The store's own answer: 50, oldest first.
    const page = await store.roomHistory('lobby', { limit: 50 });
    expect(page).toHaveLength(50);
    expect(page.map((m) => m.id)).toEqual([...page.map((m) => m.id)].sort((a, b) => a - b));
  });

  it('reads a DM history page backwards along (pair, id)', async () => {
    const { top, ms } = await plan(MESSAGES_SQL.dmHistory.text, [pairKey('u1', 'u8'), Number.MAX_SAFE_INTEGER, 50]);
    expectWalkedBack(top, 'messages_by_pair');
    expectWalkedBack((await plan(MESSAGES_SQL.dmPage.text, [pairKey('u1', 'u8'), Number.MAX_SAFE_INTEGER, 50])).top, 'messages_by_pair', ['change_ids_pkey']);
    expectWalkedBack((await genericPlan(MESSAGES_SQL.dmHistory, [pairKey('u1', 'u8'), Number.MAX_SAFE_INTEGER, 50])).top, 'messages_by_pair');
    expectWalkedBack((await genericPlan(MESSAGES_SQL.dmPage, [pairKey('u1', 'u8'), 5_000, 50])).top, 'messages_by_pair', ['change_ids_pkey']);
    console.info(`DM history page: ${ms.toFixed(2)} ms`);
    expect(await store.dmHistory('u8', 'u1', { limit: 50 })).toHaveLength(50);
  });

  it('finds the newest id by the primary key, and a room’s newest by (room, id)', async () => {
    expectIndexed((await plan(MESSAGES_SQL.lastId, [])).all, ['messages_pkey']);
    expectIndexed((await plan(MESSAGES_SQL.lastInRoom, ['room3'])).all, ['messages_by_room']);
  });

  it('resumes through each room’s index and the two DM indexes, a page at a time', async () => {
    const rooms = ['lobby', 'room1', 'room2', 'room3'];
    const { all, ms } = await plan(MESSAGES_SQL.since, [rooms, MESSAGES / 2, 200, 'u3']);
    expectIndexed(all, ['messages_by_room', 'messages_dm_from', 'messages_dm_to', 'messages_pkey']);
    console.info(`resume page: ${ms.toFixed(2)} ms`);
  });

  it('reads a stretch of ids (a gap in the live stream) along the primary key, right under its LIMIT, however far it may reach', async () => {
    for (const upTo of [MESSAGES / 2 + 1000, Number.MAX_SAFE_INTEGER]) {
      const { all, ms } = await plan(MESSAGES_SQL.between, [MESSAGES / 2, upTo, 200]);
      expectIndexed(all, ['messages_pkey']);
      const parents = new Map<PlanNode, PlanNode>();
      for (const node of all) for (const child of node.Plans ?? []) parents.set(child, node);
      // The ids are picked by a forward walk of the primary key that stops at the LIMIT; their rows then come by it too.
      const walk = all.filter((node) => node['Index Name'] === 'messages_pkey' && parents.get(node)?.['Node Type'] === 'Limit');
      expect(walk.map((node) => [node['Node Type'].replace('Only ', ''), node['Scan Direction']])).toEqual([['Index Scan', 'Forward']]);
      console.info(`a stretch of 200 ids up to ${upTo}: ${ms.toFixed(2)} ms`);
    }
    const page = await store.messagesBetween(MESSAGES / 2, MESSAGES / 2 + 1000, 200);
    expect(page.map((m) => m.id)).toEqual(Array.from({ length: 200 }, (_, i) => MESSAGES / 2 + 1 + i));
  });

  it('counts unread backwards along (room, id) and (pair, id), within the window', async () => {
    const rooms = await plan(READS_SQL.unreadInRooms, ['u1', ['lobby', 'room1'], [0, 0], UNREAD_WINDOW, UNREAD_CAP]);
    expectIndexed(rooms.all, ['messages_by_room']);
    const pairs = await plan(READS_SQL.unreadInPairs, ['u1', [pairKey('u1', 'u8')], [0], UNREAD_WINDOW, UNREAD_CAP]);
    expectIndexed(pairs.all, ['messages_by_pair']);
    console.info(`unread, two rooms far behind: ${rooms.ms.toFixed(2)} ms`);
  });

  it('finds three characters or more through the trigram index, whatever the size of the table', async () => {
    const { all, ms } = await plan(SEARCH_SQL.indexed, ['%needle in hay%', ['lobby', 'room1'], 'u1', 50]);
    expect(all.map((node) => node['Index Name'])).toContain('messages_text');
    // The matches through the trigrams; a reply's quote (schema version 8) by its primary key.
    const scans = all.filter((node) => node['Relation Name'] === 'messages');
    expect(scans.filter((node) => node['Index Name'] !== 'messages_pkey').map((node) => node['Node Type'])).toEqual(['Bitmap Heap Scan']);
    console.info(`search of a rare text: ${ms.toFixed(2)} ms`);
    // Newest first, and only those in scope (the second is in room2).
    const rare = await store.search('NEEDLE IN HAY', { rooms: ['lobby', 'room1'], dmsOf: 'u1' }, 50);
    expect(rare.map((hit) => hit.data)).toEqual(['a needle in haystack 3', 'a needle in haystack 1']);
    // The same search finds the seeded messages the statistics know of: in the lobby (three in four) or room1 (one in twenty).
    const hits = await store.search('NUMBER 12345', { rooms: ['lobby', 'room1'], dmsOf: 'u1' }, 50);
    const seeded = [12345, ...Array.from({ length: 10 }, (_, i) => 123450 + i)].filter((g) => g % 4 !== 0 || g % ROOMS === 0);
    expect(hits.map((hit) => hit.data)).toEqual(seeded.reverse().map((g) => `message number ${g}`));
  });

  it('reads one or two characters’ search windows through the room and DM indexes', async () => {
    const { all, ms } = await plan(SEARCH_SQL.recent, ['%zq%', ['lobby', 'room1'], 'u1', 50, RECENT_WINDOW]);
    expectIndexed(all, ['messages_by_room', 'messages_dm_from', 'messages_dm_to', 'messages_pkey']);
    console.info(`short search: ${ms.toFixed(2)} ms`);
  });
});

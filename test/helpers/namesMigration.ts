// A store as the release before held names (schema version 2) left it, with what the migration to
// version 3 must sort out (test/store/migrations.test.ts on SQLite, test/store/postgres/migrations.test.ts
// on PostgreSQL): three people signed in as Alice, alice and Аlice (Cyrillic А), one who signed
// out as ALICE, two signed in with 32-character names alike, rooms `dev` and `dеv` (Cyrillic е),
// and messages of each. Plain SQL both engines take.
import { expect } from 'vitest';
import { nameKey } from '../../src/shared/protocol/index.js';
import type { Store } from '../../src/store/store.js';

const LONG = 'x'.repeat(32);

/** The seed; `newline` is the engine's SQL for a newline character (DM pairs are `a\nb`): `char(10)` or `chr(10)`. */
export const version2Seed = (newline: string) => `
INSERT INTO users (id, name, image, created_at) VALUES
  ('u-alice', 'Alice', 1, 1), ('u-alice-2', 'alice', 2, 2), ('u-alice-3', '\u0410lice', 3, 3),
  ('u-alice-out', 'ALICE', 4, 4), ('u-bob', 'Bob', 5, 5), ('u-long', '${LONG}', 6, 6), ('u-long-2', '${LONG.toUpperCase()}', 7, 7);
INSERT INTO sessions (id, user_id, created_at, ended_at) VALUES
  ('s-alice', 'u-alice', 10, NULL), ('s-alice-2', 'u-alice-2', 11, NULL), ('s-alice-3', 'u-alice-3', 12, NULL),
  ('s-alice-out', 'u-alice-out', 13, 14), ('s-bob', 'u-bob', 15, NULL), ('s-long', 'u-long', 16, NULL), ('s-long-2', 'u-long-2', 17, NULL);
INSERT INTO rooms (key, name, created_at) VALUES ('dev', 'dev', 20), ('d\u0435v', 'd\u0435v', 21), ('ops', 'Ops', 22);
INSERT INTO messages (id, ts, room, user_id, data) VALUES
  (1, 30, 'lobby', 'u-alice', 'first Alice'), (2, 31, 'lobby', 'u-alice-2', 'second alice'), (3, 32, 'd\u0435v', 'u-alice-3', 'in the look-alike room');
INSERT INTO messages (id, ts, user_id, to_id, pair, data) VALUES (4, 33, 'u-alice-out', 'u-bob', 'u-alice-out' || ${newline} || 'u-bob', 'a DM');
`;

/** What a version 2 store holding the seed is, once migrated, read through the Store. */
export async function expectNamesMigrated(store: Store): Promise<void> {
  // The oldest keeps the name; the others signed in now are told apart by a suffix; the one signed out keeps theirs.
  expect(await store.getUser('u-alice')).toMatchObject({ name: 'Alice' });
  expect(await store.getUser('u-alice-2')).toMatchObject({ name: 'alice (2)' });
  expect(await store.getUser('u-alice-3')).toMatchObject({ name: '\u0410lice (3)' });
  expect(await store.getUser('u-alice-out')).toMatchObject({ name: 'ALICE' });
  expect(await store.getUser('u-long-2')).toMatchObject({ name: `${'X'.repeat(28)} (2)` });
  expect(await store.nameHolder(nameKey('ALICE'), 0)).toMatchObject({ user: { id: 'u-alice' }, signedIn: true });
  expect(await store.nameHolder(nameKey('alice (2)'), 0)).toMatchObject({ user: { id: 'u-alice-2' } });
  expect(await store.nameHolder(nameKey('Alice (3)'), 0)).toMatchObject({ user: { id: 'u-alice-3' } });
  expect(await store.nameHolder(nameKey('bob'), 0)).toMatchObject({ user: { id: 'u-bob' } });
  expect(await store.nameHolder(nameKey(LONG), 0)).toMatchObject({ user: { id: 'u-long' } });

  // Nobody lost anything: the messages are there, under the names as they are now.
  expect((await store.roomHistory('lobby', { limit: 10 })).map((m) => [m.user.name, m.data])).toEqual([
    ['Alice', 'first Alice'],
    ['alice (2)', 'second alice'],
  ]);
  expect((await store.roomHistory('d\u0435v', { limit: 10 })).map((m) => m.data)).toEqual(['in the look-alike room']);
  expect((await store.dmHistory('u-bob', 'u-alice-out', { limit: 10 })).map((m) => [m.user.name, m.data])).toEqual([['ALICE', 'a DM']]);
  expect(await store.getSession('s-alice-2')).toMatchObject({ user: { id: 'u-alice-2', name: 'alice (2)' } });

  // Rooms: both look-alikes are kept and found by their own names; the older one holds the key.
  expect(await store.findRoom('d\u0435v')).toMatchObject({ name: 'd\u0435v' });
  expect(await store.findRoomByKey(nameKey('DEV'))).toMatchObject({ name: 'dev' });
  expect(await store.findRoomByKey(nameKey('ops'))).toMatchObject({ name: 'Ops' });
  expect(await store.createRoom('ＤＥＶ', 40)).toBeUndefined();
  expect(await store.createRoom('0ps', 40)).toMatchObject({ name: '0ps' });

  // And a sign-in now sees who holds what.
  const attempt = { user: { id: 'u-new', name: 'alice', image: 0 }, sessionId: 's-new', at: 50, liveAfter: 0 };
  expect(await store.signInByName({ ...attempt, key: nameKey('alice') })).toMatchObject({ ok: false, reason: 'signedIn', holder: { id: 'u-alice' } });
}

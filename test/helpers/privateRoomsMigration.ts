// A store as the release before private rooms (schema version 3) left it, and what the migration to
// version 5 must make of it (test/store/migrations.test.ts on SQLite, test/store/postgres/migrations.test.ts
// on PostgreSQL): its rooms stay public, with their members; a private room can be made after it.
import { expect } from 'vitest';
import { nameKey } from '../../src/shared/protocol/index.js';
import type { Store } from '../../src/store/store.js';

/** Plain SQL both engines take: Ann, who made `dev` and belongs to it, and Bob. */
export const version3Seed = `
INSERT INTO users (id, name, image, created_at) VALUES ('u-ann', 'Ann', 1, 1), ('u-bob', 'Bob', 2, 2);
INSERT INTO rooms (key, name, created_at, created_by, name_key) VALUES ('dev', 'dev', 20, 'u-ann', '${nameKey('dev')}');
INSERT INTO memberships (user_id, room, joined_at) VALUES ('u-ann', 'dev', 21);
`;

/** What a version 3 store holding the seed is, once migrated, read and written through the Store. */
export async function expectPrivateRoomsMigrated(store: Store): Promise<void> {
  expect(await store.findRoom('dev')).toEqual({ name: 'dev', createdAt: 20, createdBy: 'u-ann' });
  expect(await store.membersOf('dev')).toEqual(['u-ann']);
  expect(await store.createRoom('hush', 30, 'u-ann', true)).toEqual({ name: 'hush', createdAt: 30, createdBy: 'u-ann', private: true });
  expect(await store.membersOf('hush')).toEqual(['u-ann']);
  expect((await store.findRoom('HUSH'))?.private).toBe(true);
  // The directory: a private room for its members only.
  const names = async (viewer?: string) =>
    (await store.findRooms(viewer === undefined ? { q: '', after: '', limit: 10 } : { q: '', after: '', limit: 10, viewer })).map((room) => room.name);
  expect(await names()).toEqual(['dev', 'lobby']);
  expect(await names('u-bob')).toEqual(['dev', 'lobby']);
  expect(await names('u-ann')).toEqual(['dev', 'hush', 'lobby']);
}

// The Store contract, continued (test/helpers/engines.ts: SQLite and PostgreSQL alike): the room
// directory, rooms that end (archived: closed but kept; deleted: gone at once, their messages
// purged in the background, then the name free), and the upkeep's sweep of sessions and guests.
import { expect, it } from 'vitest';
import { newUserId } from '../../src/identity/ids.js';
import { PURGE_CHUNK } from '../../src/store/bounds.js';
import type { Store, SweepCounts } from '../../src/store/store.js';
import { forEachEngine } from '../helpers/engines.js';
import { until } from '../helpers/wait.js';

const alice = { id: 'rooms-alice', name: 'Alice', image: 1 };
const bob = { id: 'rooms-bob', name: 'Bob', image: 2 };

forEachEngine('rooms', [alice, bob], (fresh) => {
  it('the directory: open rooms whose name contains the text, in any case, by name, a page at a time', async () => {
    const store = await fresh();
    for (const [i, name] of ['gamma', 'Alpha', 'alphabet', 'beta', '猫咪', 'Talk'].entries()) await store.createRoom(name, 10 + i, alice.id);
    await store.archiveRoom('beta', 20);
    const names = async (q: string, after = '', limit = 10) => (await store.findRooms({ q, after, limit })).map((r) => r.name);

    expect(await names('')).toEqual(['Alpha', 'alphabet', 'gamma', 'lobby', 'Talk', '猫咪']);
    expect(await names('AL')).toEqual(['Alpha', 'alphabet', 'Talk']);
    expect(await names('猫')).toEqual(['猫咪']);
    expect(await names('bet')).toEqual(['alphabet']);
    expect(await names('', '', 2)).toEqual(['Alpha', 'alphabet']);
    expect(await names('', 'ALPHABET', 2)).toEqual(['gamma', 'lobby']);
    expect(await names('50%_')).toEqual([]);
    expect(await store.findRooms({ q: 'gam', after: '', limit: 1 })).toEqual([{ name: 'gamma', createdAt: 10, createdBy: alice.id }]);
  });

  it('an archived room is closed: out of the lists and the sidebar, kept for its members’ search, its name taken', async () => {
    const store = await fresh();
    await store.createRoom('Old', 2, alice.id);
    await store.addMembership(alice.id, 'Old', 3);
    const said = await store.addChat({ room: 'Old', user: alice, data: 'minutes of the old meeting', ts: 4 });

    expect(await store.archiveRoom('old', 5)).toBe(true);
    expect(await store.archiveRoom('Old', 6)).toBe(false);
    expect(await store.archiveRoom('lobby', 6)).toBe(false);
    expect(await store.archiveRoom('nowhere', 6)).toBe(false);
    expect(await store.findRoom('OLD')).toEqual({ name: 'Old', createdAt: 2, createdBy: alice.id, archivedAt: 5 });
    expect((await store.listRooms()).map((r) => r.name)).toEqual(['lobby']);
    expect((await store.joinedRooms(alice.id)).map((r) => r.name)).toEqual(['lobby']);
    expect(await store.roomsOf(alice.id)).toEqual(['lobby', 'Old']);
    expect((await store.search('old meeting', { rooms: await store.roomsOf(alice.id) }, 10)).map((hit) => hit.id)).toEqual([said.id]);
    expect(await store.createRoom('old', 7, alice.id)).toBeUndefined();
    expect(await store.deleteRoom('Old', 8)).toBe(true);
    expect(await store.findRoom('Old')).toBeUndefined();
  });

  it('a small room’s messages go with it, and its name is free at once', async () => {
    const store = await fresh();
    await store.createRoom('Tiny', 2, alice.id);
    await store.addChat({ room: 'Tiny', user: alice, data: 'hello tiny', ts: 3 });
    expect(await store.deleteRoom('Tiny', 4)).toBe(true);
    expect(await store.createRoom('tiny', 5, alice.id)).toEqual({ name: 'tiny', createdAt: 5, createdBy: alice.id });
    expect(await store.roomHistory('tiny', { limit: 50 })).toEqual([]);
  });

  it('a deleted room is gone at once with its memberships; its messages go in the background, then its name is free', async () => {
    const store = await fresh();
    await store.createRoom('Big', 2, alice.id);
    await Promise.all([store.addMembership(alice.id, 'Big', 3), store.addMembership(bob.id, 'Big', 3)]);
    const total = PURGE_CHUNK * 2 + 34;
    await Promise.all(Array.from({ length: total }, (_, i) => store.addChat({ room: 'Big', user: i % 2 ? alice : bob, data: `big talk ${i}`, ts: 10 + i })));
    const kept = await store.addChat({ room: 'lobby', user: alice, data: 'big talk in the lobby', ts: 5000 });

    expect(await store.deleteRoom('lobby', 6000)).toBe(false);
    expect(await store.deleteRoom('nowhere', 6000)).toBe(false);
    expect(await store.deleteRoom('big', 6000)).toBe(true);
    expect(await store.deleteRoom('Big', 6001)).toBe(false);
    expect(await store.findRoom('Big')).toBeUndefined();
    expect((await store.listRooms()).map((r) => r.name)).toEqual(['lobby']);
    expect(await store.roomsOf(bob.id)).toEqual(['lobby']);
    expect(await store.isMember(bob.id, 'Big')).toBe(false);
    expect((await store.unreadOf(bob.id)).filter((entry) => 'room' in entry)).toEqual([{ room: 'lobby', count: 1, mentions: 0, lastReadId: 0 }]);
    // The name waits for the purge, which the background does a chunk at a time.
    expect(await store.createRoom('Big', 6002, bob.id)).toBeUndefined();
    const made = await until('the name of the deleted room free again', () => store.createRoom('Big', 6003, bob.id), (room) => room !== undefined, 15_000);
    expect(made).toEqual({ name: 'Big', createdAt: 6003, createdBy: bob.id });
    expect(await store.roomHistory('Big', { limit: 50 })).toEqual([]);
    expect((await store.search('big talk', { rooms: ['lobby', 'Big'] }, 10)).map((hit) => hit.id)).toEqual([kept.id]);
  });
});

const MAX_AGE = 1000;
const NOW = 1_000_000;
const LONG_AGO = NOW - 10 * MAX_AGE;

forEachEngine('the upkeep', [], (fresh) => {
  /** A user as a sign-in makes one (with its session), at `at`. */
  async function signedIn(store: Store, name: string, at: number) {
    const user = { id: newUserId(at), name, image: 0 };
    await store.addUser(user, at);
    await store.addSession(`s-${user.id}`, user.id, at);
    return user;
  }

  it('removes expired sessions and guests who left nothing, and keeps everyone else', async () => {
    const store = await fresh();
    const guest = await signedIn(store, 'Gone Guest', LONG_AGO);
    const joiner = await signedIn(store, 'Joined Once', LONG_AGO);
    await store.createRoom('hall', LONG_AGO);
    await store.addMembership(joiner.id, 'hall', LONG_AGO);
    const maker = await signedIn(store, 'Made A Room', LONG_AGO);
    await store.createRoom('mine', LONG_AGO, maker.id);
    const noSession = { id: newUserId(LONG_AGO), name: 'Cookie Only', image: 0 };
    await store.addUser(noSession, LONG_AGO);
    const writer = await signedIn(store, 'Writer', LONG_AGO);
    const dmReceiver = await signedIn(store, 'Got A DM', LONG_AGO);
    const dmSender = await signedIn(store, 'Sent A DM', LONG_AGO);
    const live = await signedIn(store, 'Live', NOW - MAX_AGE / 2);
    const renewed = await signedIn(store, 'Renewed', LONG_AGO);
    await store.addSession('renewed-now', renewed.id, NOW - 10);
    await store.addChat({ room: 'lobby', user: writer, data: 'I was here', ts: LONG_AGO });
    await store.addDm({ user: dmSender, to: dmReceiver, data: 'psst', ts: LONG_AGO });

    const calls: SweepCounts[] = [];
    do calls.push(await store.sweep(NOW, MAX_AGE));
    while (calls.at(-1)!.more && calls.length < 100);
    const total = calls.reduce((sum, c) => ({ sessions: sum.sessions + c.sessions, users: sum.users + c.users }), { sessions: 0, users: 0 });
    expect(total.users).toBe(3);
    for (const user of [guest, joiner, noSession]) expect(await store.getUser(user.id), user.name).toBeUndefined();
    for (const user of [maker, writer, dmReceiver, dmSender, live, renewed]) expect(await store.getUser(user.id), user.name).toBeDefined();
    // Every expired session went (the keepers' too: they are no identity any more), and only those.
    expect(total.sessions).toBe(7);
    expect(await store.getSession(`s-${live.id}`)).toBeDefined();
    expect(await store.getSession('renewed-now')).toBeDefined();
    expect(await store.getSession(`s-${writer.id}`)).toBeUndefined();
    expect(await store.roomsOf(joiner.id)).toEqual(['lobby']);
    expect((await store.roomHistory('lobby', { limit: 10 })).map((m) => m.user.id)).toEqual([writer.id]);
    expect(await store.dmHistory(dmSender.id, dmReceiver.id, { limit: 10 })).toHaveLength(1);
    // A user who was swept can come back as a newcomer.
    await store.addUser(guest, NOW);
    expect(await store.getUser(guest.id)).toEqual({ ...guest, createdAt: NOW });
  });

  it('a guest whose only trace is a reaction in a deleted room goes once the room is purged', async () => {
    const store = await fresh();
    const reactor = await signedIn(store, 'Reacted Once', LONG_AGO);
    const writer = await signedIn(store, 'Wrote There', LONG_AGO);
    await store.createRoom('gone', LONG_AGO, writer.id);
    const message = await store.addChat({ room: 'gone', user: writer, data: 'react to me', ts: LONG_AGO });
    expect(await store.toggleReaction(message.id, reactor.id, '👍', 20)).toMatchObject({ message: { id: message.id } });
    const sweepAll = async () => {
      let users = 0;
      for (let i = 0, more = true; more && i < 100; i++) {
        const counts = await store.sweep(NOW, MAX_AGE);
        users += counts.users;
        more = counts.more;
      }
      return users;
    };
    // Kept while the reaction is there.
    await sweepAll();
    expect(await store.getUser(reactor.id)).toBeDefined();
    expect(await store.deleteRoom('gone', NOW)).toBe(true);
    await until('the room purged (its name free)', () => store.createRoom('gone', NOW + 1, writer.id), (room) => room !== undefined, 15_000);
    await sweepAll();
    expect(await store.getUser(reactor.id)).toBeUndefined();
  });
});

// The Store contract (src/store/store.ts), through its asynchronous interface, for every engine the
// server can run on (test/helpers/engines.ts): SQLite and PostgreSQL get every test here alike.
// Rooms that end and the upkeep: contract-rooms.test.ts.
import { expect, it } from 'vitest';
import { PURGE_CHUNK } from '../../src/store/bounds.js';
import type { Store } from '../../src/store/store.js';
import { forEachEngine } from '../helpers/engines.js';

const alice = { id: 'contract-alice', name: 'Alice', image: 1 };
const bob = { id: 'contract-bob', name: 'Bob', image: 2 };
const carol = { id: 'contract-carol', name: 'Carol', image: 3 };

/** Stops the background purge of deleted rooms' messages (private to either engine): what it has not purged yet stays. */
function holdPurge(store: Store): void {
  const engine = 'engine' in store ? store.engine : store;
  (Reflect.get(engine as object, 'purge') as { stop(): unknown }).stop();
}

forEachEngine('the store', [alice, bob, carol], (fresh) => {
  it('keeps users; adding one again keeps the first', async () => {
    const store = await fresh();
    await store.addUser({ ...alice, name: 'Someone else' }, 2);
    expect(await store.getUser(alice.id)).toEqual({ ...alice, createdAt: 1 });
    expect(await store.getUser('nobody')).toBeUndefined();
  });

  it('has the lobby; room names are one whatever their case, spelled as made, listed in creation order', async () => {
    const store = await fresh();
    expect((await store.listRooms()).map((room) => room.name)).toEqual(['lobby']);
    expect(await store.createRoom('Dev', 10, alice.id)).toMatchObject({ name: 'Dev', createdAt: 10, createdBy: alice.id });
    expect(await store.createRoom('dev', 11)).toBeUndefined();
    expect(await store.findRoom('DEV')).toMatchObject({ name: 'Dev' });
    await store.createRoom('Ops', 12);
    expect((await store.listRooms()).map((room) => room.name)).toEqual(['lobby', 'Dev', 'Ops']);
  });

  it('gives messages ids that increase in the order they were added, and pages a room oldest first', async () => {
    const store = await fresh();
    const said = [];
    for (let i = 0; i < 7; i++) said.push(await store.addChat({ room: 'lobby', user: i % 2 ? bob : alice, data: `m${i}`, ts: 100 + i }));
    const ids = said.map((message) => message.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(await store.lastMessageId()).toBe(ids.at(-1));
    const latest = await store.roomHistory('lobby', { limit: 3 });
    expect(latest.map((message) => message.data)).toEqual(['m4', 'm5', 'm6']);
    expect(latest[0]).toEqual({ type: 'chat', id: ids[4], ts: 104, room: 'lobby', user: alice, data: 'm4' });
    const older = await store.roomHistory('lobby', { limit: 3, before: ids[4]! });
    expect(older.map((message) => message.data)).toEqual(['m1', 'm2', 'm3']);
  });

  it('keeps a conversation between two people, seen alike from either side', async () => {
    const store = await fresh();
    const first = await store.addDm({ user: alice, to: bob, data: 'hi Bob', ts: 1 });
    await store.addDm({ user: bob, to: alice, data: 'hi Alice', ts: 2 });
    await store.addDm({ user: alice, to: carol, data: 'not for Bob', ts: 3 });
    expect(first).toEqual({ type: 'dm', id: first.id, ts: 1, user: alice, to: bob, data: 'hi Bob' });
    const fromBob = await store.dmHistory(bob.id, alice.id, { limit: 10 });
    expect(fromBob.map((message) => message.data)).toEqual(['hi Bob', 'hi Alice']);
    expect(await store.dmHistory(alice.id, bob.id, { limit: 10 })).toEqual(fromBob);
    expect((await store.conversationsOf(alice.id, 10)).map((user) => user.id)).toEqual([carol.id, bob.id]);
  });

  it('replays what came after an id in the given rooms and one person’s DMs, in id order, a page at a time', async () => {
    const store = await fresh();
    await store.createRoom('dev', 1);
    const before = await store.addChat({ room: 'lobby', user: alice, data: 'before', ts: 1 });
    const wanted = [
      await store.addChat({ room: 'lobby', user: bob, data: 'a', ts: 2 }),
      await store.addDm({ user: carol, to: alice, data: 'b', ts: 3 }),
      await store.addChat({ room: 'dev', user: bob, data: 'c', ts: 4 }),
      await store.addDm({ user: alice, to: bob, data: 'd', ts: 5 }),
    ];
    await store.addDm({ user: bob, to: carol, data: 'not hers', ts: 6 });
    const all = await store.messagesSince(before.id, ['lobby', 'dev'], alice.id);
    expect(all.map((message) => message.data)).toEqual(wanted.map((message) => message.data));
    expect((await store.messagesSince(before.id, ['lobby', 'dev'], alice.id, 2)).map((message) => message.data)).toEqual(['a', 'b']);
    expect((await store.messagesSince(before.id, ['lobby'])).map((message) => message.data)).toEqual(['a']);
  });

  it('gives a stretch of ids, every room and DM alike, in id order, a page at a time, a deleted room’s messages left out', async () => {
    const store = await fresh();
    await store.createRoom('dev', 1);
    await store.createRoom('doomed', 1);
    const before = await store.addChat({ room: 'lobby', user: alice, data: 'before', ts: 1 });
    const a = await store.addChat({ room: 'lobby', user: bob, data: 'a', ts: 2 });
    // More than deleting the room purges at once: the rest waits for the background, held here.
    await Promise.all(Array.from({ length: PURGE_CHUNK + 3 }, (_, i) => store.addChat({ room: 'doomed', user: carol, data: `doomed ${i}`, ts: 3 })));
    const rest = [
      await store.addDm({ user: carol, to: alice, data: 'b', ts: 4 }),
      await store.addChat({ room: 'dev', user: bob, data: 'c', ts: 5 }),
      await store.addDm({ user: bob, to: carol, data: 'd', ts: 6 }),
      await store.addChat({ room: 'lobby', user: carol, data: 'e', ts: 7 }),
    ];
    holdPurge(store);
    expect(await store.deleteRoom('doomed', 8)).toBe(true);
    const last = rest[3]!.id;

    expect(await store.messagesBetween(before.id, last, 100)).toEqual([a, ...rest]);
    expect((await store.messagesBetween(0, last, 100)).map((m) => m.data)).toEqual(['before', 'a', 'b', 'c', 'd', 'e']);
    // A page is cut by the limit, not shortened by what is left out: the next page goes on from its last id.
    expect((await store.messagesBetween(before.id, last, 2)).map((m) => m.data)).toEqual(['a', 'b']);
    expect((await store.messagesBetween(rest[0]!.id, last, 2)).map((m) => m.data)).toEqual(['c', 'd']);
    // After is left out, up to is in.
    expect((await store.messagesBetween(a.id, rest[1]!.id, 100)).map((m) => m.data)).toEqual(['b', 'c']);
    expect(await store.messagesBetween(last, last + 100, 100)).toEqual([]);
  });

  it('keeps memberships for good, the lobby everyone’s; a newcomer to a room finds none of its past unread', async () => {
    const store = await fresh();
    await store.createRoom('dev', 1);
    await store.addChat({ room: 'dev', user: bob, data: 'old news', ts: 1 });
    expect(await store.isMember(alice.id, 'lobby')).toBe(true);
    expect(await store.isMember(alice.id, 'dev')).toBe(false);
    expect(await store.addMembership(alice.id, 'dev', 2)).toBe(true);
    expect(await store.addMembership(alice.id, 'dev', 3)).toBe(false);
    expect(await store.roomsOf(alice.id)).toEqual(['lobby', 'dev']);
    expect((await store.unreadOf(alice.id)).filter((entry) => 'room' in entry && entry.room === 'dev')).toEqual([]);
    await store.removeMembership(alice.id, 'dev');
    await store.removeMembership(alice.id, 'lobby');
    expect(await store.roomsOf(alice.id)).toEqual(['lobby']);
  });

  it('counts what others wrote after a read marker, mentions apart; a marker only moves forward', async () => {
    const store = await fresh();
    const start = await store.addChat({ room: 'lobby', user: alice, data: 'mine', ts: 1 });
    expect(await store.markRead(alice.id, { room: 'lobby' }, start.id)).toBe(true);
    await store.addChat({ room: 'lobby', user: bob, data: 'hello all', ts: 2 });
    // Who a message mentions is what it was stored with (resolved when sent), not its text.
    const mention = await store.addChat({ room: 'lobby', user: carol, data: '@Alice look', ts: 3, mentions: [alice.id] });
    const textOnly = await store.addChat({ room: 'lobby', user: carol, data: '@Alice in text only, resolved to nobody', ts: 3 });
    await store.addChat({ room: 'lobby', user: alice, data: 'my own never counts', ts: 4 });
    await store.addDm({ user: bob, to: alice, data: 'psst', ts: 5 });
    expect(await store.unreadOf(alice.id)).toEqual([
      { room: 'lobby', count: 3, mentions: 1, lastReadId: start.id },
      { with: bob.id, count: 1, mentions: 0, lastReadId: 0 },
    ]);
    expect(await store.markRead(alice.id, { room: 'lobby' }, mention.id)).toBe(true);
    expect(await store.markRead(alice.id, { room: 'lobby' }, start.id)).toBe(false);
    expect(await store.markRead(alice.id, { room: 'lobby' }, textOnly.id)).toBe(true);
    expect((await store.unreadOf(alice.id)).map((entry) => ('room' in entry ? entry.room : entry.with))).toEqual([bob.id]);
  });

  it('keeps sessions with their user; ending one, or all of a user’s, is remembered', async () => {
    const store = await fresh();
    expect(await store.hasSessions(alice.id)).toBe(false);
    await store.addSession('s-laptop', alice.id, 10);
    await store.addSession('s-phone', alice.id, 11);
    expect(await store.getSession('s-laptop')).toEqual({ id: 's-laptop', user: { ...alice, createdAt: 1 }, createdAt: 10 });
    await store.endSession('s-laptop', 20);
    expect(await store.getSession('s-laptop')).toMatchObject({ endedAt: 20 });
    expect((await store.getSession('s-phone'))?.endedAt).toBeUndefined();
    await store.endSessionsOf(alice.id, 30);
    expect(await store.getSession('s-phone')).toMatchObject({ endedAt: 30 });
    expect(await store.hasSessions(alice.id)).toBe(true);
  });

  it('commits the writes of one turn together: each resolves once they all are, and a bad one fails alone', async () => {
    const store = await fresh();
    const writes = [
      store.addChat({ room: 'lobby', user: alice, data: 'one', ts: 1 }),
      store.addChat({ room: 'lobby', user: { id: 'nobody', name: 'Nobody', image: 0 }, data: 'from nobody', ts: 2 }),
      store.addChat({ room: 'lobby', user: bob, data: 'two', ts: 3 }),
    ];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.roomHistory('lobby', { limit: 10 })).map((message) => message.data)).toEqual(['one', 'two']);
  });

  it('finds nothing by a name or id holding NUL, which nothing stored holds, rather than failing', async () => {
    const store = await fresh();
    expect(await store.findRoom('lob\u0000by')).toBeUndefined();
    expect(await store.findRooms({ q: '\u0000', after: '', limit: 10 })).toEqual([]);
    expect(await store.getUser('contract-alice\u0000')).toBeUndefined();
    expect(await store.getSession('\u0000')).toBeUndefined();
    expect(await store.isMember(alice.id, 'dev\u0000')).toBe(false);
    expect(await store.roomHistory('\u0000', { limit: 10 })).toEqual([]);
    expect(await store.dmHistory(alice.id, '\u0000', { limit: 10 })).toEqual([]);
    expect(await store.messagesSince(0, ['\u0000'])).toEqual([]);
  });

  it('finds messages by any part of their text, in the rooms and DMs asked for, newest first', async () => {
    const store = await fresh();
    await store.createRoom('dev', 1);
    await store.addChat({ room: 'lobby', user: alice, data: '大家你好啊', ts: 1 });
    await store.addChat({ room: 'dev', user: bob, data: 'Hello world', ts: 2 });
    await store.addDm({ user: bob, to: alice, data: 'hello Alice', ts: 3 });
    const found = await store.search('hello', { rooms: ['lobby', 'dev'], dmsOf: alice.id }, 10);
    expect(found.map((hit) => hit.data)).toEqual(['hello Alice', 'Hello world']);
    expect(found[0]).toMatchObject({ with: bob.id, user: bob });
    expect((await store.search('你好', { rooms: ['lobby'] }, 10)).map((hit) => hit.data)).toEqual(['大家你好啊']);
    expect(await store.search('hello', { rooms: ['lobby'] }, 10)).toEqual([]);
  });
});

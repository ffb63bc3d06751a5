// Unread counts (docs/protocol.md, "Rooms of your own, unread, typing and search"): `unread` on
// connect, right after the lobby list, counting what others wrote after the user's read marker per
// room and per DM with mentions apart; how joining and leaving a room move the marker; markers and
// memberships across a restart (an upgrade: sqlite-upgrades.test.ts). Real server, real `ws` clients.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { dm, join, joinAll, leave, personName, say, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';
import { connectWithUnread, entryFor, markRead } from '../helpers/unread.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

const chat = useServer({ RATE_LIMIT: '0' });

const connect = (who: SignedIn) => connectWithUnread(chat, who);

async function tab(who: SignedIn) {
  return (await connect(who)).client;
}

describe('unread on connect', () => {
  it('comes right after the lobby list when something is unread; a newcomer has nothing unread, however long the lobby is', async () => {
    const old = await chat.signIn(personName('Old'));
    const { client: o } = await connect(old);
    for (let i = 0; i < 30; i++) await say(o, unique('before you came'));

    const newcomer = await chat.signIn(personName('New'));
    const { unread } = await connect(newcomer);
    expect(unread).toEqual([]);

    // after a restart of the page, still nothing; then one message from someone else is one unread
    expect((await connect(newcomer)).unread).toEqual([]);
    const hello = await say(o, unique('welcome'));
    const entry = entryFor((await connect(newcomer)).unread, { room: 'lobby' });
    expect(entry).toMatchObject({ room: 'lobby', count: 1, mentions: 0 });
    expect(entry!.lastReadId).toBeLessThan(hello.id);
  });

  it('counts what others wrote after the marker, per room and per DM, with mentions of you apart', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const bob = await chat.signIn(personName('Bob'));
    const carol = await chat.signIn(personName('Carol'));
    const room = await chat.createRoom(alice);
    const { client: a } = await connect(alice);
    const { client: b } = await connect(bob);
    const { client: c } = await connect(carol);
    await joinAll(room, a, b);
    await b.close();

    // while Bob is away
    await say(a, unique('plain'), room);
    await say(a, `hi @${bob.user.name}, look`, room);
    await say(a, `@${bob.user.name.toUpperCase()} in capitals`, room);
    await say(a, unique('lobby plain'));
    await say(a, `lobby, @${bob.user.name}: ${unique('x')}`);
    await say(a, `@${carol.user.name} is not Bob ${unique('x')}`, room);
    await dm(a, bob.user, unique('dm one'));
    await dm(a, bob.user, `dm @${bob.user.name} ${unique('x')}`);
    await dm(c, bob.user, unique('from carol'));
    await dm(a, carol.user, unique('not for bob')); // someone else's conversation

    const { client: b2, unread } = await connect(bob);
    expect(entryFor(unread, { room })).toMatchObject({ room, count: 4, mentions: 2 });
    expect(entryFor(unread, { room: 'lobby' })).toMatchObject({ room: 'lobby', count: 2, mentions: 1 });
    expect(entryFor(unread, { with: alice.user.id })).toEqual({ with: alice.user.id, count: 2, mentions: 1, lastReadId: 0 });
    expect(entryFor(unread, { with: carol.user.id })).toEqual({ with: carol.user.id, count: 1, mentions: 0, lastReadId: 0 });
    expect(unread).toHaveLength(4);
    // rooms come before conversations, lobby first
    expect(unread.map((e) => ('room' in e ? `room:${e.room}` : 'dm'))).toEqual(['room:lobby', `room:${room}`, 'dm', 'dm']);

    // Bob's own messages never count
    await join(b2, room);
    await say(b2, unique('mine'), room);
    await dm(b2, alice.user, unique('mine too'));
    const again = (await connect(bob)).unread;
    expect(entryFor(again, { room })).toMatchObject({ count: 4 });
    expect(entryFor(again, { with: alice.user.id })).toMatchObject({ count: 2 });
  });

  it('counts mentions of a name beyond ASCII in any case: Ärger is mentioned by @ärger and @ÄRGER', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const reader = await chat.signIn(personName('Ärger'));
    const name = reader.user.name;
    const { client: a } = await connect(alice);
    await say(a, `@${name.toLowerCase()} can you look`);
    await say(a, `@${name.toUpperCase()} again`);
    await say(a, `@${name}s is somebody else`);
    const { unread } = await connect(reader);
    expect(entryFor(unread, { room: 'lobby' })).toMatchObject({ count: 3, mentions: 2 });
  });
});

describe('read markers and membership', () => {
  it('joining a room does not make its past unread; leaving and coming back skips what was said meanwhile', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const bob = await chat.signIn(personName('Bob'));
    const room = await chat.createRoom(alice);
    const a = await tab(alice);
    await join(a, room);
    for (let i = 0; i < 12; i++) await say(a, unique(`old${i}`), room);

    const b = await tab(bob);
    await join(b, room);
    expect(entryFor((await connect(bob)).unread, { room })).toBeUndefined();
    await say(a, unique('after bob joined'), room);
    expect(entryFor((await connect(bob)).unread, { room })).toMatchObject({ count: 1 });

    await leave(b, room);
    for (let i = 0; i < 3; i++) await say(a, unique(`while away${i}`), room);
    // not a member: the room is not listed at all, and it cannot be marked read
    expect(entryFor((await connect(bob)).unread, { room })).toBeUndefined();
    b.send({ type: 'read', room, id: 1, ref: 'gone' });
    expect((await b.next<ErrorMessage>((m) => m.type === 'error')).data.code).toBe('not_in_room');

    await join(b, room);
    expect(entryFor((await connect(bob)).unread, { room })).toBeUndefined();
    await say(a, unique('welcome back'), room);
    expect(entryFor((await connect(bob)).unread, { room })).toMatchObject({ count: 1 });
  });

  it('read markers and memberships survive a restart', async () => {
    const alice = await chat.signIn(personName('Alice'));
    const bob = await chat.signIn(personName('Bob'));
    const room = await chat.createRoom(alice);
    const { client: a } = await connect(alice);
    const { client: b1 } = await connect(bob);
    const { client: b2 } = await connect(bob);
    await joinAll(room, a, b1);
    const first = await say(a, unique('one'), room);
    await say(a, unique('two'), room);
    await markRead(b1, b2, { room }, first.id);

    await chat.restart();
    const { unread } = await connect(bob);
    expect(entryFor(unread, { room })).toEqual({ room, count: 1, mentions: 0, lastReadId: first.id });
  });
});

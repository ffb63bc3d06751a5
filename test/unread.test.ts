// Read markers and unread counts (issue 3, items 2 and 4; README "Choices and extensions"): `unread`
// on connect, `read` from the client and to the user's other tabs, mentions counted apart, against
// the real server with real `ws` clients.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ServerMessage, UnreadEntry } from '../src/shared/protocol/index.js';
import { createRoom, dm, join, leave, roomName, say, Sockets, unique } from './helpers/chat.js';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, tempDataDir, type SignedIn, type TestServer } from './helpers/server.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
type UnreadMessage = Extract<ServerMessage, { type: 'unread' }>;
type ListMessage = Extract<ServerMessage, { type: 'list' }>;
type ReadMessage = Extract<ServerMessage, { type: 'read' }>;

// --- small helpers (local to this file) -----------------------------------------------------------

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
});

afterAll(async () => {
  await server?.close();
});

const sockets = new Sockets();

let counter = 0;
/** A name no other user here has or starts with, so `@name` mentions only this one. */
function personName(label: string): string {
  return `${label}${++counter}x${Math.random().toString(36).slice(2, 6)}`;
}

/** Connects, waits for the greeting and returns the `unread` that follows the lobby list. */
async function connect(who: SignedIn, target = server): Promise<{ client: TestClient; unread: UnreadEntry[] }> {
  const client = await TestClient.connect(target.wsUrl, { cookie: who.cookie });
  sockets.keep(client);
  const list = await client.next<ListMessage>((m) => m.type === 'list' && m.room === 'lobby');
  const afterList = client.received.indexOf(list);
  // A probe: frames arrive in order, so once its answer is here, an `unread` would be too.
  client.send({ type: 'history', room: 'lobby', limit: 1 });
  const probe = await client.next((m) => m.type === 'history' && client.received.indexOf(m) > afterList);
  const between = client.received.slice(afterList + 1, client.received.indexOf(probe));
  const unread = between.find((m): m is UnreadMessage => m.type === 'unread');
  if (!unread) return { client, unread: [] };
  // right after the lobby list, nothing in between; sent only when something is unread
  expect(between.indexOf(unread)).toBe(0);
  expect(unread.data.length).toBeGreaterThan(0);
  await client.next((m) => m === unread);
  return { client, unread: unread.data };
}

async function tab(who: SignedIn): Promise<TestClient> {
  return (await connect(who)).client;
}

function entryFor(entries: UnreadEntry[], about: { room: string } | { with: string }): UnreadEntry | undefined {
  return entries.find((e) => ('room' in about ? 'room' in e && e.room === about.room : 'with' in e && e.with === about.with));
}

const isRead = (m: ServerMessage): boolean => m.type === 'read';

/** Sends a read and waits until another tab of the same user has heard it (the marker is stored then). */
async function markRead(client: TestClient, witness: TestClient, about: { room: string } | { with: string }, id: number): Promise<ReadMessage> {
  client.send({ type: 'read', ...about, id });
  return witness.next<ReadMessage>(isRead);
}

// --- unread on connect ----------------------------------------------------------------------------

describe('unread on connect', () => {
  it('comes right after the lobby list when something is unread; a newcomer has nothing unread, however long the lobby is', async () => {
    const old = await signIn(server.url, personName('Old'));
    const { client: o } = await connect(old);
    for (let i = 0; i < 30; i++) await say(o, unique('before you came'));

    const newcomer = await signIn(server.url, personName('New'));
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
    const alice = await signIn(server.url, personName('Alice'));
    const bob = await signIn(server.url, personName('Bob'));
    const carol = await signIn(server.url, personName('Carol'));
    const room = await createRoom(server, alice.cookie);
    const { client: a } = await connect(alice);
    const { client: b } = await connect(bob);
    const { client: c } = await connect(carol);
    await join(a, room);
    await join(b, room);
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
    const alice = await signIn(server.url, personName('Alice'));
    const reader = await signIn(server.url, personName('Ärger'));
    const name = reader.user.name;
    const { client: a } = await connect(alice);
    await say(a, `@${name.toLowerCase()} can you look`);
    await say(a, `@${name.toUpperCase()} again`);
    await say(a, `@${name}s is somebody else`);
    const { unread } = await connect(reader);
    expect(entryFor(unread, { room: 'lobby' })).toMatchObject({ count: 3, mentions: 2 });
  });
});

// --- read -----------------------------------------------------------------------------------------

describe('read', () => {
  it('marks a room read up to id: the other tabs hear it, the sender and others do not, and a reload agrees', async () => {
    const alice = await signIn(server.url, personName('Alice'));
    const bob = await signIn(server.url, personName('Bob'));
    const room = await createRoom(server, alice.cookie);
    const a = await tab(alice);
    const b1 = await tab(bob);
    const b2 = await tab(bob);
    await join(a, room);
    await join(b1, room);

    const sent: ChatMessage[] = [];
    for (let i = 0; i < 4; i++) sent.push(await say(a, unique(`m${i}`), room));

    // the room named in another case: the echo carries the room's own spelling
    const echoed = await markRead(b1, b2, { room: room.toUpperCase() }, sent[1]!.id);
    expect(echoed).toEqual({ type: 'read', room, id: sent[1]!.id });
    expect(await b1.quietFor(200, isRead)).toEqual([]);
    expect(await a.quietFor(0, isRead)).toEqual([]);

    const { unread } = await connect(bob);
    expect(entryFor(unread, { room })).toEqual({ room, count: 2, mentions: 0, lastReadId: sent[1]!.id });

    // never backwards: an older id changes nothing and nobody hears of it
    b1.send({ type: 'read', room, id: sent[0]!.id });
    expect(await b2.quietFor(250, isRead)).toEqual([]);
    expect(entryFor((await connect(bob)).unread, { room })).toMatchObject({ count: 2, lastReadId: sent[1]!.id });

    // all read: the room drops out of unread
    await markRead(b2, b1, { room }, sent[3]!.id);
    expect(entryFor((await connect(bob)).unread, { room })).toBeUndefined();
  });

  it('marks a DM conversation read with `with`, for that conversation only', async () => {
    const alice = await signIn(server.url, personName('Alice'));
    const bob = await signIn(server.url, personName('Bob'));
    const carol = await signIn(server.url, personName('Carol'));
    const a = await tab(alice);
    const c = await tab(carol);
    const b1 = await tab(bob);
    const b2 = await tab(bob);

    const first = await dm(a, bob.user, unique('one'));
    const second = await dm(a, bob.user, unique('two'));
    await dm(c, bob.user, unique('from carol'));

    const echoed = await markRead(b1, b2, { with: alice.user.id }, first.id);
    expect(echoed).toEqual({ type: 'read', with: alice.user.id, id: first.id });
    const unread = (await connect(bob)).unread;
    expect(entryFor(unread, { with: alice.user.id })).toEqual({ with: alice.user.id, count: 1, mentions: 0, lastReadId: first.id });
    expect(entryFor(unread, { with: carol.user.id })).toMatchObject({ count: 1, lastReadId: 0 });

    await markRead(b1, b2, { with: alice.user.id }, second.id);
    expect(entryFor((await connect(bob)).unread, { with: alice.user.id })).toBeUndefined();
    // Alice's own view of the conversation is hers alone: nothing Bob read shows up for her
    expect(await a.quietFor(100, isRead)).toEqual([]);
  });

  it('an id past the newest message reads only what exists: later messages still count', async () => {
    const alice = await signIn(server.url, personName('Alice'));
    const bob = await signIn(server.url, personName('Bob'));
    const a = await tab(alice);
    const b1 = await tab(bob);
    const b2 = await tab(bob);
    await say(a, unique('now'));

    const echoed = await markRead(b1, b2, { room: 'lobby' }, Number.MAX_SAFE_INTEGER);
    expect(echoed.id).toBeLessThan(Number.MAX_SAFE_INTEGER);
    const later = await say(a, unique('later'));
    expect(entryFor((await connect(bob)).unread, { room: 'lobby' })).toMatchObject({ count: 1, lastReadId: echoed.id });
    expect(echoed.id).toBeLessThan(later.id);
  });

  it('refuses what it cannot mark, naming the error and keeping the connection', async () => {
    const alice = await signIn(server.url, personName('Alice'));
    const bob = await signIn(server.url, personName('Bob'));
    const notMine = await createRoom(server, alice.cookie);
    const b1 = await tab(bob);
    const b2 = await tab(bob);

    const cases: { request: Record<string, unknown>; code: string }[] = [
      { request: { type: 'read', room: 'no-such-room-here', id: 1 }, code: 'no_such_room' },
      { request: { type: 'read', room: notMine, id: 1 }, code: 'not_in_room' },
      { request: { type: 'read', with: 'no-such-user-id', id: 1 }, code: 'no_such_user' },
      { request: { type: 'read', room: 'lobby' }, code: 'bad_message' },
      { request: { type: 'read', room: 'lobby', id: -1 }, code: 'bad_message' },
      { request: { type: 'read', room: 'lobby', id: 2.5 }, code: 'bad_message' },
      { request: { type: 'read', room: 'lobby', id: '3' }, code: 'bad_message' },
      { request: { type: 'read', id: 3 }, code: 'bad_message' },
      { request: { type: 'read', room: 'lobby', with: alice.user.id, id: 3 }, code: 'bad_message' },
    ];
    cases.forEach(({ request }, i) => b1.send({ ...request, ref: `r${i}` }));
    for (const [i, { request, code }] of cases.entries()) {
      const error = await b1.next<ErrorMessage>((m) => m.type === 'error');
      expect(error.data.code, JSON.stringify(request)).toBe(code);
      expect(error.ref).toBe(`r${i}`);
    }
    expect(await b2.quietFor(100, isRead)).toEqual([]);
    // still open and working
    const text = unique('still here');
    await say(b1, text);
  });
});

// --- membership and the marker ------------------------------------------------------------------

describe('read markers and membership', () => {
  it('joining a room does not make its past unread; leaving and coming back skips what was said meanwhile', async () => {
    const alice = await signIn(server.url, personName('Alice'));
    const bob = await signIn(server.url, personName('Bob'));
    const room = await createRoom(server, alice.cookie);
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
    const dataDir = tempDataDir();
    let own = await startTestServer({ SIGNIN_RATE_LIMIT: '0' }, dataDir);
    try {
      const alice = await signIn(own.url, personName('Alice'));
      const bob = await signIn(own.url, personName('Bob'));
      const room = roomName();
      expect(
        (await fetch(`${own.url}/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: alice.cookie }, body: JSON.stringify({ name: room }) }))
          .status,
      ).toBe(201);
      const { client: a } = await connect(alice, own);
      const { client: b1 } = await connect(bob, own);
      const { client: b2 } = await connect(bob, own);
      await join(a, room);
      await join(b1, room);
      const first = await say(a, unique('one'), room);
      await say(a, unique('two'), room);
      await markRead(b1, b2, { room }, first.id);
      await sockets.closeAll();
      await own.close();

      own = await startTestServer({ SIGNIN_RATE_LIMIT: '0' }, dataDir);
      const { unread } = await connect(bob, own);
      expect(entryFor(unread, { room })).toEqual({ room, count: 1, mentions: 0, lastReadId: first.id });
    } finally {
      await sockets.closeAll();
      await own.close();
    }
  });

  it('someone who signed in before read markers existed does not find the whole lobby unread after the upgrade', async () => {
    const dataDir = tempDataDir();
    let own = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' }, dataDir);
    try {
      const alice = await signIn(own.url, personName('Alice'));
      const bob = await signIn(own.url, personName('Bob'));
      const { client: a } = await connect(alice, own);
      for (let i = 0; i < 20; i++) await say(a, unique('history'));
      await sockets.closeAll();
      await own.close();

      // the database as a version without read markers left it
      const db = new Database(path.join(dataDir, 'chat.db'));
      db.exec('DROP TABLE reads; DROP TABLE memberships; PRAGMA user_version = 0;');
      db.close();

      own = await startTestServer({ SIGNIN_RATE_LIMIT: '0' }, dataDir);
      expect((await connect(bob, own)).unread).toEqual([]);
      const { client: a2 } = await connect(alice, own);
      await say(a2, unique('news'));
      expect((await connect(bob, own)).unread).toMatchObject([{ room: 'lobby', count: 1 }]);
    } finally {
      await sockets.closeAll();
      await own.close();
    }
  });
});

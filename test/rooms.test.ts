// Rooms and history rows of the contract (PROTOCOL.md §1 /rooms, §4–§5 join, leave, history) against
// the real server with real `ws` clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, DirectMessage, ServerMessage, User } from '../src/shared/protocol/index.js';
import { chatWith, createRoom, isError, join, presence, roomName, say, Sockets, unique, userShape } from './helpers/chat.js';
import { TestClient } from './helpers/client.js';
import { signIn, startTestServer, type SignedIn, type TestServer } from './helpers/server.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;
type HistoryMessage = Extract<ServerMessage, { type: 'history' }>;
type RoomHistory = Extract<HistoryMessage, { room: string }>;
type DmHistory = Extract<HistoryMessage, { with: string }>;
type ListMessage = Extract<ServerMessage, { type: 'list' }>;
type RoomsMessage = Extract<ServerMessage, { type: 'rooms' }>;
type PresenceMessage = Extract<ServerMessage, { type: 'join' | 'left' }>;

// --- small helpers (local to this file) -----------------------------------------------------------

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SIGNIN_RATE_LIMIT: '0', RATE_LIMIT: '0' });
});

afterAll(async () => {
  await server?.close();
});

const sockets = new Sockets();
const connect = (who: SignedIn) => sockets.ready(server, who);

function postRoom(name: unknown, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (cookie) headers.cookie = cookie;
  return fetch(`${server.url}/rooms`, { method: 'POST', headers, body: JSON.stringify({ name }) });
}

async function getRooms(cookie?: string): Promise<Response> {
  return fetch(`${server.url}/rooms`, { headers: cookie ? { cookie, accept: 'application/json' } : { accept: 'application/json' } });
}

async function usersIn(cookie: string, room: string): Promise<string[]> {
  const response = await getRooms(cookie);
  expect(response.status).toBe(200);
  const rooms = (await response.json()) as { name: string; users: User[] }[];
  const entry = rooms.find((r) => r.name === room);
  expect(entry, `room ${room} in GET /rooms`).toBeDefined();
  return entry!.users.map((u) => u.id).sort();
}

// --- POST /rooms, GET /rooms ------------------------------------------------------------------

describe('POST /rooms', () => {
  it('creates a room (201 {name}) and tells every connected client the new room list', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const a1 = await connect(alice);
    const a2 = await connect(alice);
    const b = await connect(bob);

    const name = roomName('general');
    const response = await postRoom(name, alice.cookie);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name });

    for (const client of [a1, a2, b]) {
      const rooms = await client.next<RoomsMessage>((m) => m.type === 'rooms' && m.data.includes(name));
      expect(rooms.data[0]).toBe('lobby');
      expect(rooms.data.filter((n) => n === name)).toHaveLength(1);
    }

    // the room is listed for everyone, even users who have not joined
    const list = (await (await getRooms(bob.cookie)).json()) as { name: string; users: User[] }[];
    expect(list.map((r) => r.name)).toEqual(expect.arrayContaining(['lobby', name]));
  });

  it('?rooms=changes (extension): such a connection hears the new room alone, the others the whole list', async () => {
    const alice = await signIn(server.url, 'Alice');
    const plain = await connect(alice);
    const changes = sockets.keep(await TestClient.connect(`${server.wsUrl}?rooms=changes`, { cookie: alice.cookie }));
    await changes.next((m) => m.type === 'list' && m.room === 'lobby');

    const name = roomName('announced');
    expect((await postRoom(name, alice.cookie)).status).toBe(201);
    expect(await changes.next((m) => m.type === 'room' || m.type === 'rooms')).toEqual({ type: 'room', change: 'created', room: name });
    const all = await plain.next<RoomsMessage>((m) => m.type === 'rooms');
    expect(all.data).toEqual(expect.arrayContaining(['lobby', name]));
    // Nothing else about rooms reached the connection that asked for changes: a ping answers after it.
    changes.send({ type: 'ping', ref: 'after' });
    await changes.next((m) => m.type === 'pong');
    expect(changes.received.filter((m) => m.type === 'rooms' || m.type === 'room')).toHaveLength(1);
  });

  it('409 for a name that exists, whatever its case; no rooms broadcast then', async () => {
    const alice = await signIn(server.url, 'Alice');
    const a = await connect(alice);
    const name = await createRoom(server, alice.cookie, roomName('Dup'));
    await a.next((m) => m.type === 'rooms');

    for (const again of [name, name.toLowerCase(), name.toUpperCase()]) {
      expect((await postRoom(again, alice.cookie)).status, again).toBe(409);
    }
    expect((await postRoom('lobby', alice.cookie)).status).toBe(409);
    expect((await postRoom('LOBBY', alice.cookie)).status).toBe(409);
    expect(await a.quietFor(200, (m) => m.type === 'rooms')).toEqual([]);
  });

  it('400 for a bad name; letters of any script, digits, - and _ up to 32 characters are fine', async () => {
    const alice = await signIn(server.url, 'Alice');
    for (const bad of ['', '   ', 'has space', 'a'.repeat(33), '<b>', 'a/b', 'dot.ted', 'new\nline', 42, null]) {
      expect((await postRoom(bad, alice.cookie)).status, JSON.stringify(bad)).toBe(400);
    }
    const noBody = await fetch(`${server.url}/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: alice.cookie },
      body: '{}',
    });
    expect(noBody.status).toBe(400);

    const suffix = roomName('x').slice(1);
    for (const good of [`聊天室${suffix}`, `dev-ops_${suffix}`, `${'z'.repeat(32 - suffix.length)}${suffix}`]) {
      const response = await postRoom(good, alice.cookie);
      expect(response.status, good).toBe(201);
      expect(await response.json()).toEqual({ name: good });
    }
  });

  it('401 without a cookie, and nothing is created', async () => {
    const name = roomName('anon');
    expect((await postRoom(name)).status).toBe(401);
    const alice = await signIn(server.url, 'Alice');
    const rooms = (await (await getRooms(alice.cookie)).json()) as { name: string }[];
    expect(rooms.map((r) => r.name)).not.toContain(name);
  });
});

describe('GET /rooms', () => {
  it('lists every room with who is in it now (each user once); 401 without a cookie', async () => {
    expect((await getRooms()).status).toBe(401);

    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const room = await createRoom(server, alice.cookie);
    const a1 = await connect(alice);
    const a2 = await connect(alice);
    const b = await connect(bob);

    const response = await getRooms(alice.cookie);
    expect(response.status).toBe(200);
    const rooms = (await response.json()) as { name: string; users: User[] }[];
    const lobby = rooms.find((r) => r.name === 'lobby');
    expect(lobby?.users.filter((u) => u.id === alice.user.id)).toEqual([userShape(alice.user)]);
    expect(lobby?.users.filter((u) => u.id === bob.user.id)).toEqual([userShape(bob.user)]);
    expect(rooms.find((r) => r.name === room)?.users).toEqual([]);

    await join(a1, room);
    await join(a2, room);
    expect(await usersIn(bob.cookie, room)).toEqual([alice.user.id]);
    await join(b, room);
    expect(await usersIn(bob.cookie, room)).toEqual([alice.user.id, bob.user.id].sort());

    b.send({ type: 'leave', room });
    await b.next(presence('left', bob.user, room));
    expect(await usersIn(bob.cookie, room)).toEqual([alice.user.id]);

    await a1.close();
    await a2.close();
    // presence follows the sockets: give the server a moment to see both closes
    await b.next(presence('left', alice.user, 'lobby'));
    expect(await usersIn(bob.cookie, room)).toEqual([]);
    expect(await usersIn(bob.cookie, 'lobby')).not.toContain(alice.user.id);
  });
});

// --- join / leave -------------------------------------------------------------------------------

describe('join', () => {
  it('sends history then list to the joiner, and join to everyone in the room, the joiner included', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const carol = await signIn(server.url, 'Carol');
    const room = await createRoom(server, bob.cookie);
    const a = await connect(alice);
    const b = await connect(bob);
    const c = await connect(carol);

    await join(b, room);
    const first = await say(b, unique('first in room'), room);
    const second = await say(b, unique('second in room'), room);

    a.drain();
    a.send({ type: 'join', room });
    const joined = await a.next<PresenceMessage>(presence('join', alice.user, room));
    const history = a.received.find((m): m is RoomHistory => m.type === 'history' && 'room' in m && m.room === room);
    const list = a.received.find((m): m is ListMessage => m.type === 'list' && m.room === room);
    expect(history).toBeDefined();
    expect(list).toBeDefined();
    expect(a.received.indexOf(history!)).toBeLessThan(a.received.indexOf(list!));
    expect(history!.data).toEqual([
      { type: 'chat', id: first.id, ts: first.ts, room, user: userShape(bob.user), data: first.data },
      { type: 'chat', id: second.id, ts: second.ts, room, user: userShape(bob.user), data: second.data },
    ]);
    expect(list!.data.map((u) => u.id).sort()).toEqual([alice.user.id, bob.user.id].sort());
    expect(joined.user).toEqual(userShape(alice.user));
    expect(typeof joined.data).toBe('string');

    const atBob = await b.next<PresenceMessage>(presence('join', alice.user, room));
    expect(atBob.user).toEqual(userShape(alice.user));
    // someone only in the lobby hears nothing of the room
    expect(await c.quietFor(250, (m) => (m.type === 'join' || m.type === 'list' || m.type === 'history') && 'room' in m && m.room === room)).toEqual([]);
  });

  it('a second tab joining the same room is not announced again', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const room = await createRoom(server, bob.cookie);
    const a1 = await connect(alice);
    const a2 = await connect(alice);
    const b = await connect(bob);
    await join(b, room);
    await join(a1, room);
    await b.next(presence('join', alice.user, room));

    const list = await join(a2, room);
    expect(list.data.filter((u) => u.id === alice.user.id)).toHaveLength(1);
    expect(await b.quietFor(250, presence('join', alice.user, room))).toEqual([]);
  });

  it('joining a room that does not exist is no_such_room, and the connection stays open', async () => {
    const alice = await signIn(server.url, 'Alice');
    const a = await connect(alice);
    a.send({ type: 'join', room: 'not-a-room-anywhere', ref: 'j1' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('no_such_room');
    expect(error.ref).toBe('j1');
    await say(a, unique('still here'));
  });

  it('keeps rooms apart: a chat in a room never reaches a connection that is only in the lobby', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const carol = await signIn(server.url, 'Carol');
    const room = await createRoom(server, alice.cookie);
    const a1 = await connect(alice);
    const a2 = await connect(alice); // Alice's other tab stays in the lobby only
    const b = await connect(bob);
    const c = await connect(carol);
    await join(a1, room);
    await join(b, room);

    const text = unique('room only');
    a1.send({ type: 'chat', room, data: text });
    const own = await a1.next<ChatMessage>(chatWith(text));
    const atBob = await b.next<ChatMessage>(chatWith(text));
    expect(own.room).toBe(room);
    expect(atBob.room).toBe(room);
    expect(atBob.id).toBe(own.id);
    expect(await c.quietFor(250, chatWith(text))).toEqual([]);
    expect(await a2.quietFor(0, chatWith(text))).toEqual([]);

    // and the lobby still reaches everyone, the room members included
    const lobbyText = unique('lobby for all');
    c.send({ type: 'chat', data: lobbyText });
    for (const client of [a1, a2, b, c]) expect((await client.next<ChatMessage>(chatWith(lobbyText))).room).toBe('lobby');
    expect(await a1.quietFor(150, chatWith(lobbyText))).toEqual([]);
  });
});

describe('leave', () => {
  it('sends left to the room, the leaver included; then the room no longer reaches the leaver', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const carol = await signIn(server.url, 'Carol');
    const room = await createRoom(server, alice.cookie);
    const a = await connect(alice);
    const b = await connect(bob);
    const c = await connect(carol);
    await join(a, room);
    await join(b, room);

    a.send({ type: 'leave', room });
    const own = await a.next<PresenceMessage>(presence('left', alice.user, room));
    const atBob = await b.next<PresenceMessage>(presence('left', alice.user, room));
    expect(own.user).toEqual(userShape(alice.user));
    expect(atBob.user).toEqual(userShape(alice.user));
    expect(await c.quietFor(200, (m) => m.type === 'left' && m.room === room)).toEqual([]);
    // leaving a room is not leaving the lobby
    expect(await b.quietFor(0, presence('left', alice.user, 'lobby'))).toEqual([]);

    const text = unique('after she left');
    b.send({ type: 'chat', room, data: text });
    await b.next(chatWith(text));
    expect(await a.quietFor(200, chatWith(text))).toEqual([]);

    a.send({ type: 'chat', room, data: unique('let me in'), ref: 'c1' });
    const notIn = await a.next<ErrorMessage>(isError);
    expect(notIn.data.code).toBe('not_in_room');
    expect(notIn.ref).toBe('c1');
  });

  it('leaving a room you are not in is not_in_room, and the connection stays open', async () => {
    const alice = await signIn(server.url, 'Alice');
    const room = await createRoom(server, alice.cookie);
    const a = await connect(alice);
    a.send({ type: 'leave', room, ref: 'l1' });
    const error = await a.next<ErrorMessage>(isError);
    expect(error.data.code).toBe('not_in_room');
    expect(error.ref).toBe('l1');
    await say(a, unique('still here'));
  });

  it('only the last connection of a user leaving announces left; closing a socket leaves its rooms', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const carol = await signIn(server.url, 'Carol');
    const room = await createRoom(server, alice.cookie);
    const a1 = await connect(alice);
    const a2 = await connect(alice);
    const b = await connect(bob);
    const c = await connect(carol);
    for (const client of [a1, a2, b, c]) await join(client, room);

    a1.send({ type: 'leave', room });
    expect(await b.quietFor(250, presence('left', alice.user, room))).toEqual([]);
    a2.send({ type: 'leave', room });
    await b.next(presence('left', alice.user, room));

    await c.close();
    await b.next(presence('left', carol.user, room));
    await b.next(presence('left', carol.user, 'lobby'));
  });
});

// --- history requests ---------------------------------------------------------------------------

describe('history requests', () => {
  it('pages back through a room with before: no gaps, no repeats, oldest first, before echoed; limit clamped to 100', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const room = await createRoom(server, alice.cookie);
    const a = await connect(alice);
    const b = await connect(bob);
    await join(a, room);
    await join(b, room);

    // 120 messages from two users, interleaved with lobby traffic that must not show up
    const texts = Array.from({ length: 120 }, (_, i) => unique(`m${i}`));
    texts.forEach((text, i) => {
      (i % 3 === 0 ? b : a).send({ type: 'chat', room, data: text });
      if (i % 10 === 0) a.send({ type: 'chat', data: unique('lobby noise') });
    });
    for (const text of texts) await a.next<ChatMessage>(chatWith(text));
    // the order the server accepted them in (two senders, so not necessarily `texts` order)
    const stored = a.received.filter((m): m is ChatMessage => m.type === 'chat' && m.room === room);
    const ids = stored.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(120);
    expect([...stored.map((m) => m.data)].sort()).toEqual([...texts].sort());

    const ask = async (request: Record<string, unknown>): Promise<RoomHistory> => {
      a.drain();
      a.send({ type: 'history', room, ...request });
      return a.next<RoomHistory>((m) => m.type === 'history' && 'room' in m && m.room === room);
    };

    const pages: RoomHistory[] = [];
    let page = await ask({ limit: 50 });
    expect(page.before).toBeUndefined();
    while (page.data.length > 0) {
      expect(pages.length, 'paging does not end').toBeLessThan(5);
      pages.push(page);
      const before = page.data[0]!.id;
      page = await ask({ before, limit: 50 });
      expect(page.before).toBe(before);
    }
    expect(pages.map((p) => p.data.length)).toEqual([50, 50, 20]);
    for (const p of pages) {
      const pageIds = p.data.map((m) => m.id);
      expect(pageIds).toEqual([...pageIds].sort((x, y) => x - y));
    }
    const walked = pages.reverse().flatMap((p) => p.data);
    expect(walked.map((m) => m.id)).toEqual(ids);
    expect(walked.map((m) => m.data)).toEqual(stored.map((m) => m.data));
    expect(walked.every((m) => m.type === 'chat' && m.room === room)).toBe(true);
    expect(walked.map((m) => m.user.id)).toEqual(stored.map((m) => m.user.id));

    // limit over 100 is clamped; no limit means HISTORY_LIMIT (50 by default)
    expect((await ask({ limit: 500 })).data.map((m) => m.id)).toEqual(ids.slice(-100));
    expect((await ask({})).data.map((m) => m.id)).toEqual(ids.slice(-50));
    expect((await ask({ limit: 1, before: ids[60] })).data.map((m) => m.id)).toEqual([ids[59]]);
  });

  it('a room you did not join is not_in_room; both room and with, or neither, or wrong types are bad_message', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const room = await createRoom(server, bob.cookie);
    const a = await connect(alice);
    const b = await connect(bob);
    await join(b, room);
    const secret = await say(b, unique('members only'), room);

    const cases: { request: Record<string, unknown>; code: string }[] = [
      { request: { type: 'history', room, ref: 'h1' }, code: 'not_in_room' },
      { request: { type: 'history', room: 'no-such-room-here', ref: 'h2' }, code: 'no_such_room' },
      { request: { type: 'history', room: 'lobby', with: bob.user.id, ref: 'h3' }, code: 'bad_message' },
      { request: { type: 'history', ref: 'h4' }, code: 'bad_message' },
      { request: { type: 'history', room: 'lobby', limit: '10', ref: 'h5' }, code: 'bad_message' },
      { request: { type: 'history', room: 'lobby', before: 'abc', ref: 'h6' }, code: 'bad_message' },
      { request: { type: 'history', with: 'no-such-user-id', ref: 'h7' }, code: 'no_such_user' },
    ];
    a.drain();
    for (const { request, code } of cases) {
      a.send(request);
      const error = await a.next<ErrorMessage>(isError);
      expect(error.data.code, JSON.stringify(request)).toBe(code);
      expect(error.ref).toBe(request.ref);
    }
    expect(a.received.some((m) => (m.type === 'history' && m.data.some((x) => x.id === secret.id)) || (m.type === 'chat' && m.id === secret.id))).toBe(false);
    await say(a, unique('still here'));
  });

  it('pages a DM conversation between the two users only, from either side', async () => {
    const alice = await signIn(server.url, 'Alice');
    const bob = await signIn(server.url, 'Bob');
    const carol = await signIn(server.url, 'Carol');
    const a = await connect(alice);
    const b = await connect(bob);
    const c = await connect(carol);

    const conversation: DirectMessage[] = [];
    for (let i = 0; i < 7; i++) {
      const [from, to] = i % 2 === 0 ? [a, bob] : [b, alice];
      const text = unique(`ab${i}`);
      from.send({ type: 'dm', to: to.user.id, data: text });
      conversation.push(await from.next<DirectMessage>((m) => m.type === 'dm' && m.data === text));
      // other conversations in between, which must not show up
      const noise = unique(`noise${i}`);
      (i % 2 === 0 ? c : a).send({ type: 'dm', to: i % 2 === 0 ? alice.user.id : carol.user.id, data: noise });
      await c.next((m) => m.type === 'dm' && m.data === noise);
    }
    const ids = conversation.map((m) => m.id);

    const ask = async (client: TestClient, other: string, request: Record<string, unknown> = {}): Promise<DmHistory> => {
      client.drain();
      client.send({ type: 'history', with: other, ...request });
      return client.next<DmHistory>((m) => m.type === 'history' && 'with' in m);
    };

    for (const [client, other] of [
      [a, bob.user.id],
      [b, alice.user.id],
    ] as const) {
      const all = await ask(client, other);
      expect(all.with).toBe(other);
      expect(all.data.map((m) => m.id)).toEqual(ids);
      expect(all.data.map((m) => [m.user.id, m.to.id])).toEqual(conversation.map((m) => [m.user.id, m.to.id]));
      expect(all.data.map((m) => m.data)).toEqual(conversation.map((m) => m.data));

      // paging: 3, 3, 1, then nothing, before echoed
      const walked: number[][] = [];
      let page = await ask(client, other, { limit: 3 });
      while (page.data.length > 0) {
        expect(walked.length, 'paging does not end').toBeLessThan(5);
        walked.unshift(page.data.map((m) => m.id));
        const before = page.data[0]!.id;
        page = await ask(client, other, { limit: 3, before });
        expect(page.before).toBe(before);
      }
      expect(walked.map((p) => p.length)).toEqual([1, 3, 3]);
      expect(walked.flat()).toEqual(ids);
    }

    // Carol asking about Bob, with whom she never talked, gets nothing of Alice and Bob's conversation
    const none = await ask(c, bob.user.id);
    expect(none.data).toEqual([]);
  });
});

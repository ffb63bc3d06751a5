// Rooms over HTTP (docs/protocol.md §1 /rooms): POST /rooms creates one and tells every connected
// client (the whole list, or with ?rooms=changes the new room alone), refusing duplicates in any
// case, bad names, strangers and other sites; GET /rooms lists every room with who is in it now.
// Real server, real `ws` clients and fetch.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LANGUAGE, translate } from '../../src/shared/i18n/index.js';
import type { ServerMessage, User } from '../../src/shared/protocol/index.js';
import { expectNone, join, joinAll, presence, roomName, userShape } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { formPost, jsonPost } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

type RoomsMessage = Extract<ServerMessage, { type: 'rooms' }>;

const chat = useServer({ RATE_LIMIT: '0' });

function postRoom(name: unknown, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (cookie) headers.cookie = cookie;
  return fetch(`${chat.server.url}/rooms`, { method: 'POST', headers, body: JSON.stringify({ name }) });
}

async function getRooms(cookie?: string): Promise<Response> {
  return fetch(`${chat.server.url}/rooms`, { headers: cookie ? { cookie, accept: 'application/json' } : { accept: 'application/json' } });
}

async function usersIn(cookie: string, room: string): Promise<string[]> {
  const response = await getRooms(cookie);
  expect(response.status).toBe(200);
  const rooms = (await response.json()) as { name: string; users: User[] }[];
  const entry = rooms.find((r) => r.name === room);
  expect(entry, `room ${room} in GET /rooms`).toBeDefined();
  return entry!.users.map((u) => u.id).sort();
}

/**
 * Who GET /rooms lists in `room`, once it lists `expected`. With several processes (the cluster
 * project), a join or a leave on another process reaches the one answering over the bus a moment
 * after the socket that made it heard its own frame.
 */
function usersInBecome(cookie: string, room: string, expected: string[]): Promise<string[]> {
  return until(`GET /rooms to list ${JSON.stringify(expected)} in ${room}`, () => usersIn(cookie, room), (ids) => JSON.stringify(ids) === JSON.stringify(expected));
}

describe('POST /rooms', () => {
  it('creates a room (201 {name}) and tells every connected client the new room list', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);

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
    const alice = await chat.signIn('Alice');
    const plain = await chat.connect(alice);
    const changes = await chat.connect(alice, { rooms: 'changes' });

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
    const alice = await chat.signIn('Alice');
    const a = await chat.connect(alice);
    const name = await chat.createRoom(alice, roomName('Dup'));
    await a.next((m) => m.type === 'rooms');

    for (const again of [name, name.toLowerCase(), name.toUpperCase()]) {
      expect((await postRoom(again, alice.cookie)).status, again).toBe(409);
    }
    expect((await postRoom('lobby', alice.cookie)).status).toBe(409);
    expect((await postRoom('LOBBY', alice.cookie)).status).toBe(409);
    await expectNone(a, (m) => m.type === 'rooms');
  });

  it('409 names the room that has the name, as it is spelled, in `room` (extension) for a room one may join', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const name = await chat.createRoom(alice, roomName('Taken'));
    const taken = await postRoom(name.toUpperCase(), bob.cookie);
    expect(taken.status).toBe(409);
    expect(await taken.json()).toEqual({ code: 1, error: translate(DEFAULT_LANGUAGE, 'rooms.exists', { name }), room: name });
    // An archived one cannot be joined: named, not offered.
    const archived = await fetch(`${chat.server.url}/rooms/${name}/archive`, { method: 'POST', headers: { cookie: alice.cookie, accept: 'application/json' } });
    expect(archived.status).toBe(200);
    expect(await (await postRoom(name.toLowerCase(), bob.cookie)).json()).toEqual({ code: 1, error: translate(DEFAULT_LANGUAGE, 'rooms.exists', { name }) });
  });

  it('400 for a bad name; letters of any script, digits, - and _ up to 32 characters are fine', async () => {
    const alice = await chat.signIn('Alice');
    for (const bad of ['', '   ', 'has space', 'a'.repeat(33), '<b>', 'a/b', 'dot.ted', 'new\nline', 42, null]) {
      expect((await postRoom(bad, alice.cookie)).status, JSON.stringify(bad)).toBe(400);
    }
    const noBody = await fetch(`${chat.server.url}/rooms`, {
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
    const alice = await chat.signIn('Alice');
    const rooms = (await (await getRooms(alice.cookie)).json()) as { name: string }[];
    expect(rooms.map((r) => r.name)).not.toContain(name);
  });
});

describe('GET /rooms', () => {
  it('lists every room with who is in it now (each user once); 401 without a cookie', async () => {
    expect((await getRooms()).status).toBe(401);

    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(alice);
    const [a1, a2, b] = await chat.connectEach(alice, alice, bob);

    const response = await getRooms(alice.cookie);
    expect(response.status).toBe(200);
    const rooms = (await response.json()) as { name: string; users: User[] }[];
    const lobby = rooms.find((r) => r.name === 'lobby');
    expect(lobby?.users.filter((u) => u.id === alice.user.id)).toEqual([userShape(alice.user)]);
    expect(lobby?.users.filter((u) => u.id === bob.user.id)).toEqual([userShape(bob.user)]);
    expect(rooms.find((r) => r.name === room)?.users).toEqual([]);

    await joinAll(room, a1, a2);
    expect(await usersInBecome(bob.cookie, room, [alice.user.id])).toEqual([alice.user.id]);
    await join(b, room);
    const both = [alice.user.id, bob.user.id].sort();
    expect(await usersInBecome(bob.cookie, room, both)).toEqual(both);

    b.send({ type: 'leave', room });
    await b.next(presence('left', bob.user, room));
    expect(await usersInBecome(bob.cookie, room, [alice.user.id])).toEqual([alice.user.id]);

    await a1.close();
    await a2.close();
    // presence follows the sockets: give the server a moment to see both closes
    await b.next(presence('left', alice.user, 'lobby'));
    expect(await usersInBecome(bob.cookie, room, [])).toEqual([]);
    expect(await until('Alice gone from the lobby in GET /rooms', () => usersIn(bob.cookie, 'lobby'), (ids) => !ids.includes(alice.user.id))).not.toContain(alice.user.id);
  });
});

describe('rooms over HTTP', () => {
  it('needs a signed-in user: 401 JSON for GET and POST', async () => {
    const list = await fetch(`${chat.server.url}/rooms`);
    expect(list.status).toBe(401);
    expect(await list.json()).toEqual({ code: 1, error: expect.any(String) });
    expect((await fetch(`${chat.server.url}/rooms`, jsonPost({ name: 'nope' }))).status).toBe(401);
  });

  it('lists every room with who is in it now', async () => {
    const lister = await chat.signIn('Lister');
    const { cookie, user } = lister;
    await chat.connect(lister);
    const rooms = (await (await fetch(`${chat.server.url}/rooms`, { headers: { cookie } })).json()) as {
      name: string;
      users: { id: string }[];
    }[];
    expect(rooms[0]?.name).toBe('lobby');
    expect(rooms[0]?.users.filter((u) => u.id === user.id)).toHaveLength(1);
  });

  it('creates a room (201), refuses a duplicate in any case (409) and a bad name (400)', async () => {
    const { cookie } = await chat.signIn('Maker');
    const created = await fetch(`${chat.server.url}/rooms`, jsonPost({ name: '技术-talk_1' }, cookie));
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ name: '技术-talk_1' });
    expect((await fetch(`${chat.server.url}/rooms`, jsonPost({ name: '技术-TALK_1' }, cookie))).status).toBe(409);
    for (const name of ['', 'has space', 'a/b', 'x'.repeat(33), '<script>']) {
      expect((await fetch(`${chat.server.url}/rooms`, jsonPost({ name }, cookie))).status).toBe(400);
    }
    const formPosted = await fetch(`${chat.server.url}/rooms`, { ...formPost({ name: 'from-form' }), headers: { ...formPost({}).headers, cookie } });
    expect(formPosted.status).toBe(201);
  });

  it('refuses a room creation sent from another site (Origin check)', async () => {
    const { cookie } = await chat.signIn('Victim');
    const response = await fetch(`${chat.server.url}/rooms`, {
      ...jsonPost({ name: 'csrf-room' }, cookie),
      headers: { 'content-type': 'application/json', cookie, origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
  });
});

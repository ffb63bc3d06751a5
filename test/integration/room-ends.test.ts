// Ending a room (extension, docs/protocol.md): `POST /rooms/<name>/archive` and
// `DELETE /rooms/<name>` by the person who made it. Every refusal (signed out, another site, not
// the creator, no such room, the lobby, archived twice; a room from before rooms kept their
// creator is in sqlite-upgrades.test.ts); what the sockets in the room, the page's and plain
// ones, and everyone else hear; and what is left afterwards (archived: closed, kept for its
// members' search; deleted: gone, name free).
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/shared/i18n/index.js';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { chatWith, expectNone, join, joinAll, refusal, roomName, say, unique } from '../helpers/chat.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import type { SignedIn } from '../helpers/server.js';

type Ending = 'archive' | 'delete';

const chat = useServer();

function end(how: Ending, room: string, who?: SignedIn, headers: Record<string, string> = {}): Promise<Response> {
  const path = how === 'archive' ? `/rooms/${encodeURIComponent(room)}/archive` : `/rooms/${encodeURIComponent(room)}`;
  return fetch(`${chat.server.url}${path}`, {
    method: how === 'archive' ? 'POST' : 'DELETE',
    headers: { accept: 'application/json', 'accept-language': 'en', ...(who ? { cookie: who.cookie } : {}), ...headers },
  });
}

async function expectRefusal(response: Response, status: number, error: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ code: 1, error });
}

/** The error a socket gets for a message about the room, by its code. */
const refusalOf = async (client: TestClient, message: object): Promise<string> => (await refusal(client, message)).code;

/** Anything more about the room, once each connection has had its change and its `left`. */
const afterwards = (m: ServerMessage) => ['left', 'join', 'presence', 'room', 'rooms', 'chat'].includes(m.type);

async function roomNames(who: SignedIn): Promise<string[]> {
  const response = await fetch(`${chat.server.url}/rooms`, { headers: { cookie: who.cookie } });
  return ((await response.json()) as { name: string }[]).map((room) => room.name);
}

async function searchFor(who: SignedIn, text: string): Promise<number[]> {
  const response = await fetch(`${chat.server.url}/search?q=${encodeURIComponent(text)}`, { headers: { cookie: who.cookie } });
  return ((await response.json()) as { id: number }[]).map((hit) => hit.id);
}

/**
 * Alice makes a room; in it are Alice on a plain client and Bob on a page's (`?rooms=changes`);
 * Carol is connected, plainly, in the lobby only; Dan's page is in the lobby only.
 */
async function roomWithPeople() {
  const [alice, bob, carol, dan] = await chat.users('Alice', 'Bob', 'Carol', 'Dan');
  const room = await chat.createRoom(alice, roomName('ending'));
  const a = await chat.connect(alice);
  const b = await chat.connect(bob, { rooms: 'changes', presence: 'batch' });
  const c = await chat.connect(carol);
  const d = await chat.connect(dan, { rooms: 'changes' });
  await joinAll(room, a, b);
  const said = await say(a, unique('said before the end'), room);
  await b.next(chatWith(said.data));
  // Settled first: the joins of the others (coalesced, sent a little later) are behind us too.
  for (const client of [a, b, c, d]) {
    await client.settle();
    client.drain();
  }
  return { alice, bob, carol, dan, room, a, b, c, d, said };
}

describe('who may end a room', () => {
  it('refuses strangers (401), other sites (403), others than its creator (403), a room that is not there (404)', async () => {
    const [alice, bob] = await chat.users('Alice', 'Bob');
    const room = await chat.createRoom(alice, roomName('mine'));
    const watcher = await chat.connect(bob, { rooms: 'changes' });
    for (const how of ['archive', 'delete'] as const) {
      await expectRefusal(await end(how, room), 401, translate('en', 'error.signInFirst'));
      await expectRefusal(await end(how, room, alice, { origin: 'https://evil.example' }), 403, translate('en', 'error.otherSite'));
      await expectRefusal(await end(how, room, bob), 403, translate('en', 'rooms.notCreator', { name: room }));
      await expectRefusal(await end(how, room, bob, { 'accept-language': 'zh-CN' }), 403, translate('zh-CN', 'rooms.notCreator', { name: room }));
      await expectRefusal(await end(how, 'nowhere-at-all', alice), 404, translate('en', 'rooms.notFound', { name: 'nowhere-at-all' }));
    }
    // Nothing ended and nobody heard of anything.
    expect(await roomNames(bob)).toContain(room);
    await expectNone(watcher, (m) => m.type === 'room' || m.type === 'rooms');
  });

  it('never lets anyone archive or delete the lobby, in any spelling', async () => {
    const alice = await chat.signIn('Alice');
    for (const how of ['archive', 'delete'] as const) {
      for (const lobby of ['lobby', 'LOBBY']) {
        await expectRefusal(await end(how, lobby, alice), 403, translate('en', 'rooms.lobbyForever'));
      }
    }
    expect((await roomNames(alice))[0]).toBe('lobby');
  });
});

describe('archiving a room', () => {
  it('closes it: the people in it leave, everyone hears of it, and it is read-only from then on', async () => {
    const { alice, bob, carol, room, a, b, c, d, said } = await roomWithPeople();
    const response = await end('archive', room.toUpperCase(), alice);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: room, archivedAt: expect.any(Number) });

    // In the room: each connection's own `left`; the page's the change, the plain one the contract's list.
    expect(await b.next((m) => m.type === 'room')).toEqual({ type: 'room', change: 'archived', room });
    expect(await b.next((m) => m.type === 'left')).toMatchObject({ room, user: { id: bob.user.id } });
    expect(await a.next((m) => m.type === 'left')).toMatchObject({ room, user: { id: alice.user.id } });
    const list = await a.next<Extract<ServerMessage, { type: 'rooms' }>>((m) => m.type === 'rooms');
    expect(list.data).not.toContain(room);
    expect(list.data[0]).toBe('lobby');
    // Elsewhere: the change or the list, and no `left` (they were not in it).
    expect(await d.next((m) => m.type === 'room')).toEqual({ type: 'room', change: 'archived', room });
    expect((await c.next<Extract<ServerMessage, { type: 'rooms' }>>((m) => m.type === 'rooms')).data).not.toContain(room);
    for (const client of [a, b, c, d]) await expectNone(client, afterwards);

    // Read-only: nobody joins, posts or reads there any more.
    expect(await refusalOf(a, { type: 'join', room })).toBe('archived');
    expect(await refusalOf(a, { type: 'chat', room, data: 'anyone here?' })).toBe('archived');
    expect(await refusalOf(b, { type: 'history', room })).toBe('archived');
    expect(await refusalOf(c, { type: 'join', room })).toBe('archived');
    // Gone from the lists and the pages, its name still taken; its members still find what was said.
    expect(await roomNames(carol)).not.toContain(room);
    const page = await (await fetch(`${chat.server.url}/`, { headers: { cookie: bob.cookie } })).text();
    expect(page).not.toContain(`data-room="${room}"`);
    expect((await fetch(`${chat.server.url}/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: carol.cookie }, body: JSON.stringify({ name: room }) })).status).toBe(409);
    expect(await searchFor(bob, said.data)).toEqual([said.id]);
    expect(await searchFor(carol, said.data)).toEqual([]);
    // Archived once is enough; its creator may still delete it.
    await expectRefusal(await end('archive', room, alice), 409, translate('en', 'rooms.alreadyArchived', { name: room }));
    expect((await end('delete', room, alice)).status).toBe(204);
    expect(await d.next((m) => m.type === 'room')).toEqual({ type: 'room', change: 'deleted', room });
  });
});

describe('deleting a room', () => {
  it('removes it with its messages: the people in it leave, everyone hears of it, and the name is free again', async () => {
    const { alice, bob, room, a, b, c, d, said } = await roomWithPeople();
    expect((await end('delete', room, alice)).status).toBe(204);

    expect(await b.next((m) => m.type === 'room')).toEqual({ type: 'room', change: 'deleted', room });
    expect(await b.next((m) => m.type === 'left')).toMatchObject({ room, user: { id: bob.user.id } });
    expect(await a.next((m) => m.type === 'left')).toMatchObject({ room, user: { id: alice.user.id } });
    expect((await a.next<Extract<ServerMessage, { type: 'rooms' }>>((m) => m.type === 'rooms')).data).not.toContain(room);
    expect(await d.next((m) => m.type === 'room')).toEqual({ type: 'room', change: 'deleted', room });
    expect((await c.next<Extract<ServerMessage, { type: 'rooms' }>>((m) => m.type === 'rooms')).data).not.toContain(room);
    for (const client of [a, b, c, d]) await expectNone(client, afterwards);

    expect(await refusalOf(a, { type: 'join', room })).toBe('no_such_room');
    expect(await refusalOf(b, { type: 'chat', room, data: 'hello?' })).toBe('no_such_room');
    expect(await searchFor(alice, said.data)).toEqual([]);
    expect(await roomNames(bob)).not.toContain(room);
    await expectRefusal(await end('delete', room, alice), 404, translate('en', 'rooms.notFound', { name: room }));
    await expectRefusal(await end('archive', room, alice), 404, translate('en', 'rooms.notFound', { name: room }));

    // Anyone may make a room of that name now, and it starts empty.
    const again = await chat.createRoom(bob, room);
    const history = await join(b, again);
    expect(history.room).toBe(room);
    const page = b.received.filter((m) => m.type === 'history' && 'room' in m && m.room === room).at(-1);
    expect(page).toEqual({ type: 'history', room, data: [], change: expect.any(Number) });
  });
});
